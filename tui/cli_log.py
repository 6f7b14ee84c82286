"""``duty log add`` and ``duty handover export``: the duty log for scripts and alarms.

``duty log add --as 王晓东 "p: @东门 巡逻正常"`` writes one entry signed by that person,
once they give their PIN (``tui/cli_auth.py``); an alarm system uses ``--token-file`` and
its entries carry the token's source. With ``-`` it reads one entry a line from standard
input, commits each on its own and prints its id only after the commit, so an alarm
script knows exactly what was saved.
"""

from __future__ import annotations

import sys

from duty_desk.tui import cli_auth
from duty_desk.tui.i18n import _, error_text


def register(sub) -> None:
    log = sub.add_parser("log", help=_("write to the duty log from scripts"))
    log_sub = log.add_subparsers(dest="log_command", metavar="ACTION")
    add = log_sub.add_parser("add", help=_("add an entry (or one a line from standard input with -)"))
    add.add_argument("--category", default="other", help=_("category key or prefix when the line gives none"))
    add.add_argument("text", nargs="+", help=_("the entry as in quick entry, or - to read lines from stdin"))
    cli_auth.add_options(add)
    add.set_defaults(run=log_add)
    log.set_defaults(run=lambda args: (log.print_help(), 2)[1])

    handover = sub.add_parser("handover", help=_("handover reports"))
    h_sub = handover.add_subparsers(dest="handover_command", metavar="ACTION")
    export = h_sub.add_parser("export", help=_("print a handover report as text or Markdown"))
    export.add_argument("--id", type=int, help=_("which handover (default: the newest)"))
    export.add_argument("--format", choices=("text", "markdown"), default="text", help=_("text (default) or markdown"))
    export.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    cli_auth.add_options(export)
    export.set_defaults(run=handover_export)
    handover.set_defaults(run=lambda args: (handover.print_help(), 2)[1])


def log_add(args) -> int:
    from duty_desk.models.accounts import tokens
    from duty_desk.models.errors import DutyError
    from duty_desk.models.accounts.session import acting_as

    from duty_desk.tui.cli import open_db

    open_db(args)
    proven = cli_auth.prove(args, "log.write")

    def add(line: str) -> int:
        return tokens.add_log_line(line, args.category, proven.source, proven.token_id)

    with acting_as(proven.actor):
        if args.text == ["-"]:
            failures = 0
            for number, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                try:
                    entry = add(line.rstrip("\n"))
                except DutyError as exc:
                    failures += 1
                    print(_("line {number}: {error}").format(number=number, error=error_text(exc)), file=sys.stderr)
                    continue
                print(entry, flush=True)
            return 1 if failures else 0
        entry = add(" ".join(args.text))
        print(entry, flush=True)
    return 0


def handover_export(args) -> int:
    from duty_desk.models.logbook import handover

    from duty_desk.tui.cli import open_db

    open_db(args)
    cli_auth.prove(args, "log.write")  # the logbook is for the staff, not for any account on the host
    text = handover.export(args.id, args.format, t=_)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0
