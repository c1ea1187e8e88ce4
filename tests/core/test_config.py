"""Configuration from the environment: clear refusals, safe defaults."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from openipt.core import config as cfg


def test_no_database_url_means_the_embedded_sqlite_file(tmp_path):
    db = cfg.parse_database_url(None, tmp_path / "openipt.sqlite3")
    assert db.engine == "sqlite"
    assert db.name == str(tmp_path / "openipt.sqlite3")


def test_postgres_url_is_split_into_its_parts(tmp_path):
    db = cfg.parse_database_url("postgresql://ipt:s%40cret@db.example.org:6543/clinic", tmp_path / "x")
    assert (db.engine, db.user, db.password, db.host, db.port, db.name) == (
        "postgresql", "ipt", "s@cret", "db.example.org", "6543", "clinic"
    )


@pytest.mark.parametrize(
    "url, words",
    [
        ("foo", "malformed"),
        ("mysql://root@localhost/x", "not supported"),
        ("postgresql://localhost", "one database"),
        ("postgresql://u@host:port/db", "port"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
    ],
)
def test_malformed_database_urls_are_refused_in_one_line(tmp_path, url, words):
    with pytest.raises(cfg.ConfigError) as err:
        cfg.parse_database_url(url, tmp_path / "x")
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_secret_key_is_generated_once_and_readable_only_by_the_owner(tmp_path):
    first = cfg.load_or_create_secret(tmp_path)
    second = cfg.load_or_create_secret(tmp_path)
    assert first == second and len(first) >= 50
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_refuses_debug_weak_key_open_hosts_and_plain_cookies(tmp_path):
    db = cfg.parse_database_url(None, tmp_path / "x")
    problems = cfg.production_problems(
        debug=True, secret_key="django-insecure-short", allowed_hosts=["*"], secure_cookies=False,
        database=db, email_backend="django.core.mail.backends.console.EmailBackend",
    )
    text = " ".join(problems)
    for words in ("OPENIPT_DEBUG", "secret key", "ALLOWED_HOSTS", "secure cookies", "e-mail"):
        assert words in text


def test_production_with_a_safe_configuration_has_no_problems(tmp_path):
    db = cfg.parse_database_url(None, tmp_path / "x")
    problems = cfg.production_problems(
        debug=False, secret_key=cfg.load_or_create_secret(tmp_path), allowed_hosts=["ipt.example.org"],
        secure_cookies=True, database=db, email_backend="django.core.mail.backends.smtp.EmailBackend",
    )
    assert problems == []


def test_yes_no_variables_reject_nonsense():
    with pytest.raises(cfg.ConfigError, match="OPENIPT_DEBUG must be true or false"):
        cfg.env_bool({"OPENIPT_DEBUG": "maybe"}, "OPENIPT_DEBUG", False)


def _run_openipt(args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENIPT_", "DATABASE_URL", "DJANGO_SETTINGS"))}
    env.update({"OPENIPT_VAR_DIR": str(tmp_path / "var"), **env_extra})
    return subprocess.run([sys.executable, "-m", "openipt.cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_malformed_database_url_stops_start_up_with_one_clear_line(tmp_path):
    result = _run_openipt(["demo"], {"DATABASE_URL": "not-a-url"}, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["openipt: DATABASE_URL is malformed: expected postgresql://user@host:5432/name or sqlite:///path/to/file"]


def test_production_mode_with_defaults_refuses_to_start(tmp_path):
    result = _run_openipt(["audit", "verify"], {"OPENIPT_MODE": "production"}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("openipt: refusing to start in production mode")
    assert "OPENIPT_ALLOWED_HOSTS" in result.stderr


def test_outside_tests_passwords_are_hashed_with_argon2(tmp_path):
    code = "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='openipt.settings';django.setup();from django.conf import settings;print(settings.PASSWORD_HASHERS[0])"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENIPT_", "DATABASE_URL", "DJANGO_SETTINGS"))}
    env["OPENIPT_VAR_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Path(tmp_path / "secret_key").exists()
