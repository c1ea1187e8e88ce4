"""The production topology in deploy/ is checked without a container runtime: it parses, every service runs a
real `openipt` command with options that command accepts, the proxy reaches every app server, and every
setting it names is one OpenIPT reads. (No database: these run once, in the SQLite run.)"""

from __future__ import annotations

import configparser
import ipaddress
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, get_commands, load_command_class
from django.test import override_settings
from django.urls import Resolver404, resolve

from openipt.cli import BACKGROUND, build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS_TEXT = "\n".join(
    (Path(__file__).resolve().parents[2] / "openipt" / name).read_text(encoding="utf-8")
    for name in ("settings.py", "core/config.py", "audit/keys.py", "cli.py")
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _management_options(name: str, rest: list[str]) -> None:
    command = load_command_class(get_commands()[name], name)
    # As in production, where the database queue is the task backend (db_worker checks it).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        try:
            command.create_parser("openipt manage", name).parse_args(rest)
        except CommandError as exc:
            pytest.fail(f"openipt manage {name} {' '.join(rest)}: {exc}")


def assert_real_command(argv: list[str]) -> None:
    """`argv` is an `openipt` command line the command accepts, down to the management command's options."""
    assert Path(argv[0]).name == "openipt", argv
    rest = list(argv[1:])
    if rest[0] == "escalate":  # its options belong to the management command (openipt.cli.main)
        _management_options("escalate", [a for a in rest[1:]])
        return
    args = build_parser().parse_args(rest)
    if args.command == "manage":
        assert args.rest[0] in get_commands(), f"no management command {args.rest[0]!r}"
        _management_options(args.rest[0], args.rest[1:])
    elif args.command == "every":
        assert args.seconds >= 1
        assert_real_command(["openipt", *args.rest])


def _openipt_services(compose: dict) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == "openipt:local"}


def test_the_compose_file_has_the_whole_topology(compose):
    services = compose["services"]
    assert {"db", "migrate", "worker", "escalation", "reminders", "prune", "proxy"} <= set(services)
    apps = [name for name, s in _openipt_services(compose).items() if s["command"][1] == "serve"]
    assert len(apps) >= 2, "two or more app servers"
    for name in apps:
        assert "--no-background" in services[name]["command"], "the runners are services of their own"
    commands = {tuple(s["command"][1:3]) for s in _openipt_services(compose).values()}
    assert ("manage", "db_worker") in commands and ("escalate", "--every") in commands
    assert services["db"]["image"].startswith("postgres:")


def test_every_service_runs_a_real_openipt_command(compose):
    for name, service in _openipt_services(compose).items():
        try:
            assert_real_command(service["command"])
        except SystemExit:
            pytest.fail(f"service {name}: `{' '.join(service['command'])}` is not a command openipt accepts")


def test_migrations_run_once_before_any_server_or_runner(compose):
    services = _openipt_services(compose)
    assert services["migrate"]["command"][1:3] == ["manage", "migrate"]
    for name, service in services.items():
        if name != "migrate":
            assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_only_the_proxy_is_trusted_and_it_reaches_every_app_server(compose):
    services = compose["services"]
    env = _openipt_services(compose)["app1"]["environment"]
    proxy_ip = services["proxy"]["networks"]["openipt"]["ipv4_address"]
    assert env["OPENIPT_TRUSTED_PROXIES"] == proxy_ip
    subnet = ipaddress.ip_network(compose["networks"]["openipt"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(proxy_ip) in subnet
    caddy = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    targets = re.search(r"reverse_proxy ([^{]+)\{", caddy).group(1).split()
    apps = {
        f"{name}:{s['command'][s['command'].index('--port') + 1]}"
        for name, s in _openipt_services(compose).items()
        if s["command"][1] == "serve"
    }
    assert set(targets) == apps
    mount = services["proxy"]["volumes"][0].split(":")[0]
    assert (DEPLOY / mount).resolve() == (DEPLOY / "caddy" / "Caddyfile").resolve()


def _url_name(path: str) -> str:
    try:
        return resolve(path).url_name
    except Resolver404:
        pytest.fail(f"{path} is not an OpenIPT address")


def test_health_checks_ask_real_addresses(compose):
    caddy = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert _url_name(re.search(r"health_uri (\S+)", caddy).group(1)) == "healthz"
    probe = " ".join(_openipt_services(compose)["app1"]["healthcheck"]["test"])
    assert _url_name(re.search(r"127\.0\.0\.1:8000(/\w+)", probe).group(1)) == "readyz"


def _named_variables(text: str) -> set[str]:
    return set(re.findall(r"\b((?:OPENIPT|DATABASE)_[A-Z_]+)\b", text))


def test_every_setting_the_deploy_files_name_is_one_openipt_reads(compose):
    names = set()
    for service in _openipt_services(compose).values():
        names |= {k for k in service.get("environment", {}) if k.startswith(("OPENIPT_", "DATABASE_"))}
    names |= _named_variables((DEPLOY / "openipt.env.example").read_text(encoding="utf-8"))
    names -= {"OPENIPT_SITE_ADDRESS"}  # Caddy's, not OpenIPT's
    unknown = sorted(name for name in names if f'"{name}"' not in SETTINGS_TEXT)
    assert unknown == []


def _unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # keys are case-sensitive in systemd
    unit.read_string(path.read_text(encoding="utf-8"))
    return unit


def test_the_systemd_units_run_real_commands_and_each_timer_has_its_service():
    units = sorted((DEPLOY / "systemd").iterdir())
    services = [p for p in units if p.suffix == ".service"]
    assert {p.name for p in services} >= {
        "openipt-web@.service",
        "openipt-migrate.service",
        "openipt-worker.service",
        "openipt-escalation.service",
        "openipt-remind.service",
        "openipt-prune.service",
    }
    for path in services:
        command = shlex.split(_unit(path)["Service"]["ExecStart"].replace("%i", "8001"))
        try:
            assert_real_command(command)
        except SystemExit:
            pytest.fail(f"{path.name}: `{' '.join(command)}` is not a command openipt accepts")
        if path.name != "openipt-migrate.service":
            assert "openipt-migrate.service" in _unit(path)["Unit"]["After"], path.name
    for timer in (p for p in units if p.suffix == ".timer"):
        assert (timer.with_suffix(".service")).exists(), timer.name
        assert "Timer" in _unit(timer)


def test_the_nginx_example_balances_the_systemd_app_servers():
    conf = (DEPLOY / "nginx" / "openipt.conf").read_text(encoding="utf-8")
    upstream = re.findall(r"server 127\.0\.0\.1:(\d+)", conf)
    assert len(upstream) >= 2
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf  # replaced, never appended to
    assert _url_name("/metrics") == "metrics" and "location = /metrics { return 404; }" in conf


def test_every_background_process_of_serve_is_a_compose_service_and_a_systemd_unit(compose):
    """`openipt serve` runs BACKGROUND itself; a deployment with --no-background must run each of them."""
    in_compose = {tuple(s["command"][1:]) for s in _openipt_services(compose).values()}
    in_systemd = {
        tuple(shlex.split(_unit(p)["Service"]["ExecStart"])[1:])
        for p in (DEPLOY / "systemd").glob("*.service")
    }
    for job in BACKGROUND:
        assert tuple(job) in in_compose, f"no compose service runs `openipt {' '.join(job)}`"
        assert tuple(job) in in_systemd, f"no systemd unit runs `openipt {' '.join(job)}`"


def test_every_app_server_is_checked_for_readiness_on_its_own_port(compose):
    services = _openipt_services(compose)
    apps = {name: s for name, s in services.items() if s["command"][1] == "serve"}
    assert len(apps) >= 2
    for name, service in apps.items():
        port = service["command"][service["command"].index("--port") + 1]
        probe = " ".join(service["healthcheck"]["test"])
        found = re.search(rf"127\.0\.0\.1:{port}(/\w+)", probe)
        assert found and _url_name(found.group(1)) == "readyz", name


def test_the_load_test_runs_the_topology_of_the_compose_file(compose):
    """bench/load/run.py (`make load`) starts, as plain processes, the worker and runners the compose file runs."""
    from bench.load.run import RUNNERS

    in_compose = {tuple(s["command"][1:]) for s in _openipt_services(compose).values()}
    for name, argv in RUNNERS.items():
        assert tuple(argv) in in_compose, f"make load's {name} is not a compose service"
    assert {"worker", "escalation", "webhooks", "sms", "reminders"} <= set(RUNNERS)


@pytest.mark.django_db
def test_health_checks_answer_over_plain_http_when_https_is_enforced(client):
    """HAZ-043: Caddy and the compose file ask the app servers over plain HTTP; a redirect would fail them all."""
    from django.test import Client

    with override_settings(SECURE_SSL_REDIRECT=True):
        browser = Client()
        assert browser.get("/healthz").status_code == 200
        assert browser.get("/readyz").status_code in (200, 503)  # ready or not, it answers, never redirects
        # every other page still goes to HTTPS
        assert browser.get("/account/login/").status_code == 301
        assert browser.get("/healthz/x").status_code == 301
