"""Read OpenIPT's configuration from the environment and refuse unsafe combinations.

Kept free of Django so the rules can be tested directly and so that the settings
module stays a thin list of assignments. Every problem is reported as one clear
line, because a person starting a clinic's server should not have to read a
traceback to learn that a variable is misspelt.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MODES = ("development", "production", "test")
SQLITE_SCHEMES = ("sqlite",)
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")


class ConfigError(Exception):
    """A configuration problem, described in one line for the person starting the server."""


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the data lives: an embedded SQLite file or a PostgreSQL server."""

    engine: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""


def env_bool(env: dict[str, str], key: str, default: bool) -> bool:
    """Read a yes/no variable; anything unrecognised is a configuration error."""
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key} must be true or false, not {raw!r}")


def env_int(env: dict[str, str], key: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole-number variable with a lower bound."""
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{key} must be at least {minimum}, not {value}")
    return value


def read_choice(env: dict[str, str], key: str, choices: tuple[str, ...], default: str) -> str:
    """Return one of `choices` from the variable `key`, or `default` when it is unset or empty."""
    value = env.get(key, "").strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def read_mode(env: dict[str, str]) -> str:
    """Return the run mode: development, production or test."""
    mode = env.get("OPENIPT_MODE", "development").strip().lower() or "development"
    if mode not in MODES:
        raise ConfigError(f"OPENIPT_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def parse_database_url(url: str | None, default_sqlite_path: Path) -> DatabaseConfig:
    """Parse DATABASE_URL; with none, use the embedded SQLite file."""
    if url is None or url.strip() == "":
        return DatabaseConfig(engine="sqlite", name=str(default_sqlite_path))
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme or "://" not in url:
        raise ConfigError(
            "DATABASE_URL is malformed: expected postgresql://user@host:5432/name or sqlite:///path/to/file"
        )
    if scheme in SQLITE_SCHEMES:
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost"):
            raise ConfigError("DATABASE_URL for SQLite must look like sqlite:///path/to/file.sqlite3")
        if path in ("", "/"):
            raise ConfigError("DATABASE_URL for SQLite names no file: use sqlite:///path/to/file.sqlite3")
        return DatabaseConfig(engine="sqlite", name=path)
    if scheme in POSTGRES_SCHEMES:
        name = unquote(parts.path.lstrip("/"))
        if not name or "/" in name:
            raise ConfigError("DATABASE_URL for PostgreSQL must name one database: postgresql://user@host/name")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError("DATABASE_URL has a port that is not a number") from None
        if not parts.hostname:
            raise ConfigError("DATABASE_URL for PostgreSQL names no host")
        return DatabaseConfig(
            engine="postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname,
            port=str(port or ""),
        )
    raise ConfigError(
        f"DATABASE_URL scheme {scheme!r} is not supported: use postgresql:// or sqlite:///"
    )


def load_or_create_secret(var_dir: Path) -> str:
    """Return the secret key kept in var/, creating it (readable by the owner only) on first run."""
    path = var_dir / "secret_key"
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 50:
            return value
        raise ConfigError(f"{path} holds a secret key that is too short; delete it to make a new one")
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def production_problems(
    *,
    debug: bool,
    secret_key: str,
    allowed_hosts: list[str],
    secure_cookies: bool,
    database: DatabaseConfig,
    email_backend: str,
) -> list[str]:
    """List what makes a production configuration unsafe; an empty list means it may start."""
    problems = []
    if debug:
        problems.append("OPENIPT_DEBUG is on: switch it off in production")
    if len(secret_key) < 50 or secret_key.startswith("django-insecure") or len(set(secret_key)) < 10:
        problems.append("the secret key is weak: set OPENIPT_SECRET_KEY to 50+ random characters")
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("OPENIPT_ALLOWED_HOSTS must list this server's host names (no '*')")
    if not secure_cookies:
        problems.append("secure cookies are off: production must be served over HTTPS")
    if database.engine == "postgresql" and not database.password and database.host not in (
        "localhost",
        "127.0.0.1",
        "::1",
    ):
        problems.append("the PostgreSQL server is remote but DATABASE_URL carries no password")
    if email_backend.endswith("console.EmailBackend"):
        problems.append("e-mail goes to the console: set OPENIPT_EMAIL_URL so alerts reach people")
    return problems


def split_list(raw: str | None) -> list[str]:
    """Split a comma-separated variable into its non-empty parts."""
    if not raw:
        return []
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_email_url(url: str | None, mode: str) -> dict[str, object]:
    """Turn OPENIPT_EMAIL_URL (smtp://user:pass@host:port, console:, locmem:) into Django settings."""
    if mode == "test":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in ("smtp", "smtps", "submission"):
        try:
            port = parts.port
        except ValueError:
            raise ConfigError("OPENIPT_EMAIL_URL has a port that is not a number") from None
        if not parts.hostname:
            raise ConfigError("OPENIPT_EMAIL_URL names no host: smtp://user:password@host:587")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme != "smtps",
            "EMAIL_TIMEOUT": 10,
        }
    raise ConfigError(f"OPENIPT_EMAIL_URL scheme {scheme!r} is not supported: use smtp://, smtps:// or console:")


def parse_trusted_proxies(raw: str | None, key: str = "OPENIPT_TRUSTED_PROXIES") -> list[str]:
    """Read the addresses or networks of the HTTPS proxies in front of OpenIPT (10.0.0.5, 10.1.0.0/16).

    Only a request that comes from one of these may say, in X-Forwarded-For, which address it was
    made for. Empty (the default) trusts no forwarded header. Returns the networks as text,
    normalised ("10.0.0.5" becomes "10.0.0.5/32").
    """
    networks = []
    for part in split_list(raw):
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ConfigError(
                f"{key} must list proxy addresses or networks separated by commas (10.0.0.5,10.1.0.0/16), "
                f"not {part!r}"
            ) from None
    return networks
