"""Administration from the shell: ``duty backup``, ``duty restore``, ``duty set``, ``duty pin``.

``duty set`` lists the local choices (``models/local_choices.py``) and sets one by its key.

Each acts for a person who proves who they are (``--as NAME`` and their PIN, or an API
token for a cron job: ``tui/cli_auth.py``) and needs the role the screens need: an
administrator for backups, restores and settings; anyone for their own PIN (with the old
one), an administrator for someone else's. The audit trail records that person.
"""

from __future__ import annotations

import getpass
import os
import sys

from duty_desk.tui import cli_auth
from duty_desk.tui.i18n import _


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("make a consistent copy of the database while others work"))
    p.add_argument("path", nargs="?",
                   help=_("file or folder for the copy (default: a backups folder beside the database)"))
    p.add_argument("--daily", action="store_true", help=_("make today's backup if missing and keep only the newest"))
    p.add_argument("--keep", type=int, help=_("how many daily backups to keep"))
    cli_auth.add_options(p)
    p.set_defaults(run=backup)
    p = sub.add_parser("restore", help=_("replace the database with a backup (asks first)"))
    p.add_argument("path", help=_("the backup file"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    cli_auth.add_options(p)
    p.set_defaults(run=restore)
    p = sub.add_parser("set", help=_("list the local choices (values no document gives), or change one by its key"))
    p.add_argument("key", nargs="?", help=_("the key of a local choice, as the list shows it"))
    p.add_argument("value", nargs="?", help=_("its new value (an administrator's)"))
    cli_auth.add_options(p)
    p.set_defaults(run=set_value)
    p = sub.add_parser("pin", help=_("set a new PIN for a person (lifts a lock)"))
    p.add_argument("name", help=_("the person's name"))
    cli_auth.add_options(p)
    p.set_defaults(run=set_pin)


def _acting(args, action: str):
    """Act as the proven person, if their role allows *action*."""
    from duty_desk.models.accounts.session import acting_as

    return acting_as(cli_auth.prove(args, action).actor)


def backup(args) -> int:
    from duty_desk.models.storage import backup as bk
    from duty_desk.models.accounts.credentials import get_setting

    from duty_desk.tui.cli import open_db

    open_db(args)
    with _acting(args, "system.backup"):
        if args.daily:
            keep = args.keep or get_setting("backup_keep")
            made = bk.daily_backup(keep)
            if made:
                print(_("Backup written to {path}.").format(path=made))
            else:
                print(_("Today's backup is already there; kept the newest {count}.").format(count=keep))
            return 0
        from duty_desk.tui.progress import progress_bar

        with progress_bar(_("Backing up")) as advance:
            made = bk.make_backup(args.path, progress=advance)
        print(_("Backup written to {path}.").format(path=made))
    return 0


def restore(args) -> int:
    from duty_desk.models.storage import backup as bk

    from duty_desk.tui.cli import open_db

    path = open_db(args)
    proven = cli_auth.prove(args, "system.backup")  # before anything is read or asked
    if not args.yes:
        bk.verify_source(args.path)  # refused before the question; restore() checks again after it
        if not sys.stdin.isatty():
            print(_("Restoring replaces every record; run it at a terminal or add --yes."), file=sys.stderr)
            return 2
        answer = input(_("Replace everything in {db} with {backup}? Type yes to go on: ").format(
            db=path, backup=args.path))
        if answer.strip().lower() not in ("yes", _("yes")):
            print(_("Nothing was changed."))
            return 1
    from duty_desk.models.accounts.session import acting_as

    with acting_as(proven.actor):
        safety = bk.restore(args.path)
    print(_("Restored {backup} into {db}; the previous contents are in {safety}.").format(
        backup=args.path, db=path, safety=safety))
    return 0


def set_value(args) -> int:
    """``duty set``: every local choice; ``duty set KEY``: one in full; ``duty set KEY VALUE``:
    change it, as an administrator. Reading needs no proof: the Settings screen shows the same
    values to everyone signed in."""
    from duty_desk.models import local_choices

    from duty_desk.tui.cli import open_db

    open_db(args)
    if args.key is None:
        print(_("Local choices (本地设定): values no document gives, chosen here."))
        for choice in local_choices.all_choices():
            print(_choice_line(choice))
        print(_("Change one: duty set KEY VALUE (an administrator)."))
        return 0
    if args.value is None:
        print(_choice_detail(local_choices.choice(args.key)))
        return 0
    with _acting(args, local_choices.PERMISSION):
        choice = local_choices.set_choice(args.key, args.value)
    print(_("{key} is now {value}.").format(key=choice.key, value=_with_unit(choice)))
    return 0


def _with_unit(choice) -> str:
    if not choice.value:
        return "–"
    return f"{choice.value} {_(choice.unit)}" if choice.unit else choice.value


def _name(choice, what_first: bool = False) -> str:
    from duty_desk.tui.i18n import pick

    return choice.name_parts(pick(choice.subject_zh, choice.subject_en), _(choice.what), what_first=what_first)


def _choice_line(choice) -> str:
    """"grace_minutes = 10 minutes · Roster · grace period …": one line a choice, what it is first."""
    from duty_desk.models.safe_text import printable

    return printable(f"{choice.key} = {_with_unit(choice)} · {_(choice.area)} · {_name(choice, what_first=True)}")


def _choice_detail(choice) -> str:
    """One choice in full, as the Settings screen shows it under the list (stored text printable)."""
    from duty_desk.models.safe_text import printable

    default = choice.default if choice.default is not None else _("none")
    default = f"{default} {_(choice.unit)}" if choice.default is not None and choice.unit else default
    bounds = f"{choice.low:g}–{choice.high:g}" if choice.low is not None and choice.high is not None else ""
    why = _(choice.why) + (f" {choice.note}" if choice.note else "")
    lines = [f"{choice.key}: {_name(choice)}",
             _("Value: {value} · default: {default}").format(value=_with_unit(choice), default=default),
             _("Range: {range}").format(range=" · ".join(p for p in (bounds, _(choice.form)) if p)),
             _(choice.applies),
             _("Local choice: {note}").format(note=why)]
    if choice.source:
        lines[-1] += " · " + _("written at {where}").format(where=choice.source)
    return "\n".join(printable(line) for line in lines)


def set_pin(args) -> int:
    """One's own PIN with the old one (the proof); anyone else's as an administrator."""
    from duty_desk.models.accounts.credentials import change_own_pin, reset_pin
    from duty_desk.models.errors import N_
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import acting_as

    from duty_desk.tui.cli import open_db

    open_db(args)
    person = Person.get_or_none(Person.name == args.name, Person.active == True)  # noqa: E712
    if person is None:
        print(_("No active person is called {name}.").format(name=args.name), file=sys.stderr)
        return 1
    proven = cli_auth.prove(args, "account.pin")
    own = proven.actor.id == person.id
    if own and proven.pin is None:
        raise cli_auth.ProofMissing(N_("Changing your own PIN needs your old one: use --as with your PIN, "
                                       "not a token."))
    if not own and not proven.actor.can("staff.edit"):
        raise cli_auth.ProofMissing(N_("Only an administrator sets someone else's PIN."))
    pin = os.environ.get("DUTY_NEW_PIN") or getpass.getpass(_("New PIN for {name}: ").format(name=person.name))
    with acting_as(proven.actor):
        if own:
            change_own_pin(proven.pin, pin)
        else:
            reset_pin(person.id, pin)
    print(_("{name} has a new PIN.").format(name=person.name))
    return 0
