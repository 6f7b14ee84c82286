"""Administration from the shell: ``duty backup``, ``duty restore``, ``duty set``, ``duty pin``.

These run as whoever owns the database file (that account can copy the file anyway), and
the audit trail records them as "command line: <account>".
"""

from __future__ import annotations

import getpass
import os
import sys

from .i18n import _


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("make a consistent copy of the database while others work"))
    p.add_argument("path", nargs="?", help=_("file or folder for the copy (default: a backups folder beside the database)"))
    p.add_argument("--daily", action="store_true", help=_("make today's backup if missing and keep only the newest"))
    p.add_argument("--keep", type=int, help=_("how many daily backups to keep"))
    p.set_defaults(run=backup)
    p = sub.add_parser("restore", help=_("replace the database with a backup (asks first)"))
    p.add_argument("path", help=_("the backup file"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(run=restore)
    p = sub.add_parser("set", help=_("change a setting: lock_minutes, backup_keep"))
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(run=set_value)
    p = sub.add_parser("pin", help=_("set a new PIN for a person (lifts a lock)"))
    p.add_argument("name", help=_("the person's name"))
    p.set_defaults(run=set_pin)


def _who() -> str:
    try:
        return "command line: " + getpass.getuser()
    except Exception:  # no user name in a bare container
        return "command line"


def _as_system():
    from contextlib import ExitStack

    from models.audit import recorded_as
    from models.session import SYSTEM, acting_as

    stack = ExitStack()
    stack.enter_context(acting_as(SYSTEM))
    stack.enter_context(recorded_as(_who()))
    return stack


def backup(args) -> int:
    from models import backup as bk
    from models.accounts import get_setting

    from .cli import open_db

    open_db(args)
    with _as_system():
        if args.daily:
            keep = args.keep or get_setting("backup_keep")
            made = bk.daily_backup(keep)
            if made:
                print(_("Backup written to {path}.").format(path=made))
            else:
                print(_("Today's backup is already there; kept the newest {count}.").format(count=keep))
            return 0
        print(_("Backup written to {path}.").format(path=bk.make_backup(args.path)))
    return 0


def restore(args) -> int:
    from models import backup as bk

    from .cli import open_db

    path = open_db(args)
    bk.verify_source(args.path)
    if not args.yes:
        if not sys.stdin.isatty():
            print(_("Restoring replaces every record; run it at a terminal or add --yes."), file=sys.stderr)
            return 2
        answer = input(_("Replace everything in {db} with {backup}? Type yes to go on: ").format(
            db=path, backup=args.path))
        if answer.strip().lower() not in ("yes", _("yes")):
            print(_("Nothing was changed."))
            return 1
    with _as_system():
        safety = bk.restore(args.path)
    print(_("Restored {backup} into {db}; the previous contents are in {safety}.").format(
        backup=args.path, db=path, safety=safety))
    return 0


def set_value(args) -> int:
    from models.accounts import set_setting

    from .cli import open_db

    open_db(args)
    with _as_system():
        value = set_setting(args.key, args.value)
    print(_("{key} is now {value}.").format(key=args.key, value=value))
    return 0


def set_pin(args) -> int:
    from models.accounts import reset_pin
    from models.org import Person

    from .cli import open_db

    open_db(args)
    person = Person.get_or_none(Person.name == args.name, Person.active == True)  # noqa: E712
    if person is None:
        print(_("No active person is called {name}.").format(name=args.name), file=sys.stderr)
        return 1
    pin = os.environ.get("DUTY_NEW_PIN") or getpass.getpass(_("New PIN for {name}: ").format(name=person.name))
    with _as_system():
        reset_pin(person.id, pin)
    print(_("{name} has a new PIN.").format(name=person.name))
    return 0
