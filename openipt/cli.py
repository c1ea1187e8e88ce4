"""The `openipt` command: run, seed, check and try OpenIPT from a terminal.

Commands that need the database set Django up first, so they import the project's
modules inside the command, after `_setup_django()`; the pure tools (score,
risk scan, analyse, suggest-area, protocol) run without it. Configuration
problems print one line and exit 2 rather than a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

PURE_TOOLS = {
    "score": ("openipt.measures.cli", "score_main", "Score a questionnaire: openipt score phq9 1 2 0 3 1 0 2 1 0"),
    "risk": ("openipt.safety.cli", "risk_scan_main", "Scan text for risk: openipt risk scan < lines.txt"),
    "analyse": ("openipt.practice.cli", "analyse_main", 'Analyse a message: openipt analyse "You never listen"'),
    "suggest-area": ("openipt.assessment.cli", "suggest_area_main", "Suggest problem areas for a case file"),
    "protocol": ("openipt.protocol.cli", "protocol_main", "Show or validate IPT protocol content"),
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openipt.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_demo(args) -> int:
    _setup_django()
    from django.conf import settings

    if settings.MODE == "production" and not args.force:
        print("openipt demo: refusing to load demo logins into a production system (use --force if you mean it)", file=sys.stderr)
        return 2
    _migrate()
    from openipt.seed.demo import load_demo, logins_text

    load_demo()
    print(logins_text(settings.SITE_URL))
    return 0


def cmd_synth(args) -> int:
    _setup_django()
    _migrate()
    if args.programme:
        from openipt.seed.programme import generate_programme_and_analyse

        try:
            made = generate_programme_and_analyse(args.seed, sites=args.sites, facilitators=args.facilitators,
                                                  groups=args.groups, members=args.members, slug=args.slug)
        except ValueError as exc:
            print(f"openipt synth: {exc}", file=sys.stderr)
            return 2
        print(f"Created {made.organisation.slug} in {made.seconds:.0f} s: "
              + ", ".join(f"{n:,} {what.replace('_', ' ')}" for what, n in made.counts.items())
              + f". Programme manager login: {made.manager_username} (set a password with "
              f"`openipt manage changepassword {made.manager_username}`).")
        return 0
    from openipt.seed.synth import generate_and_analyse

    try:
        world = generate_and_analyse(args.clients, args.seed, slug=args.slug)
    except ValueError as exc:
        print(f"openipt synth: {exc}", file=sys.stderr)
        return 2
    print(f"Created {world.organisation.slug}: {len(world.client_ids)} clients, "
          f"{sum(len(v) for v in world.staff.values())} staff (seed {args.seed})")
    return 0


def cmd_audit(args) -> int:
    """`openipt audit verify`: check the chain with the audit keyring, and every checkpoint."""
    _setup_django()
    from openipt.audit.actions import verify
    from openipt.audit.keys import KeyringError

    try:
        result = verify()
    except KeyringError as exc:
        print(f"openipt audit verify: {exc}", file=sys.stderr)
        return 2
    counts = (f"{result.checked} events ({result.legacy} from before the audit key, {result.erased} with details erased), "
              f"{result.checkpoints} checkpoints, {result.keys} key{'s' if result.keys != 1 else ''} checked")
    for note in result.notes:
        print(f"note: {note}")
    if result.ok:
        print(f"audit chain intact: {counts}")
        return 0
    where = f"event {result.first_bad_id}" if result.first_bad_id else "the end of the log"
    print(f"audit chain BROKEN at {where}: {result.reason} ({counts})", file=sys.stderr)
    return 1


def cmd_import(args) -> int:
    """`openipt import clients|staff FILE --org SLUG`: the Import page's checks and import (openipt/clients/import_cli.py)."""
    _setup_django()
    from openipt.clients import import_cli

    return import_cli.run(args.kind, args.file, args.org, dry_run=args.dry_run, as_user=args.as_user)


def cmd_record(args) -> int:
    """`openipt record export|erase --client ID`: the whole-record page's actions (openipt/clients/record_cli.py)."""
    _setup_django()
    from openipt.clients import record_cli

    if args.record_command == "export":
        return record_cli.export(args.client, args.out, reason=args.reason, as_user=args.as_user)
    return record_cli.erase(args.client, confirm_name=args.confirm_name, reason=args.reason, as_user=args.as_user)


def cmd_measures(args) -> int:
    """`openipt measures ...`: a site's validated questionnaire translations (openipt/measures/version_cli.py)."""
    _setup_django()
    _migrate()
    from openipt.measures import version_cli

    if args.measures_command == "add-translation":
        return version_cli.add(args.file, as_user=args.as_user, replace=args.replace, check_only=args.check)
    if args.measures_command == "remove-translation":
        return version_cli.remove(args.code, args.language, as_user=args.as_user)
    return version_cli.listing()


def cmd_audit_checkpoint(args) -> int:
    """`openipt audit checkpoint`: sign the chain's head into the checkpoint store (safe to repeat)."""
    _setup_django()
    from openipt.audit import checkpoints

    result = checkpoints.write()
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def cmd_audit_rotate_key(args) -> int:
    """`openipt audit rotate-key`: add a new current audit key; old keys stay for checking."""
    _setup_django()
    from openipt.audit import keys

    key_id = keys.rotate()
    ring = keys.load(create=False)
    print(f"new audit key {key_id} is now current ({len(ring.keys)} keys in {keys.keyring_path()}). "
          "Copy the keyring to every app server, and take a new backup so the encrypted key holds it.")
    return 0


def _passphrase(confirm: bool) -> str | None:
    """The backup passphrase from OPENIPT_BACKUP_PASSPHRASE, or asked on the terminal; None if neither."""
    value = os.environ.get("OPENIPT_BACKUP_PASSPHRASE")
    if value:
        return value
    if not sys.stdin.isatty():
        return None
    import getpass

    value = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("The same passphrase again: ") != value:
        print("openipt: the two passphrases differ", file=sys.stderr)
        return None
    return value or None


def cmd_backup(args) -> int:
    """`openipt backup DEST_DIR`: the database, secret key, checkpoints, manifest, and the audit key encrypted."""
    from pathlib import Path

    _setup_django()
    from openipt.audit.backup import BackupError, backup

    passphrase = _passphrase(confirm=True)
    if passphrase is None:
        print("openipt backup: the audit key is stored encrypted with a passphrase: set OPENIPT_BACKUP_PASSPHRASE "
              "or run this in a terminal to be asked", file=sys.stderr)
        return 2
    try:
        report = backup(Path(args.dest), passphrase, Path(args.key_out) if args.key_out else None)
    except BackupError as exc:
        print(f"openipt backup: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report.lines))
    return 0


def cmd_restore(args) -> int:
    """`openipt restore SRC_DIR`: restore into the configured (empty) database and check the audit log."""
    from pathlib import Path

    _setup_django()
    from openipt.audit.backup import BackupError, restore
    from openipt.audit.keys import KeyringError

    try:
        report = restore(Path(args.src), _passphrase(confirm=False), force=args.force,
                         key_file=Path(args.key_file) if args.key_file else None)
    except (BackupError, KeyringError) as exc:
        print(f"openipt restore: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report.lines))
    print("restore complete")
    return 0


def cmd_prune(args) -> int:
    """`openipt prune --days N`: delete operational rows older than N days (openipt/core/prune.py), audited."""
    _setup_django()
    from openipt.audit import actions as audit
    from openipt.audit import registry
    from openipt.core.prune import MIN_DAYS, prune

    if args.days < MIN_DAYS:
        print(f"openipt prune: --days must be at least {MIN_DAYS}", file=sys.stderr)
        return 2
    counts = prune(args.days, dry_run=args.dry_run)
    if not args.dry_run:
        audit.record(registry.PRUNED.code, system_label="openipt prune", details={"days": args.days, "deleted": counts})
    verb = "would delete" if args.dry_run else "deleted"
    for name, n in counts.items():
        print(f"{name}: {verb} {n}")
    print(f"{sum(counts.values())} rows older than {args.days} days: {verb}"
          + (" (dry run: nothing changed)" if args.dry_run else ""))
    return 0


def cmd_programme_refresh(args) -> int:
    """`openipt programme-refresh`: keep each programme dashboard's figures for the default period (safe to repeat)."""
    import time

    _setup_django()
    from openipt.accounts.models import Organisation
    from openipt.groups.models import Group
    from openipt.programmes.snapshot_actions import refresh

    orgs = Organisation.objects.filter(pk__in=Group.objects.values("organisation_id"))
    if args.organisation:
        orgs = orgs.filter(slug=args.organisation)
    for org in orgs.order_by("slug"):
        started = time.monotonic()
        kept = refresh(None, organisation_id=org.pk)
        print(f"{org.slug}: {kept} sets of figures in {time.monotonic() - started:.1f} s")
    return 0


# Commands `openipt every` may repeat: the safe-to-repeat jobs a scheduler would otherwise run.
REPEATABLE = ("remind", "prune", "audit", "programme-refresh", "sms")


def cmd_every(args) -> int:
    """`openipt every SECONDS COMMAND ...`: run a safe-to-repeat command now and then every SECONDS, for ever.

    For a container or service with no cron (deploy/compose.yaml). A round that fails is reported and the
    next one runs as planned; `--rounds N` stops after N rounds.
    """
    import time

    if args.seconds < 1:
        print("openipt every: SECONDS must be a whole number above 0", file=sys.stderr)
        return 2
    if not args.rest or args.rest[0] not in REPEATABLE:
        print(f"openipt every: repeats one of: {', '.join(REPEATABLE)}", file=sys.stderr)
        return 2
    done = 0
    while True:
        try:
            code = main(list(args.rest))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # noqa: BLE001 - the next round must still run
            print(f"openipt every: {' '.join(args.rest)} failed: {exc}", file=sys.stderr, flush=True)
            code = 1
        if code:
            print(f"openipt every: {' '.join(args.rest)} ended with exit {code}; trying again in {args.seconds} s",
                  file=sys.stderr, flush=True)
        done += 1
        if args.rounds and done >= args.rounds:
            return int(code or 0)
        time.sleep(args.seconds)


def cmd_escalate(rest: list[str]) -> int:
    """`openipt escalate [--every N]`: the escalation job, and an audit checkpoint after each round."""
    if any(a in ("-h", "--help") for a in rest):
        return cmd_manage(argparse.Namespace(rest=["escalate", *rest]))
    every, passed, i = 0, [], 0
    while i < len(rest):
        word = rest[i]
        if word == "--every" or word.startswith("--every="):
            value = word.split("=", 1)[1] if "=" in word else (rest[i + 1] if i + 1 < len(rest) else "")
            i += 1 if "=" in word else 2
            try:
                every = int(value)
            except ValueError:
                every = -1
            if every < 0:
                print("openipt escalate: --every must be a number of seconds above 0", file=sys.stderr)
                return 2
            continue
        passed.append(word)
        i += 1
    _setup_django()
    import time

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from openipt.audit import checkpoints

    while True:
        try:
            call_command("escalate", *passed)
        except CommandError as exc:
            print(f"openipt escalate: {exc}", file=sys.stderr)
            return 1
        try:
            result = checkpoints.write()
            print(result.message, file=sys.stdout if result.ok else sys.stderr, flush=True)
        except Exception as exc:  # a checkpoint that fails must not stop the escalation of risk alerts
            print(f"openipt escalate: no audit checkpoint this round: {exc}", file=sys.stderr, flush=True)
        if not every:
            return 0
        time.sleep(every)


# What production needs beside the web server to keep people safe: the escalation runner (every
# minute: escalate unacknowledged alerts, retry e-mails, write audit checkpoints) and the task
# worker (first e-mails of new alerts, reminders); and, in a process of its own so a slow program never
# delays them, the webhook sender. `openipt serve` runs all three unless --no-background.
BACKGROUND = (("escalate", "--every", "60"), ("manage", "db_worker", "--no-reload"),
              ("manage", "deliver_webhooks", "--every", "10"), ("sms", "send-due", "--every", "30"))


def _start(argv: list[str]) -> subprocess.Popen:
    # A session of its own: Ctrl+C reaches only `openipt serve`, which stops each child in order.
    return subprocess.Popen(argv, start_new_session=True)


def _supervise(web_argv: list[str], background: list[list[str]]) -> int:
    """Run the web server and the background jobs until the server stops; restart a job that stops."""
    import signal
    import time

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    web = _start(web_argv)
    jobs = {tuple(argv): _start(argv) for argv in background}
    try:
        while web.poll() is None:
            for argv, job in jobs.items():
                if job.poll() is not None:
                    print(f"openipt serve: {' '.join(argv[2:])} stopped (exit {job.returncode}); starting it again",
                          file=sys.stderr, flush=True)
                    jobs[argv] = _start(list(argv))
            time.sleep(1)
        return web.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        children = [web, *jobs.values()]
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def cmd_serve(args) -> int:
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    _migrate()
    from openipt.core.db import refresh_statistics

    refresh_statistics()
    if args.demo:
        from openipt.seed.demo import load_demo, logins_text

        load_demo()
        print(logins_text(f"http://{args.host}:{args.port}"), flush=True)
    bind = f"{args.host}:{args.port}"
    if args.dev:
        web = [sys.executable, "-m", "django", "runserver", bind, "--noreload"]
    else:
        call_command("collectstatic", interactive=False, verbosity=0)
        web = [
            sys.executable, "-m", "gunicorn", "openipt.wsgi:application", "--bind", bind,
            "--workers", str(args.workers), "--threads", "4", "--access-logfile", "-", "--preload",
            # No query string in the access log (a search may hold a name); the request id ties it to the app's lines.
            "--access-logformat", '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s',
        ]
    background = [] if args.no_background else [[sys.executable, "-m", "openipt.cli", *job] for job in BACKGROUND]
    print(f"OpenIPT ({settings.MODE}) serving on http://{bind}  (Ctrl+C stops it)", flush=True)
    if background:
        print("Alert escalation and e-mails run in the background (every minute) until the server stops.", flush=True)
    else:
        print("--no-background: run `openipt escalate --every 60` and `openipt manage db_worker` elsewhere, "
              "or risk alerts will not escalate and no e-mail will be sent; and `openipt manage deliver_webhooks "
              "--every 10`, or webhook messages will wait; and `openipt sms send-due --every 30`, or text messages "
              "will wait.", flush=True)
    return _supervise(web, background)


def cmd_manage(args) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openipt manage", *args.rest])
    return 0


def cmd_i18n(args) -> int:
    """The translation catalogues: extract, compile, status, export, import (docs/guides/languages.md)."""
    _setup_django()
    from openipt.core.i18n import catalogues

    if args.i18n_command in ("status", "export"):
        _migrate()  # the sign-offs are in the database

    if args.i18n_command == "extract":
        for lang, count in catalogues.extract_all().items():
            print(f"{lang}: {count} entries")
    elif args.i18n_command == "compile":
        for lang, count in catalogues.compile_all().items():
            print(f"{lang}: {count} translations compiled")
    elif args.i18n_command == "status":
        from openipt.accounts.queries import unreviewed_translations  # needs Django set up (above)

        print(f"{'language':<10}{'entries':>9}{'translated':>12}{'unreviewed':>12}{'missing':>9}")
        for lang in catalogues.LANGUAGES:
            s = catalogues.status(lang)
            waiting = len(unreviewed_translations(lang))  # marked in the file and not signed off in the database
            print(f"{lang:<10}{s.entries:>9}{s.translated:>12}{waiting:>12}{s.missing:>9}")
        from openipt.accounts.queries import content_overview

        # Content packs (openipt/protocol/content/<lang>/): pieces are steps, topics and items' own text.
        print()
        print(f"{'content':<10}{'pieces':>9}{'translated':>12}{'unreviewed':>12}{'in English':>12}")
        for row in content_overview():
            print(f"{row['lang']:<10}{row['pieces']:>9}{row['translated']:>12}{row['unreviewed']:>12}{row['english']:>12}")
    elif args.i18n_command == "export":
        if args.lang not in catalogues.LANGUAGES:
            print(f"openipt i18n export: no catalogue for {args.lang!r}", file=sys.stderr)
            return 2
        from openipt.accounts.queries import unreviewed_translations

        ids = {catalogues.entry_id(e) for e in unreviewed_translations(args.lang)}
        text = catalogues.export(args.lang, missing=args.missing, unreviewed=args.unreviewed, still_unreviewed=ids)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif args.i18n_command == "import":
        try:
            lang, changed = catalogues.import_text(Path(args.file).read_text(encoding="utf-8"), args.file)
        except (catalogues.ImportRefused, OSError, UnicodeDecodeError) as exc:
            print(f"openipt i18n import: {exc}", file=sys.stderr)
            return 1
        print(f"{lang}: {changed} translations imported, marked unreviewed")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openipt", description="OpenIPT: Interpersonal Psychotherapy as software.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("demo", help="Load the demo organisation (idempotent) and print the logins")
    p.add_argument("--force", action="store_true", help="allow in production mode")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("serve", help="Migrate and start the web server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--demo", action="store_true", help="load the demo organisation first and print its logins")
    p.add_argument("--dev", action="store_true", help="use Django's development server")
    p.add_argument("--no-background", action="store_true",
                   help="do not run alert escalation and the e-mail worker here (a separate service or cron runs them)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("synth", help="Generate a synthetic organisation")
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--slug", default=None)
    p.add_argument("--programme", action="store_true",
                   help="a group IPT programme instead: sites, facilitators, groups and members (sizes below)")
    p.add_argument("--sites", type=int, default=50)
    p.add_argument("--facilitators", type=int, default=1000)
    p.add_argument("--groups", type=int, default=5000)
    p.add_argument("--members", type=int, default=60000)
    p.set_defaults(func=cmd_synth)
    p = sub.add_parser("audit", help="Audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    v = audit_sub.add_parser("verify", help="Check the audit log's keyed chain and its signed checkpoints")
    v.set_defaults(func=cmd_audit)
    v = audit_sub.add_parser("checkpoint", help="Write a signed checkpoint of the chain's head outside the database (safe to repeat)")
    v.set_defaults(func=cmd_audit_checkpoint)
    v = audit_sub.add_parser("rotate-key", help="Add a new current audit key (old keys stay, for checking)")
    v.set_defaults(func=cmd_audit_rotate_key)
    p = sub.add_parser("backup", help="Back up the database, secret key and audit checkpoints, with the audit key encrypted")
    p.add_argument("dest", metavar="DEST_DIR", help="a new or empty folder")
    p.add_argument("--key-out", metavar="PATH", default=None,
                   help="where to write the encrypted audit key (default DEST_DIR/audit-key.enc); keep it apart from the backup")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="Restore a backup into the configured, empty database and check the audit log")
    p.add_argument("src", metavar="SRC_DIR")
    p.add_argument("--force", action="store_true", help="replace everything in a database that is not empty")
    p.add_argument("--key-file", metavar="PATH", default=None, help="the encrypted audit key, if kept apart from SRC_DIR")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("import", help="Import clients or invite staff from a CSV file: all rows or none (--dry-run to check)")
    p.add_argument("kind", choices=["clients", "staff"], help="what the file holds: one client, or one person to invite, per row")
    p.add_argument("file", metavar="FILE", help="the spreadsheet saved as CSV")
    p.add_argument("--org", required=True, metavar="SLUG", help="the organisation's short name")
    p.add_argument("--dry-run", action="store_true", help="check every row and report; save nothing")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", default=None,
                   help="the admin responsible (needed when the organisation has more than one)")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("record", help="A client's whole record: export it (subject-access request) or erase it")
    record_sub = p.add_subparsers(dest="record_command", metavar="SUBCOMMAND", required=True)
    v1 = record_sub.add_parser("export", help="Write the readable PDF and the FHIR Bundle of everything held about a client")
    v1.add_argument("--out", required=True, metavar="DIR", help="the folder to write into")
    v1.add_argument("--reason", default="subject-access request", help="why, for the audit log")
    v2 = record_sub.add_parser("erase", help="Erase a client's personal and clinical words (undone only from a backup)")
    v2.add_argument("--confirm-name", required=True, metavar="NAME", help="the client's full name, to be sure")
    v2.add_argument("--reason", required=True, help="why, for the audit log (not the client's name)")
    for v in (v1, v2):
        v.add_argument("--client", required=True, type=int, metavar="ID", help="the client's id (in the record's address)")
        v.add_argument("--as", dest="as_user", metavar="USERNAME", default=None,
                       help="the admin responsible (needed when the organisation has more than one)")
        v.set_defaults(func=cmd_record)
    p = sub.add_parser("measures", help="Questionnaires: install a site's validated translations (docs/guides/languages.md)")
    measures_sub = p.add_subparsers(dest="measures_command", metavar="SUBCOMMAND", required=True)
    v = measures_sub.add_parser("add-translation", help="Check and install a validated translation of a questionnaire")
    v.add_argument("file", metavar="FILE.yaml")
    v.add_argument("--replace", action="store_true", help="replace the installed version of that language")
    v.add_argument("--check", action="store_true", help="only check the file against the English version")
    v.add_argument("--as", dest="as_user", metavar="USERNAME", default=None, help="the admin responsible")
    v = measures_sub.add_parser("remove-translation", help="Remove an installed translation (clients get English again)")
    v.add_argument("code", metavar="INSTRUMENT")
    v.add_argument("language", metavar="LANG")
    v.add_argument("--as", dest="as_user", metavar="USERNAME", default=None, help="the admin responsible")
    measures_sub.add_parser("translations", help="List the installed questionnaire translations")
    p.set_defaults(func=cmd_measures)
    p = sub.add_parser("remind", help="Make due client reminders and queue their e-mails (safe to repeat)")
    p.set_defaults(func=lambda a: cmd_manage(argparse.Namespace(rest=["remind"])))
    p = sub.add_parser("sms", help="Text messages: `openipt sms send-due` queues the reminders and check-ins "
                       "that are due and sends what is waiting (safe to repeat; --every 30 keeps running)")
    sms_sub = p.add_subparsers(dest="sms_command", required=True)
    v = sms_sub.add_parser("send-due", help="Queue due SMS reminders and check-ins and send the messages waiting")
    v.add_argument("--every", type=int, default=0, metavar="SECONDS", help="keep running, once every SECONDS")
    v.set_defaults(func=lambda a: cmd_manage(argparse.Namespace(rest=["sms_send_due", "--every", str(a.every)])))
    p = sub.add_parser("every", help="Run a safe-to-repeat command (remind, prune) every SECONDS, for a service with no cron")
    p.add_argument("seconds", type=int, metavar="SECONDS")
    p.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (default: never)")
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="COMMAND")
    p.set_defaults(func=cmd_every)
    p = sub.add_parser("programme-refresh", help="Compute the programme dashboards' figures for the default period "
                       "(run hourly: the dashboard says when they were computed)")
    p.add_argument("--organisation", default="", help="only this organisation (its slug)")
    p.set_defaults(func=cmd_programme_refresh)
    p = sub.add_parser("prune", help="Delete operational rows older than N days: used form keys, finished tasks, "
                       "expired sessions, API idempotency answers (never clinical records or the audit log)")
    p.add_argument("--days", type=int, default=30, help="keep rows younger than this many days (default 30)")
    p.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    p.set_defaults(func=cmd_prune)
    p = sub.add_parser("escalate", help="Escalate unacknowledged alerts and retry e-mails (safe to repeat; --every 60 keeps running)",
                       add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda a: cmd_manage(argparse.Namespace(rest=["escalate", *a.rest])))
    p = sub.add_parser("i18n", help="Translation catalogues: extract, compile, status, export, import")
    i18n_sub = p.add_subparsers(dest="i18n_command", metavar="SUBCOMMAND", required=True)
    i18n_sub.add_parser("extract", help="Collect the marked strings into each language's PO file (translations kept)")
    i18n_sub.add_parser("compile", help="Compile each PO file to the .mo file Django reads (no gettext tools needed)")
    i18n_sub.add_parser("status", help="Per language: entries, translated, unreviewed, missing")
    v = i18n_sub.add_parser("export", help="Write a PO file for a translator")
    v.add_argument("--lang", required=True)
    v.add_argument("--missing", action="store_true", help="only the entries not translated yet")
    v.add_argument("--unreviewed", action="store_true", help="only the translations nobody has reviewed")
    v.add_argument("--out", metavar="FILE", default=None, help="where to write (default: standard output)")
    v = i18n_sub.add_parser("import", help="Import a translator's PO file: every entry checked, all or nothing")
    v.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_i18n)
    p = sub.add_parser("manage", help="Run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    for name, (_module, _func, help_text) in PURE_TOOLS.items():
        p = sub.add_parser(name, help=help_text, add_help=False)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(tool=name)
    return parser


def run_tool(name: str, argv: list[str]) -> int:
    module_name, func_name, _help = PURE_TOOLS[name]
    try:
        func = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError):
        print(f"openipt {name}: this tool is not installed in this build", file=sys.stderr)
        return 2
    return int(func(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] in PURE_TOOLS:
        return run_tool(argv[0], argv[1:])
    if argv and argv[0] == "escalate":  # its options belong to the management command
        return int(cmd_escalate(argv[1:]) or 0)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            print(f"openipt: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
