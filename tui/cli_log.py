"""``duty log add`` and ``duty handover export``: the duty log for scripts and alarms.

``duty log add --as 王晓东 "p: @东门 巡逻正常"`` writes one entry signed by that person;
with ``-`` it reads one entry a line from standard input, commits each on its own and
prints its id only after the commit, so an alarm script knows exactly what was saved.
"""

from __future__ import annotations

import sys

from .i18n import _, error_text


def register(sub) -> None:
    log = sub.add_parser("log", help=_("write to the duty log from scripts"))
    log_sub = log.add_subparsers(dest="log_command", metavar="ACTION")
    add = log_sub.add_parser("add", help=_("add an entry (or one a line from standard input with -)"))
    add.add_argument("--as", dest="log_as", metavar="NAME", required=True, help=_("the person who signs the entry"))
    add.add_argument("--category", default="other", help=_("category key or prefix when the line gives none"))
    add.add_argument("text", nargs="+", help=_("the entry as in quick entry, or - to read lines from stdin"))
    add.set_defaults(run=log_add)
    log.set_defaults(run=lambda args: (log.print_help(), 2)[1])

    handover = sub.add_parser("handover", help=_("handover reports"))
    h_sub = handover.add_subparsers(dest="handover_command", metavar="ACTION")
    export = h_sub.add_parser("export", help=_("print a handover report as text or Markdown"))
    export.add_argument("--id", type=int, help=_("which handover (default: the newest)"))
    export.add_argument("--format", choices=("text", "markdown"), default="text", help=_("text (default) or markdown"))
    export.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    export.set_defaults(run=handover_export)
    handover.set_defaults(run=lambda args: (handover.print_help(), 2)[1])


def _actor(name: str):
    from models.errors import N_, DutyError
    from models.org import Person
    from models.session import Actor

    person = Person.get_or_none((Person.name == name) & (Person.active == True))  # noqa: E712
    if person is None:
        raise DutyError(N_("No one on the staff is called “{name}”."), name=name)
    return Actor(person.id, person.name, person.role)


def log_add(args) -> int:
    from models import log_entries
    from models.errors import DutyError
    from models.session import acting_as

    from .cli import open_db

    open_db(args)
    actor = _actor(args.log_as)
    with acting_as(actor):
        if args.text == ["-"]:
            failures = 0
            for number, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                try:
                    entry = log_entries.add(line.rstrip("\n"), args.category)
                except DutyError as exc:
                    failures += 1
                    print(_("line {number}: {error}").format(number=number, error=error_text(exc)), file=sys.stderr)
                    continue
                print(entry, flush=True)
            return 1 if failures else 0
        entry = log_entries.add(" ".join(args.text), args.category)
        print(entry, flush=True)
    return 0


def handover_export(args) -> int:
    from models import handover

    from .cli import open_db

    open_db(args)
    text = handover.export(args.id, args.format, t=_)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0
