"""`make bench-peer`: OpenIPT against the peer (CamCOPS), page for page, in one interleaved run (issue 15).

    make bench-peer PEER_URL=http://127.0.0.1:8088 PEER_USER=admin PEER_PASSWORD=...
    .venv/bin/python bench/peer.py --peer-url URL --peer-user USER --peer-password PW [--repeat 20]

The peer must already be running (`bash ../shared/peers/camcops-setup.sh all` starts CamCOPS with
1,000 patients of 20 weekly PHQ-9s and GAD-7s). This script then

1. makes a fresh OpenIPT database of the same shape (SQLite under var/bench/, or a new PostgreSQL
   database when DATABASE_URL names a server): `--clients` synthetic clients, and every course
   topped up to `--weeks` completed PHQ-9s and GAD-7s;
2. starts OpenIPT as a real HTTP server in production mode (`openipt serve --no-background`, gunicorn,
   `--workers` workers, as the peer's two) and signs in to both servers through their sign-in pages;
3. sends the peer one patient of `--weeks` PHQ-9s and GAD-7s through its tablet API, so both sides
   show a record of the same size, and checks every page answers on both sides;
4. times each page pair interleaved (OpenIPT, peer, OpenIPT, peer, ...) `--repeat` times: the
   client's wall time of each request over loopback, a new connection each time, body read in full;
   OpenIPT's own time per request is read from gunicorn's access log as well;
5. the end-of-treatment PDF made afresh (one goal's words are changed before each request, outside
   the timing, so the PDF cache cannot answer) against the peer's task PDF and tracker PDF;
6. bulk ingest, interleaved: `--ingest-rounds` requests of `--ingest-batch` questionnaires (half
   PHQ-9, half GAD-7) to each side's upload API (OpenIPT: POST /api/v1/administrations/batch; the
   peer: its tablet API's `upload_entire_database`, finalizing).

It writes `<out>/peer-<db>-<date>.json` and `<out>/latest-peer.md` and prints the table. Exit code 2
when the peer cannot be reached or signed in to, 1 when a page failed. Not run in CI.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import percentile  # noqa: E402

PAGE_TARGET = 5.0  # every page pair at least 5 times faster than the peer
PDF_TARGET_MS = 100.0  # the end-of-treatment PDF made afresh, server time at median
INGEST_TARGET = 3000  # questionnaires a second through the batch API
PEER_CLIENT_VERSION = "2.4.22"  # the tablet version our upload says it is (the server wants 2.0.0 or later)
NHS_IDNUM = 1001  # the peer's test ID number type that its upload policy asks for


# ---------------------------------------------------------------- the pure parts (tests/core/test_bench_peer.py)


def summary(times_ms: list[float]) -> dict:
    """Median, 95th percentile, min and max of some timings, in ms rounded to 0.1."""
    if not times_ms:
        raise ValueError("no timings")
    return {
        "n": len(times_ms),
        "median_ms": round(percentile(times_ms, 0.5), 1),
        "p95_ms": round(percentile(times_ms, 0.95), 1),
        "min_ms": round(min(times_ms), 1),
        "max_ms": round(max(times_ms), 1),
    }


def ratio(peer_ms: float, ours_ms: float) -> float | None:
    """How many times faster OpenIPT was than the peer (peer time / OpenIPT time); None when not measurable."""
    if ours_ms <= 0 or peer_ms <= 0:
        return None
    return round(peer_ms / ours_ms, 1)


def throughput(count_per_request: list[int], seconds: list[float]) -> float:
    """Questionnaires stored a second over all the requests together."""
    total = sum(seconds)
    return round(sum(count_per_request) / total, 1) if total > 0 else 0.0


def verdicts(report: dict) -> list[dict]:
    """Each of issue 15's targets, with the figure measured and whether it was met."""
    out = []
    for pair in report["pairs"]:
        r = pair.get("ratio")
        out.append({
            "target": f"{pair['name']}: at least {PAGE_TARGET:g}× faster than the peer",
            "measured": "failed" if r is None else f"{r:g}×",
            "met": r is not None and r >= PAGE_TARGET,
        })
    pdf = report.get("pdf_fresh")
    if pdf:
        server = pdf.get("server_median_ms")
        shown = f"{server:g} ms server time (client {pdf['median_ms']:g} ms)" if server is not None else (
            f"{pdf['median_ms']:g} ms client time (no server time read)")
        out.append({
            "target": f"end-of-treatment PDF made afresh ≤ {PDF_TARGET_MS:g} ms at median",
            "measured": shown,
            "met": (server if server is not None else pdf["median_ms"]) <= PDF_TARGET_MS,
        })
    ingest = report.get("ingest")
    if ingest:
        ours, theirs = ingest["openipt"]["per_second"], ingest["peer"]["per_second"]
        out.append({
            "target": f"bulk ingest ≥ {INGEST_TARGET:,} questionnaires a second",
            "measured": f"{ours:,.0f} a second",
            "met": ours >= INGEST_TARGET,
        })
        times = ratio(1 / theirs, 1 / ours) if ours > 0 and theirs > 0 else None
        out.append({
            "target": "bulk ingest ≥ 10× the peer's",
            "measured": "failed" if times is None else f"{times:g}× (peer {theirs:,.0f} a second)",
            "met": times is not None and times >= 10,
        })
    return out


def render(report: dict) -> str:
    """The Markdown report: the page pairs, the PDF, the ingest, the targets, how it was run."""
    lines = [
        f"# OpenIPT against the peer (CamCOPS), page for page (issue 15): {report['database_label']}",
        "",
        f"{report['date']}. Command: `{report['command']}`.",
        "",
        f"OpenIPT: {report['openipt']['shape']}; served by `openipt serve --no-background` (gunicorn, "
        f"{report['workers']} workers × 4 threads, production mode) on 127.0.0.1. Peer: {report['peer']['shape']} "
        f"at {report['peer']['url']}. Each pair was requested {report['repeat']} times interleaved (OpenIPT, peer, "
        "OpenIPT, peer, ...) after warm-up; times are the client's wall time over loopback (a new connection a "
        "request, the whole body read). \"OpenIPT server\" is gunicorn's own time for the same requests.",
        "",
        f"Load average (1, 5, 15 min) before: {report['load_before']}; after: {report['load_after']} "
        f"({report['cpus']} cores, shared with other work).",
        "",
        "| page pair | OpenIPT | peer | OpenIPT median ms | p95 | OpenIPT server median ms | peer median ms | p95 | "
        "peer ÷ OpenIPT | ≥ 5× |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for pair in report["pairs"]:
        ours, theirs = pair.get("openipt") or {}, pair.get("peer") or {}
        r = pair.get("ratio")
        met = "failed" if r is None else ("met" if r >= PAGE_TARGET else "**missed**")
        lines.append(
            f"| {pair['name']} | `{pair['openipt_path']}` | `{pair['peer_path']}` | {ours.get('median_ms', '–')} | "
            f"{ours.get('p95_ms', '–')} | {pair.get('openipt_server_median_ms', '–')} | {theirs.get('median_ms', '–')} | "
            f"{theirs.get('p95_ms', '–')} | {'–' if r is None else f'{r:g}×'} | {met} |"
        )
    for pair in report["pairs"]:
        if pair.get("error"):
            lines += ["", f"- {pair['name']}: {pair['error']}"]
    ingest = report.get("ingest")
    if ingest:
        o, p = ingest["openipt"], ingest["peer"]
        lines += [
            "",
            "## Bulk ingest",
            "",
            f"{ingest['rounds']} requests a side, interleaved, each of {ingest['batch']} questionnaires (half PHQ-9, "
            "half GAD-7).",
            "",
            "| side | how | stored | median ms a request | questionnaires a second |",
            "|---|---|---:|---:|---:|",
            f"| OpenIPT | {o['how']} | {o['stored']:,} | {o['median_ms']} | {o['per_second']:,.0f} |",
            f"| peer | {p['how']} | {p['stored']:,} | {p['median_ms']} | {p['per_second']:,.0f} |",
        ]
    lines += ["", "## Targets", "", "| target | measured | |", "|---|---|---|"]
    for v in verdicts(report):
        lines.append(f"| {v['target']} | {v['measured']} | {'met' if v['met'] else '**missed**'} |")
    lines += ["", "## Notes", ""] + [f"- {note}" for note in report.get("notes", [])] + [""]
    return "\n".join(lines)


def write_results(report: dict, out: Path) -> list[Path]:
    """Write `peer-<db>-<date>.json`, then `latest-peer.md` from the latest run on each database; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = out / f"peer-{report['database']}-{report['date']}.json"
    data.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    parts = []
    for kind in ("sqlite", "postgresql"):
        saved = sorted(out.glob(f"peer-{kind}-*.json"))
        if saved:
            parts.append(render(json.loads(saved[-1].read_text(encoding="utf-8"))))
    table = out / "latest-peer.md"
    table.write_text("\n".join(parts), encoding="utf-8")
    return [data, table]


def nhs_test_number(rng: random.Random) -> int:
    """A made-up NHS number in the 999 test range whose mod-11 check digit is right."""
    while True:
        digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return int("".join(str(d) for d in [*digits, check]))


def camcops_literal(value: object) -> str:
    """A value as the peer's tablet API wants it: NULL, bare numbers, or text in single quotes."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def hide_password(argv: list[str]) -> list[str]:
    """The command line as the report shows it: the peer's password replaced by an ellipsis."""
    shown: list[str] = []
    for arg in argv:
        if shown and shown[-1] == "--peer-password":
            shown.append("…")
        elif arg.startswith("--peer-password="):
            shown.append("--peer-password=…")
        else:
            shown.append(arg)
    return shown


# ---------------------------------------------------------------- HTTP, the same for both sides


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """A small HTTP client: a new connection for every request, the cookies it was given, fixed headers."""

    base: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        parts = urllib.parse.urlsplit(self.base)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        for line in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            gone = "max-age=0" in attributes.lower().replace(" ", "") or value in ('""', "")
            if gone:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data, ms)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, fields: list[tuple[str, str]] | dict, headers: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


class PeerError(Exception):
    """The peer could not be reached, signed in to or asked for what the benchmark needs."""


def sign_in_openipt(base: str, username: str, password: str) -> Browser:
    """Sign in through OpenIPT's sign-in page, as a browser behind the TLS proxy does."""
    origin = base.replace("http://", "https://", 1)
    browser = Browser(base, {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"})
    page = browser.get("/account/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status != 200 or not token:
        raise RuntimeError(f"OpenIPT's sign-in page answered {page.status}")
    done = browser.post_form("/account/login/", {"username": username, "password": password,
                                                 "csrfmiddlewaretoken": token.group(1)})
    if done.status != 302 or "/account/login/" in done.headers.get("location", ""):
        raise RuntimeError(f"signing in to OpenIPT as {username} answered {done.status}")
    return browser


def sign_in_peer(base: str, username: str, password: str) -> Browser:
    """Sign in through the peer's web sign-in form (and accept its terms of use if it asks)."""
    browser = Browser(base)
    try:
        page = browser.get("/login")
    except OSError as exc:
        raise PeerError(f"the peer at {base} cannot be reached: {exc}") from exc
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if page.status != 200 or not token:
        raise PeerError(f"the peer's sign-in page at {base}/login answered {page.status}")
    done = browser.post_form("/login", [
        ("_charset_", "UTF-8"), ("__formid__", "deform"), ("csrf_token", token.group(1)),
        ("username", username), ("password", password), ("redirect_url", base + "/"), ("submit", "submit"),
    ])
    where = done.headers.get("location", "")
    if done.status == 200 and "csrf_token" in done.text and 'name="password"' in done.text:
        raise PeerError(f"the peer refused the sign-in for {username}: check PEER_USER and PEER_PASSWORD")
    if "terms" in where:
        terms = browser.get(urllib.parse.urlsplit(where).path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', terms.text)
        if token:
            browser.post_form(urllib.parse.urlsplit(where).path, [
                ("_charset_", "UTF-8"), ("__formid__", "deform"), ("csrf_token", token.group(1)), ("submit", "submit")])
    home = browser.get("/")
    if home.status != 200 or "logout" not in home.text.lower():
        raise PeerError(f"signing in to the peer as {username} did not give a signed-in page ({home.status})")
    return browser


class PeerTablet:
    """The peer's tablet API (POST /api): register a device, then upload whole databases of records."""

    def __init__(self, base: str, user: str, password: str, device: str):
        self.browser = Browser(base)
        self.common = {"camcops_version": PEER_CLIENT_VERSION, "device": device, "user": user, "password": password}
        self.session: dict[str, str] = {}

    def call(self, operation: str, **fields: str) -> tuple[dict[str, str], float]:
        answer = self.browser.post_form("/api", {**self.common, **self.session, "operation": operation, **fields})
        reply = dict(line.partition(":")[::2] for line in answer.text.splitlines())
        if answer.status != 200 or reply.get("success") != "1":
            raise PeerError(f"the peer's API refused {operation}: {answer.status} {answer.text[:300]}")
        self.session = {"session_id": reply["session_id"], "session_token": reply["session_token"]}
        return reply, answer.ms


def peer_tables(rng: random.Random, patients: int, weeks: int, first_day: datetime.datetime) -> tuple[dict, list[int]]:
    """`patients` patients (sex and NHS number, as the peer's upload policy asks) with `weeks` weekly
    PHQ-9s and GAD-7s each, as the peer's tablet sends them; and their NHS numbers."""
    lit = camcops_literal
    tables: dict[str, list[dict]] = {"patient": [], "patient_idnum": [], "phq9": [], "gad7": []}
    numbers = []
    for p in range(1, patients + 1):
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        number = nhs_test_number(rng)
        numbers.append(number)
        tables["patient"].append({
            "id": lit(p), "forename": lit(f"Bench{p}"), "surname": lit("Peer"),
            "dob": lit(f"{rng.randint(1950, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"),
            "sex": lit(rng.choice("FM")), "when_last_modified": lit(now), "_move_off_tablet": "0",
        })
        tables["patient_idnum"].append({
            "id": lit(p), "patient_id": lit(p), "which_idnum": lit(NHS_IDNUM), "idnum_value": lit(number),
            "when_last_modified": lit(now), "_move_off_tablet": "0",
        })
        for week in range(weeks):
            started = first_day + datetime.timedelta(weeks=week, hours=rng.randint(9, 17))
            ended = (started + datetime.timedelta(minutes=4)).isoformat(timespec="milliseconds")
            for table, items in (("phq9", 9), ("gad7", 7)):
                answers = [rng.randint(0, 3) for _ in range(items)]
                if table == "phq9":
                    answers[8] = 0  # no risk answers, as in OpenIPT's synthetic data
                row = {
                    "id": lit(len(tables[table]) + 1), "patient_id": lit(p),
                    "when_created": lit(started.isoformat(timespec="milliseconds")), "when_firstexit": lit(ended),
                    "firstexit_is_finish": "1", "firstexit_is_abort": "0", "editing_time_s": "240.0",
                    "when_last_modified": lit(ended), "_move_off_tablet": "0",
                    **{f"q{i + 1}": lit(v) for i, v in enumerate(answers)},
                }
                if table == "phq9":
                    row["q10"] = lit(1)
                tables[table].append(row)
    return tables, numbers


def peer_upload(tablet: PeerTablet, tables: dict) -> float:
    """One upload of whole tables, finalized (moved off the tablet), as the peer's app sends it; ms taken."""
    _reply, ms = tablet.call("upload_entire_database", finalizing="1",
                             pknameinfo=json.dumps({name: "id" for name in tables}), dbdata=json.dumps(tables))
    return ms


# ---------------------------------------------------------------- inside the measuring process (Django set up)


def top_up(world, weeks: int) -> dict:
    """Give every synthetic course `weeks` completed PHQ-9s and GAD-7s (adding to those synth made)."""
    from django.utils import timezone

    from openipt.courses.models import Course
    from openipt.measures import instruments
    from openipt.measures.engine import score
    from openipt.measures.models import Administration, Source, Status

    rng = random.Random(7)
    now = timezone.now()
    made = []
    courses = list(Course.objects.filter(organisation=world.organisation).values_list("pk", "client_id"))
    have: dict[tuple[int, str], set[int]] = {}
    for course_id, code, number in Administration.objects.filter(
        course__organisation=world.organisation, status=Status.COMPLETED
    ).values_list("course_id", "instrument_code", "session_number"):
        have.setdefault((course_id, code), set()).add(number or 0)
    for code, zero in (("phq9", "q9"), ("gad7", "")):
        inst = instruments.get(code)
        assert inst is not None
        for course_id, client_id in courses:
            numbers = have.get((course_id, code), set())
            free = (n for n in range(1, 200) if n not in numbers)
            for _ in range(max(0, weeks - len(numbers))):
                n = next(free)
                answers = {item.id: (0 if item.id == zero else rng.choice(sorted(item.values))) for item in inst.items}
                result = score(inst, answers)
                when = now - datetime.timedelta(weeks=max(0, weeks + 4 - n), hours=rng.randint(1, 30))
                made.append(Administration(
                    organisation=world.organisation, client_id=client_id, course_id=course_id, session_number=n,
                    instrument_code=code, instrument_version=inst.version, answers=answers,
                    status=Status.COMPLETED, total=result.total, band=result.band.id if result.band else "",
                    source=Source.PORTAL, started_at=when, completed_at=when,
                ))
    Administration.objects.bulk_create(made, batch_size=2000)
    total = Administration.objects.filter(organisation=world.organisation, status=Status.COMPLETED).count()
    return {"courses": len(courses), "added": len(made), "completed": total}


def access_log_times(path: Path, start: int) -> tuple[list[float], int]:
    """gunicorn's own request times (ms) in its access log from line `start`, and the next line's number."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    times = []
    for line in lines[start:]:
        found = re.search(r'" \d{3} \S+ (\d+)ms ', line + " ")
        if found:
            times.append(float(found.group(1)))
    return times, len(lines)


def worker(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    from bench.harness import settle_statistics
    from openipt.accounts.actor import Actor
    from openipt.api import actions as api_actions
    from openipt.courses import goal_actions
    from openipt.courses.models import OPEN_STATUSES, Course
    from openipt.measures.models import Administration, Status
    from openipt.seed.synth import generate

    log = lambda text: print(f"  {text}", file=sys.stderr, flush=True)  # noqa: E731
    peer_base = args.peer_url.rstrip("/")
    peer = sign_in_peer(peer_base, args.peer_user, args.peer_password)  # before the long set-up: fail early
    log(f"signed in to the peer at {peer_base}")

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    world = generate(args.clients, seed=args.seed)
    shape = top_up(world, args.weeks)
    settle_statistics()
    log(f"{args.clients:,} clients, {shape['courses']} courses, {shape['completed']:,} completed questionnaires "
        f"({shape['added']:,} added to synth's) in {time.perf_counter() - started:.0f} s")
    open_statuses = [s.value for s in OPEN_STATUSES]
    therapist = max(world.staff["therapist"],
                    key=lambda m: Course.objects.filter(therapist=m, status__in=open_statuses).count())
    admin = world.staff["admin"][0]
    course = Course.objects.filter(therapist=therapist, status__in=open_statuses).order_by("pk").first()
    assert course is not None
    latest = Administration.objects.filter(course=course, instrument_code="phq9", status=Status.COMPLETED).last()
    assert latest is not None
    password = secrets.token_urlsafe(16)
    for member in (therapist, admin):
        member.user.set_password(password)
        member.user.save(update_fields=["password"])
    actor = Actor(therapist)
    _token, api_secret = api_actions.create_personal(actor, name="bench-peer", scopes=["measures:write"],
                                                     expires_on=timezone.localdate() + datetime.timedelta(days=2))
    own_courses = list(Course.objects.filter(therapist=therapist, status__in=open_statuses).values_list("pk", flat=True))

    # OpenIPT as it runs in production, with its access log (gunicorn's own time per request) in a file.
    port = args.port
    base = f"http://127.0.0.1:{port}"
    scratch = Path(tempfile.mkdtemp(prefix="openipt-peer-"))
    access_log = scratch / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENIPT_") or k == "OPENIPT_VAR_DIR"}
    env.update(OPENIPT_MODE="production", OPENIPT_SECRET_KEY=secrets.token_urlsafe(50),
               OPENIPT_ALLOWED_HOSTS="127.0.0.1,localhost", OPENIPT_TRUSTED_PROXIES="127.0.0.1",
               OPENIPT_EMAIL_URL="locmem:", OPENIPT_SITE_URL=f"https://127.0.0.1:{port}",
               OPENIPT_API_CALLS_PER_MINUTE="100000")
    with open(access_log, "ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "openipt.cli", "serve", "--no-background", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(args.workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return _measure(args, log, base, access_log, peer, peer_base, therapist, admin, password, course, latest,
                        api_secret, own_courses, shape, goal_actions, actor)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _wait_ready(base: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Browser(base, {"X-Forwarded-Proto": "https"}).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"OpenIPT did not answer at {base}/healthz")


def _measure(args, log, base, access_log, peer, peer_base, therapist, admin, password, course, latest, api_secret,
             own_courses, shape, goal_actions, actor) -> dict:
    _wait_ready(base, 180)
    load_before = [round(x, 2) for x in os.getloadavg()]
    ours = sign_in_openipt(base, therapist.user.username, password)
    ours_admin = sign_in_openipt(base, admin.user.username, password)
    log("OpenIPT is serving; signed in")

    # One patient on the peer with as many PHQ-9s and GAD-7s as the OpenIPT course measured.
    rng = random.Random(args.seed + 100)
    tablet = PeerTablet(peer_base, args.peer_user, args.peer_password, f"openipt_bench_{os.getpid()}")
    registered, _ms = tablet.call("register", devicefriendlyname="OpenIPT benchmark")
    first_day = datetime.datetime.now(datetime.UTC) - datetime.timedelta(weeks=args.weeks + 1)
    tables, numbers = peer_tables(rng, 1, args.weeks, first_day)
    peer_upload(tablet, tables)
    nhs = numbers[0]
    who = f"which_idnum={NHS_IDNUM}&idnum_value={nhs}"
    ctv = peer.get(f"/ctv?{who}&all_tasks=true&viewtype=html")
    found = re.search(r"table_name=phq9&(?:amp;)?server_pk=(\d+)", ctv.text)
    if ctv.status != 200 or not found:
        raise PeerError(f"the peer's clinical text view of the benchmark patient answered {ctv.status} "
                        "without a PHQ-9 link")
    phq9_pk = found.group(1)

    pairs_plan = [
        ("questionnaire view", ours, f"/measures/answers/{latest.uuid}/",
         f"/task?table_name=phq9&server_pk={phq9_pk}&viewtype=html"),
        ("caseload, 25 rows", ours_admin, "/clients/", "/view_tasks?rows_per_page=25"),
        ("score chart: PHQ-9", ours, f"/measures/course/{course.pk}/",
         f"/tracker?{who}&tasks=phq9&all_tasks=false&viewtype=html"),
        ("score chart: PHQ-9 + GAD-7", ours, f"/measures/course/{course.pk}/",
         f"/tracker?{who}&tasks=phq9&tasks=gad7&all_tasks=false&viewtype=html"),
        ("client overview", ours, f"/clients/{course.client_id}/", f"/ctv?{who}&all_tasks=true&viewtype=html"),
    ]
    pdf_plan = [
        ("PDF: report afresh vs task PDF", f"/task?table_name=phq9&server_pk={phq9_pk}&viewtype=pdf"),
        ("PDF: report afresh vs tracker PDF", f"/tracker?{who}&tasks=phq9&tasks=gad7&all_tasks=false&viewtype=pdf"),
    ]
    pairs = []
    for name, browser, our_path, peer_path in pairs_plan:
        pairs.append(_pair(name, browser, our_path, peer, peer_path, args, access_log, log))

    # The PDF made afresh: one goal's words changed (outside the timing) before each OpenIPT request, so the
    # report's HTML differs and its cache cannot answer, while the report stays the same size.
    pdf_path = f"/measures/course/{course.pk}/report.pdf"
    counter = iter(range(1, 10**6))
    goal = goal_actions.add_goal(actor, course.pk, text="Benchmark goal 0")

    def change() -> None:
        goal_actions.edit_goal(actor, course.pk, goal.pk, text=f"Benchmark goal {next(counter)}", area=goal.area,
                               order=goal.order, active=True)

    fresh_client: list[float] = []
    fresh_server: list[float] = []
    for name, peer_path in pdf_plan:
        pair = _pair(name, ours, pdf_path, peer, peer_path, args, access_log, log, before_ours=change, pdf=True)
        pairs.append(pair)
        fresh_client += pair.get("openipt_times", [])
        fresh_server += pair.get("openipt_server_times", [])
    pdf_fresh = None
    if fresh_client:
        pdf_fresh = {**summary(fresh_client),
                     "server_median_ms": round(statistics.median(fresh_server), 1) if fresh_server else None,
                     "goal_changes": next(counter) - 1}

    ingest = _ingest(args, base, api_secret, own_courses, tablet, rng, log)
    return {
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "openipt_shape": shape,
        "pairs": pairs,
        "pdf_fresh": pdf_fresh,
        "ingest": ingest,
        "peer_phq9_pk": phq9_pk,
        "peer_version": registered.get("server_camcops_version") or registered.get("serverCamcopsVersion") or "unknown",
    }


def _pair(name, ours, our_path, peer, peer_path, args, access_log, log, before_ours=None, pdf=False) -> dict:
    """Warm up both pages, then request them interleaved `repeat` times; OpenIPT first in each round."""
    pair: dict = {"name": name, "openipt_path": our_path.split("?")[0], "peer_path": peer_path.split("?")[0]}
    want = "application/pdf" if pdf else "text/html"
    try:
        for _ in range(args.warmup):
            for side, browser, path in (("OpenIPT", ours, our_path), ("peer", peer, peer_path)):
                if side == "OpenIPT" and before_ours:
                    before_ours()
                answer = browser.get(path)
                if answer.status != 200 or not answer.headers.get("content-type", "").startswith(want):
                    raise RuntimeError(f"{side} {path} answered {answer.status} "
                                       f"{answer.headers.get('content-type', '')}")
        time.sleep(0.3)
        _, mark = access_log_times(access_log, 0)
        mine, theirs, sizes = [], [], {}
        for _ in range(args.repeat):
            if before_ours:
                before_ours()
            a = ours.get(our_path)
            b = peer.get(peer_path)
            if a.status != 200 or b.status != 200:
                raise RuntimeError(f"answered {a.status} (OpenIPT) and {b.status} (peer) during timing")
            mine.append(a.ms)
            theirs.append(b.ms)
            sizes = {"openipt_bytes": len(a.body), "peer_bytes": len(b.body)}
        time.sleep(0.5)
        server, _ = access_log_times(access_log, mark)
    except (RuntimeError, OSError) as exc:
        pair["error"] = f"{type(exc).__name__}: {exc}"
        log(f"{name}: {pair['error']}")
        return pair
    pair.update(openipt=summary(mine), peer=summary(theirs), ratio=ratio(statistics.median(theirs),
                                                                         statistics.median(mine)), **sizes)
    pair["openipt_times"] = [round(t, 2) for t in mine]
    if len(server) == len(mine):
        pair["openipt_server_times"] = server
        pair["openipt_server_median_ms"] = round(statistics.median(server), 1)
    log(f"{name}: OpenIPT {pair['openipt']['median_ms']} ms, peer {pair['peer']['median_ms']} ms, "
        f"{pair['ratio']}×")
    return pair


def _ingest(args, base, api_secret, own_courses, tablet, rng, log) -> dict | None:
    """Interleaved batches: OpenIPT's REST batch, then the peer's upload, `ingest_rounds` times."""
    if args.ingest_rounds < 1:
        return None
    ours = Browser(base, {"X-Forwarded-Proto": "https", "Authorization": f"Bearer {api_secret}",
                          "Content-Type": "application/json"})
    today = datetime.date.today().isoformat()
    half = args.ingest_batch // 2
    weeks = max(1, half // 25)  # the peer: 25 patients a request, `weeks` PHQ-9s and GAD-7s each
    first_day = datetime.datetime.now(datetime.UTC) - datetime.timedelta(weeks=weeks + 1)
    mine, theirs, mine_stored, theirs_stored = [], [], [], []
    key = 0
    for _ in range(args.ingest_rounds):
        entries = []
        for code, items in (("phq9", 9), ("gad7", 7)):
            for _n in range(half):
                key += 1
                answers = {f"q{i + 1}": rng.randint(0, 3) for i in range(items)}
                if code == "phq9":
                    answers["q9"] = 0
                entries.append({"key": f"peer-bench-{os.getpid()}-{key}", "course_id": own_courses[key % len(own_courses)],
                                "instrument_code": code, "completed_on": today, "answers": {**answers, "difficulty": 0}})
        body = json.dumps({"responses": entries}).encode()
        answer = ours.request("POST", "/api/v1/administrations/batch", body)
        if answer.status != 200:
            raise RuntimeError(f"OpenIPT's batch answered {answer.status}: {answer.text[:300]}")
        mine.append(answer.ms / 1000)
        mine_stored.append(int(json.loads(answer.body)["stored"]))
        tables, _numbers = peer_tables(rng, 25, weeks, first_day)
        theirs.append(peer_upload(tablet, tables) / 1000)
        theirs_stored.append(len(tables["phq9"]) + len(tables["gad7"]))
    result = {
        "rounds": args.ingest_rounds,
        "batch": 2 * half,
        "openipt": {"how": "POST /api/v1/administrations/batch (JSON, personal token)", "stored": sum(mine_stored),
                    "median_ms": round(statistics.median(mine) * 1000, 1),
                    "per_second": throughput(mine_stored, mine)},
        "peer": {"how": f"POST /api operation=upload_entire_database (25 patients × {weeks} weeks, finalizing)",
                 "stored": sum(theirs_stored), "median_ms": round(statistics.median(theirs) * 1000, 1),
                 "per_second": throughput(theirs_stored, theirs)},
    }
    log(f"ingest: OpenIPT {result['openipt']['per_second']:,.0f}/s, peer {result['peer']['per_second']:,.0f}/s")
    return result


# ---------------------------------------------------------------- the command


NOTES = [
    "Times are wall-clock times on a shared 2-core machine: both servers, the measuring client and other "
    "helpers' work share the cores. Interleaving gives both sides the same conditions, so the ratios are fairer "
    "than the absolute times; run it again before trusting a difference of a few per cent.",
    "The pages are not identical. OpenIPT's course scores page draws PHQ-9 and GAD-7 with their data tables in "
    "one page, so it stands for both of the peer's trackers; the client overview is the record page (courses, "
    "alerts, signals), the peer's is a clinical text view of all the patient's tasks; the caseload is the first "
    "page of 25 clients of 1,000 as an organisation admin, the peer's the first 25 of its task list.",
    "The peer's PDFs are made by its web server on every request (the peer keeps no PDF cache; "
    "`viewtype=pdf` asks for the task or tracker as a PDF). OpenIPT's end-of-treatment report is made afresh "
    "too: one goal's words are changed before every request (outside the timing), so the report's HTML differs "
    "and its cache never answers, while the report keeps the same size; its own time is read from gunicorn's access log.",
    "Bulk ingest: OpenIPT scores, risk-checks, stores and audits every questionnaire (no risk answers here); "
    "the peer stores the tablet's rows and moves them off the device (finalizing); its upload also carries 25 "
    "patients a request. The API's rate window is raised for the run (OPENIPT_API_CALLS_PER_MINUTE).",
    "The peer answers one request at a time well; while camcops-setup.sh was loading its 1,000 patients, one web "
    "request arriving beside an upload made that upload fail with HTTP 500 (an error of its database session), "
    "which stops the script. This benchmark sends one request at a time, so it never meets that.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/peer.py", description=__doc__.split("\n")[0])
    parser.add_argument("--peer-url", default=os.environ.get("PEER_URL", "http://127.0.0.1:8088"))
    parser.add_argument("--peer-user", default=os.environ.get("PEER_USER", "admin"))
    parser.add_argument("--peer-password", default=os.environ.get("PEER_PASSWORD", ""))
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=20, help="PHQ-9s and GAD-7s a course (default 20)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests a page and side (default 20)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--ingest-rounds", type=int, default=5)
    parser.add_argument("--ingest-batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as the peer's)")
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        import django

        django.setup()
        try:
            measured = worker(args)
        except PeerError as exc:
            print(f"bench/peer.py: {exc}", file=sys.stderr)
            return 2
        Path(args.json).write_text(json.dumps(measured), encoding="utf-8")
        return 0
    if not args.peer_password:
        print("bench/peer.py: give the peer's password (PEER_PASSWORD=... or --peer-password)", file=sys.stderr)
        return 2
    try:
        sign_in_peer(args.peer_url.rstrip("/"), args.peer_user, args.peer_password)
    except PeerError as exc:
        print(f"bench/peer.py: {exc}. Start it with `bash ../shared/peers/camcops-setup.sh all`.", file=sys.stderr)
        return 2
    from bench.run import LABELS, measure_in_fresh_database

    passed = list(argv if argv is not None else sys.argv[1:])
    code, measured, engine = measure_in_fresh_database("bench/peer.py", "OpenIPT against the peer", args.clients,
                                                       passed)
    if code:
        return code
    shown = hide_password(passed)
    prefix = "DATABASE_URL=postgresql://… " if engine == "postgresql" else ""
    s = measured["openipt_shape"]
    report = {
        "database": engine,
        "database_label": LABELS[engine],
        "date": datetime.date.today().isoformat(),
        "command": f"{prefix}.venv/bin/python bench/peer.py {' '.join(shown)}".rstrip(),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load_before": measured["load_before"],
        "load_after": measured["load_after"],
        "openipt": {"shape": f"{args.clients:,} synthetic clients, {s['courses']} courses each topped up to "
                             f"{args.weeks} PHQ-9s and {args.weeks} GAD-7s ({s['completed']:,} questionnaires)"},
        "peer": {"url": args.peer_url, "version": measured["peer_version"],
                 "shape": f"CamCOPS {measured['peer_version']} as camcops-setup.sh loads it (1,000 patients × "
                          f"{args.weeks} PHQ-9s and GAD-7s, plus its dummy data), and the benchmark's patient of "
                          f"{args.weeks} each"},
        "pairs": measured["pairs"],
        "pdf_fresh": measured["pdf_fresh"],
        "ingest": measured["ingest"],
        "notes": NOTES,
    }
    report["targets"] = verdicts(report)
    written = write_results(report, Path(args.out))
    print(render(report))
    print("Written: " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 1 if any(p.get("error") for p in report["pairs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
