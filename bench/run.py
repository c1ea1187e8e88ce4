"""`make bench`: build fresh databases of synthetic clients and measure OpenIPT's pages.

    .venv/bin/python bench/run.py [--sizes 1000,10000] [--repeat 30] [--warmup 3] [--out bench/results]

For each size this script makes a fresh database: a SQLite file under
var/bench/, or, when DATABASE_URL names a PostgreSQL server, a new database on
that server (created and dropped here; the database named in the URL is not
touched). A separate Python process per size migrates it, generates the data
with `openipt.seed.synth.generate` and measures every scenario in
bench/scenarios/ (see bench/harness.py). The results go to
`<out>/<db>-<date>.json` and `.md`, and `<out>/latest-<db>.md`; the table is
printed. The exit code is 1 when a page or a scenario module failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from openipt.core.config import ConfigError, DatabaseConfig, parse_database_url  # noqa: E402

BENCH_VAR = ROOT / "var" / "bench"
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("give at least one size, each 1 or more")
    return sizes


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description="Measure OpenIPT's pages on synthetic data.")
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10000], help="numbers of clients (default 1000,10000)")
    parser.add_argument("--repeat", type=_at_least(1), default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=_at_least(0), default=3, help="untimed requests first (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic data (default 1)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="where results go (default bench/results)")
    parser.add_argument("--keep", action="store_true", help="keep each size's database afterwards")
    parser.add_argument("--only", default="", help="measure only these scenario modules, e.g. groups,supervision")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _postgres_url(config: DatabaseConfig, name: str) -> str:
    auth = quote(config.user, safe="")
    if config.password:
        auth += ":" + quote(config.password, safe="")
    port = f":{config.port}" if config.port else ""
    return f"postgresql://{auth}@{config.host}{port}/{name}"


def _postgres_admin(config: DatabaseConfig):
    import psycopg

    return psycopg.connect(
        host=config.host, port=config.port or None, user=config.user or None,
        password=config.password or None, dbname="postgres", autocommit=True,
    )


@contextlib.contextmanager
def fresh_database(config: DatabaseConfig, size: int, keep: bool):
    """Yield the DATABASE_URL of a new, empty database for one size, and remove it afterwards."""
    tag = f"{size}_{os.getpid()}"
    if config.engine == "postgresql":
        name = f"openipt_bench_{tag}"
        with _postgres_admin(config) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _postgres_url(config, name)
        finally:
            if not keep:
                with _postgres_admin(config) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = BENCH_VAR / f"bench-{tag}.sqlite3"
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    for file in files:
        file.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        if not keep:
            for file in files:
                file.unlink(missing_ok=True)



def measure_in_fresh_database(script: str, heading: str, size: int, worker_args: list[str]) -> tuple[int, dict, str]:
    """Run `script --worker --json OUT *worker_args` in a new, empty database of DATABASE_URL's kind.

    For the single-scenario benches (bulk export, offline sync, programme dashboard): the measuring process gets
    a settings environment of its own and writes its figures as JSON. Returns (exit code, figures, engine):
    2 when DATABASE_URL is wrong, 1 when the measuring process failed, 0 with the figures otherwise.
    """
    try:
        config = parse_database_url(os.environ.get("DATABASE_URL"), BENCH_VAR / "unused.sqlite3")
    except ConfigError as exc:
        print(f"{script}: {exc}", file=sys.stderr)
        return 2, {}, ""
    (BENCH_VAR / "static").mkdir(parents=True, exist_ok=True)
    print(f"== {heading}, {LABELS[config.engine]}", file=sys.stderr, flush=True)
    with fresh_database(config, size, False) as url, tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "measured.json"
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="openipt.settings", OPENIPT_MODE="development",
                   OPENIPT_DEBUG="0", DATABASE_URL=url, OPENIPT_VAR_DIR=str(BENCH_VAR),
                   OPENIPT_SECRET_KEY=secrets.token_urlsafe(64), OPENIPT_ALLOWED_HOSTS="testserver")
        command = [sys.executable, str(ROOT / script), "--worker", "--json", str(out), *worker_args]
        if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode != 0 or not out.exists():
            print(f"{script}: the measuring process failed", file=sys.stderr)
            return 1, {}, config.engine
        return 0, json.loads(out.read_text(encoding="utf-8")), config.engine

def run_size(url: str, size: int, args: argparse.Namespace) -> dict:
    """Measure one size in its own Python process and return what it found."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="openipt.settings",
        OPENIPT_MODE="development",
        OPENIPT_DEBUG="0",
        DATABASE_URL=url,
        OPENIPT_VAR_DIR=str(BENCH_VAR),
        OPENIPT_SECRET_KEY=secrets.token_urlsafe(64),
        OPENIPT_ALLOWED_HOSTS="testserver",
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "size.json"
        command = [
            sys.executable, str(Path(__file__).resolve()), "--worker", str(size), "--json", str(out),
            "--seed", str(args.seed), "--repeat", str(args.repeat), "--warmup", str(args.warmup),
        ]
        if args.only:
            command += ["--only", args.only]
        finished = subprocess.run(command, env=env, cwd=ROOT, check=False)
        if finished.returncode != 0 or not out.exists():
            raise RuntimeError(f"the measuring process for {size:,} clients stopped with exit code {finished.returncode}")
        return json.loads(out.read_text(encoding="utf-8"))


def worker(args: argparse.Namespace) -> int:
    """Inside the per-size process: set Django up on the given database and measure."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "openipt.settings"
    import django

    django.setup()
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    result = harness.build_and_measure(args.worker, seed=args.seed, repeat=args.repeat, warmup=args.warmup, only=only)
    Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


def shown_command(argv: list[str], config: DatabaseConfig) -> str:
    """Return the command line as a person would type it (no password)."""
    prefix = ""
    if config.engine == "postgresql":
        user = f"{config.user}@" if config.user else ""
        port = f":{config.port}" if config.port else ""
        prefix = f"DATABASE_URL=postgresql://{user}{config.host}{port}/<any> "
    return f"{prefix}.venv/bin/python bench/run.py {shlex.join(argv)}".rstrip()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.worker is not None:
        return worker(args)
    try:
        config = parse_database_url(os.environ.get("DATABASE_URL"), BENCH_VAR / "unused.sqlite3")
    except ConfigError as exc:
        print(f"bench/run.py: {exc}", file=sys.stderr)
        return 2
    label = LABELS[config.engine]
    report = {
        "database": config.engine,
        "database_label": label,
        "date": datetime.date.today().isoformat(),
        "command": shown_command(argv, config),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "seed": args.seed,
        "sizes": [],
        "failures": [],
    }
    (BENCH_VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT of the measuring processes
    for size in args.sizes:
        print(f"== {label}: {size:,} clients", file=sys.stderr, flush=True)
        try:
            with fresh_database(config, size, args.keep) as url:
                report["sizes"].append(run_size(url, size, args))
        except Exception as exc:  # noqa: BLE001 - one size failing must not lose the others
            report["failures"].append(f"{size:,} clients: {type(exc).__name__}: {exc}")
            print(f"bench/run.py: {size:,} clients failed: {exc}", file=sys.stderr)
    report["flags"] = harness.flags(report)
    markdown = harness.render_markdown(report)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # A run of some scenarios only is kept beside the full results, never as the latest figures.
    stem = f"{config.engine}-{report['date']}" + (f"-{args.only.replace(',', '-')}" if args.only else "")
    written = [out / f"{stem}.json", out / f"{stem}.md"]
    written[0].write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    written[1].write_text(markdown, encoding="utf-8")
    if not args.only:
        written.append(out / f"latest-{config.engine}.md")
        written[2].write_text(markdown, encoding="utf-8")
    print(markdown)
    print("Written: " + ", ".join(str(path) for path in written), file=sys.stderr)
    failed = report["failures"] or any(
        size["problems"] or any("error" in page for page in size["scenarios"]) for size in report["sizes"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
