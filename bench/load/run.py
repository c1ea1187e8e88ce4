"""`make load`: start OpenIPT's production topology as plain processes, load it with Locust, check every write.

    .venv-load/bin/python bench/load/run.py --users 200 --minutes 10
    .venv-load/bin/python bench/load/run.py --users 200 --minutes 10 --kill   # one app server SIGKILLed mid-run

The topology of deploy/compose.yaml, without containers (this machine has no container runtime) and
with a small Python proxy in place of Caddy (bench/load/proxy.py): a fresh PostgreSQL database, two app
servers (`openipt serve --no-background`, gunicorn) on two ports, the proxy in front, the task worker,
the escalation runner, the webhook and SMS senders and the reminder runner, all in production mode.
It fills the database with `openipt synth`, gives the synthetic people a password
(bench/load/world.py), waits for /readyz, runs bench/load/locustfile.py headless, then checks that
every acknowledged write is in the database exactly once, that every risk answer has its alert, and
that the audit chain verifies. It writes bench/results/load-<date>.md and latest-load.md, stops every
process it started and drops its database. Exit code 1 when a check fails or any request failed
outside the kill window.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openipt.core.config import parse_database_url  # noqa: E402

PY = sys.executable
RUNNERS = {
    "worker": ["manage", "db_worker", "--no-reload"],
    "escalation": ["escalate", "--every", "60"],
    "webhooks": ["manage", "deliver_webhooks", "--every", "10"],
    "sms": ["sms", "send-due", "--every", "30"],
    "reminders": ["every", "300", "remind"],
}
KILL_PAUSE = 20  # seconds the killed app server stays down before it is started again


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/load/run.py", description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=200, help="simulated people at once (default 200)")
    p.add_argument(
        "--minutes", type=float, default=10, help="length of the load, ramp-up included (default 10)"
    )
    p.add_argument(
        "--kill", action="store_true", help="SIGKILL one app server mid-run, start it again 20 s later"
    )
    p.add_argument("--clients", type=int, default=4000, help="synthetic clients (default 4000)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server (default 2)")
    p.add_argument(
        "--spawn-rate", type=float, default=0, help="people started per second (default: all in 1 minute)"
    )
    p.add_argument(
        "--port", type=int, default=8480, help="the proxy's port; the app servers use the next two"
    )
    p.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server; a new database is made on it and dropped afterwards",
    )
    p.add_argument("--database-name", default=f"openipt_load_{os.getpid()}")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--keep", action="store_true", help="keep the database and the run's folder afterwards")
    p.add_argument(
        "--reuse", action="store_true", help="use the database kept by an earlier --keep run as it is"
    )
    p.add_argument("--no-report", action="store_true", help="print the report only (for short trial runs)")
    return p.parse_args(argv)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class Topology:
    """Every process of the run, each with its own log file; stopped in reverse order."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env = workdir, env
        self.procs: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}

    def start(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.commands[name] = argv
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_hard(self, name: str) -> int:
        """SIGKILL a process and everything it started (gunicorn's master and workers): a machine dying."""
        import psutil

        root = psutil.Process(self.procs[name].pid)
        tree = [root, *root.children(recursive=True)]
        for proc in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.send_signal(signal.SIGKILL)
        self.procs[name].wait()
        return len(tree)

    def stop_all(self) -> None:
        import psutil

        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            if proc.poll() is not None:
                continue
            try:
                children = psutil.Process(proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                children = []
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()


def wait_for(url: str, seconds: float, want: int = 200) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"Host": "127.0.0.1"}), timeout=5
            ) as r:
                if r.status == want:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def run_step(argv: list[str], env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with open(log, "ab") as out:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed (exit {done.returncode}); see {log}")
    return time.monotonic() - started


def read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    def rows(path: Path) -> list[dict]:
        if not path.exists():
            return []
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    return rows(Path(f"{prefix}_stats.csv")), rows(Path(f"{prefix}_failures.csv"))


def failures_by_window(
    acks: Path, window: tuple[float, float] | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Failed requests (from the locustfile's listener) by kind, inside and outside the kill window."""
    inside: dict[str, int] = {}
    outside: dict[str, int] = {}
    if not acks.exists():
        return inside, outside
    for line in acks.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if row.get("kind") != "fail":
            continue
        kind = f"{row.get('name')}: {row.get('error')}"
        bucket = inside if window and window[0] <= row["t"] <= window[1] else outside
        bucket[kind] = bucket.get(kind, 0) + 1
    return inside, outside


def render(report: dict) -> str:
    r = report
    lines = [
        f"# Load test: {r['users']} people for {r['minutes']:g} minutes{' with an app server killed' if r['kill'] else ''}",
        "",
        f"{r['date']}. A **shared 2-core machine** ({r['cores']} cores seen; other work was running): the figures "
        "say what this machine did at that moment, not what OpenIPT needs.",
        "",
        f"Command: `{r['command']}`",
        "",
        "| | |",
        "|---|---|",
        f"| topology | PostgreSQL {r['postgres']}, 2 app servers (`openipt serve --no-background`, gunicorn, "
        f"{r['workers']} workers × 4 threads each), the Python proxy (bench/load/proxy.py), worker, escalation, "
        "webhooks, SMS and reminder runners, production mode |",
        f"| data | `openipt synth --clients {r['clients']}` ({r['synth_seconds']:.0f} s) |",
        f"| people | {r['counts']} |",
        f"| load before | `{r['uptime_before']}` |",
        f"| load after | `{r['uptime_after']}` |",
        f"| requests | {r['total_requests']:,} in {r['seconds']:.0f} s: **{r['rps']:.1f} requests per second** |",
        f"| failed requests | {r['total_failures']:,}"
        + (
            f" ({r['failed_in_window']} during the kill window, {r['failed_outside']} outside it)"
            if r["kill"]
            else ""
        )
        + " |",
    ]
    if r["kill"]:
        lines.append(
            f"| kill | app server 1 and its {r['killed_processes'] - 1} gunicorn processes SIGKILLed at "
            f"{r['kill_at']:.0f} s; started again at {r['restart_at']:.0f} s, ready at {r['back_at']:.0f} s |"
        )
    lines += [
        "",
        "## Pages",
        "",
        "| page | requests | failed | p50 ms | p95 ms | p99 ms | per second |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r["pages"]:
        lines.append(
            f"| {row['name']} | {row['requests']:,} | {row['failures']:,} | {row['p50']} | {row['p95']} | "
            f"{row['p99']} | {row['rps']:.2f} |"
        )
    lines += ["", "## Errors", ""]
    if not r["errors"]:
        lines.append("None.")
    for title, errors in (
        ("Outside the kill window", r["errors"].get("outside", {})),
        ("During the kill window (a person would press again)", r["errors"].get("inside", {})),
    ):
        if errors:
            lines += (
                [f"{title}:", ""]
                + [f"- {n} × {kind}" for kind, n in sorted(errors.items(), key=lambda x: -x[1])]
                + [""]
            )
    v = r["verification"]
    lines += [
        "",
        "## Checks afterwards",
        "",
        f"- acknowledged writes: {v.get('acknowledged', 0):,}; each checked in the database:",
    ]
    lines += [f"  - {what}: {n:,}" for what, n in sorted(v.get("checked", {}).items())]
    lines.append(f"- problems: {len(v.get('problems', []))}" + ("" if not v.get("problems") else ""))
    lines += [f"  - {p}" for p in v.get("problems", [])[:30]]
    lines.append(f"- audit chain: {r['audit']}")
    lines += ["", f"**Result: {'PASS' if r['ok'] else 'FAIL'}**", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = parse_database_url(args.database_url, ROOT / "var" / "unused.sqlite3")
    if config.engine != "postgresql":
        raise SystemExit(
            "make load needs PostgreSQL: set DATABASE_URL=postgresql://... (a server, not SQLite)"
        )
    import psycopg

    admin_args = {
        "host": config.host,
        "port": config.port or None,
        "user": config.user or None,
        "password": config.password or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = args.database_name
    workdir = Path(tempfile.mkdtemp(prefix="openipt-load-"))
    # The audit keyring and checkpoints, shared by every process as on the compose file's volume; kept with
    # the database by --keep, for --reuse.
    var_dir = ROOT / "var" / "load" / name
    var_dir.mkdir(parents=True, exist_ok=True)
    auth = config.user + (f":{config.password}" if config.password else "")
    db_url = f"postgresql://{auth}@{config.host}{f':{config.port}' if config.port else ''}/{name}"
    proxy_port, ports = args.port, (args.port + 1, args.port + 2)
    site = f"http://127.0.0.1:{proxy_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENIPT_")}
    env.update(
        {
            "DATABASE_URL": db_url,
            "OPENIPT_MODE": "production",
            "OPENIPT_SECRET_KEY": secrets.token_urlsafe(50),
            "OPENIPT_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "OPENIPT_TRUSTED_PROXIES": "127.0.0.1",
            # No mail leaves the machine: alert and reminder e-mails are made and sent to memory.
            "OPENIPT_EMAIL_URL": "locmem:",
            "OPENIPT_VAR_DIR": str(var_dir),
            "OPENIPT_LOG_FORMAT": "json",
            "OPENIPT_SITE_URL": site.replace("http://", "https://"),
            "PYTHONPATH": str(ROOT),
        }
    )
    shown = (
        "make load"
        + f" LOAD_USERS={args.users} LOAD_MINUTES={args.minutes:g}"
        + (" LOAD_KILL=1" if args.kill else "")
    )
    report: dict = {
        "users": args.users,
        "minutes": args.minutes,
        "kill": args.kill,
        "clients": args.clients,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "command": shown,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "uptime_before": uptime(),
    }
    topo = Topology(workdir, env)
    with psycopg.connect(**admin_args) as conn:
        if not args.reuse:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        report["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
    print(f"load: database {name}, logs in {workdir}", flush=True)
    ok = False
    try:
        cli = [PY, "-m", "openipt.cli"]
        report["synth_seconds"] = run_step(
            [*cli, "synth", "--clients", str(args.clients), "--seed", "1"], env, workdir / "setup.log"
        )
        plan = workdir / "plan.json"
        run_step(
            [PY, "-m", "bench.load.world", "prepare", "--users", str(args.users), "--plan", str(plan)],
            env,
            workdir / "setup.log",
        )
        report["counts"] = ", ".join(
            f"{n} {role}s" for role, n in json.loads(plan.read_text())["counts"].items()
        )
        for runner, rest in RUNNERS.items():
            topo.start(runner, [*cli, *rest])
        serve = [
            *cli,
            "serve",
            "--no-background",
            "--host",
            "127.0.0.1",
            "--workers",
            str(args.workers),
            "--port",
        ]
        for i, port in enumerate(ports, 1):  # one after the other: each collects the static files at start
            topo.start(f"app{i}", [*serve, str(port)])
            if not wait_for(f"http://127.0.0.1:{port}/healthz", 180):
                raise SystemExit(f"app server {i} did not answer; see {workdir}/app{i}.log")
        topo.start(
            "proxy",
            [
                PY,
                "-m",
                "bench.load.proxy",
                "--port",
                str(proxy_port),
                *[a for port in ports for a in ("--backend", f"127.0.0.1:{port}")],
            ],
        )
        if not wait_for(f"{site}/readyz", 180):
            raise SystemExit(f"/readyz did not answer 200 through the proxy; see {workdir}")
        print("load: ready; starting Locust", flush=True)

        acks = workdir / "acks.jsonl"
        seconds = int(args.minutes * 60)
        spawn = args.spawn_rate or max(1.0, args.users / 60)
        locust = [
            PY,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            f"{spawn:g}",
            "-t",
            f"{seconds}s",
            "--host",
            site,
            "--csv",
            str(workdir / "locust"),
            "--stop-timeout",
            "15",
            "--only-summary",
        ]
        started = time.monotonic()
        kill_times: dict[str, float] = {}

        def kill_one() -> None:
            time.sleep(max(10.0, seconds * 0.4))
            kill_times["kill_wall"] = time.time()
            kill_times["kill_at"] = time.monotonic() - started
            report["killed_processes"] = topo.kill_hard("app1")
            print(f"load: app server 1 killed ({report['killed_processes']} processes)", flush=True)
            time.sleep(KILL_PAUSE)
            kill_times["restart_at"] = time.monotonic() - started
            topo.start("app1", topo.commands["app1"])
            wait_for(f"http://127.0.0.1:{ports[0]}/healthz", 180)
            kill_times["back_at"] = time.monotonic() - started
            kill_times["back_wall"] = time.time()
            print("load: app server 1 answering again", flush=True)

        killer = threading.Thread(target=kill_one, daemon=True) if args.kill else None
        if killer:
            killer.start()
        with open(workdir / "locust.log", "ab") as out:
            subprocess.run(
                locust,
                cwd=ROOT,
                env={**env, "LOAD_PLAN": str(plan), "LOAD_ACKS": str(acks)},
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        elapsed = time.monotonic() - started
        if killer:
            killer.join(timeout=240)
        time.sleep(3)
        report["uptime_after"] = uptime()

        done = subprocess.run(
            [
                PY,
                "-m",
                "bench.load.world",
                "verify",
                "--plan",
                str(plan),
                "--acks",
                str(acks),
                "--out",
                str(workdir / "verify.json"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        try:
            report["verification"] = json.loads((workdir / "verify.json").read_text())
        except (OSError, json.JSONDecodeError):
            report["verification"] = {"problems": [f"the check could not run: {done.stderr[-500:]}"]}
        audit = subprocess.run([*cli, "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
        report["audit"] = (
            (audit.stdout + audit.stderr).strip().splitlines()[-1]
            if (audit.stdout + audit.stderr).strip()
            else f"exit {audit.returncode}"
        )
        report["audit_ok"] = audit.returncode == 0

        stats, _failures = read_stats(workdir / "locust")
        pages = []
        total = {}
        for row in stats:
            entry = {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": row["50%"],
                "p95": row["95%"],
                "p99": row["99%"],
                "rps": float(row["Requests/s"]),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages.append(entry)
        report["pages"] = sorted(pages, key=lambda p: p["name"]) + (
            [{**total, "name": "**all**"}] if total else []
        )
        report["total_requests"] = total.get("requests", 0)
        report["total_failures"] = total.get("failures", 0)
        report["seconds"] = elapsed
        report["rps"] = total.get("rps", 0.0)
        window = None
        if args.kill and "kill_wall" in kill_times:
            report.update({k: v for k, v in kill_times.items() if not k.endswith("_wall")})
            window = (
                kill_times["kill_wall"],
                kill_times.get("back_wall", kill_times["kill_wall"] + 240) + 10,
            )
        inside, outside = failures_by_window(acks, window)
        report["errors"] = {"inside": inside, "outside": outside} if inside or outside else {}
        report["failed_in_window"] = sum(inside.values())
        report["failed_outside"] = sum(outside.values())
        ok = bool(report["verification"].get("ok")) and report["audit_ok"] and not outside
        report["ok"] = ok
        text = render(report)
        print(text, flush=True)
        if not args.no_report:
            args.out.mkdir(parents=True, exist_ok=True)
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H%M")
            suffix = "-kill" if args.kill else ""
            (args.out / f"load-{stamp}{suffix}.md").write_text(text, encoding="utf-8")
            (args.out / f"latest-load{suffix}.md").write_text(text, encoding="utf-8")
            (args.out / f"load-{stamp}{suffix}.json").write_text(
                json.dumps(report, indent=1, default=str), encoding="utf-8"
            )
    finally:
        topo.stop_all()
        if not args.keep:
            with psycopg.connect(**admin_args) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
