"""``duty roster``: export duties as CSV or iCalendar, and say who is on duty now.

    duty roster export --format ics --person 张立新 --from 2026-11-16 --to 2026-12-13 -o duties.ics
    duty roster now
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from duty_desk.models import clock

from duty_desk.tui import cli_auth
from duty_desk.tui.i18n import _, pick


def register(sub) -> None:
    roster = sub.add_parser("roster", help=_("the duty roster: export duties, who is on duty now"))
    commands = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    p = commands.add_parser("export", help=_("write duties as CSV or as an iCalendar file (.ics)"))
    p.add_argument("--format", choices=("csv", "ics"), default="csv", help=_("csv (default) or ics"))
    p.add_argument("--person", metavar="NAME", help=_("only this person's duties"))
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help=_("first day (default: this Monday)"))
    p.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help=_("last day (default: four weeks on)"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    cli_auth.add_options(p)
    p.set_defaults(run=export)
    p = commands.add_parser("now", help=_("the shift lead and officers on duty now"))
    cli_auth.add_options(p)
    p.set_defaults(run=now)


def export(args) -> int:
    from duty_desk.models.roster import duties as roster
    from duty_desk.models.roster import export as roster_export

    from duty_desk.tui.cli import open_db

    open_db(args)
    cli_auth.prove(args, "roster.checkin")  # the staff's duties are for the staff
    first = roster.parse_day(args.first, "from") if args.first else roster.week_of(clock.today())
    last = roster.parse_day(args.last, "to") if args.last else first + dt.timedelta(days=27)
    person_id = roster.find_person(args.person) if args.person else None
    rows = roster_export.duties(first, last, person_id)
    if args.format == "csv":
        text = roster_export.to_csv(rows, _)
    else:
        text = roster_export.to_ics(rows, _, _("Duty roster") + (f" · {args.person}" if args.person else ""))
    if args.output:
        Path(args.output).expanduser().write_text(text, encoding="utf-8-sig" if args.format == "csv" else "utf-8",
                                                  newline="")
        print(_("{count} duties written to {path}.").format(count=len(rows), path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def now(args) -> int:
    from duty_desk.models.roster import duties as roster
    from duty_desk.models.safe_text import printable

    from duty_desk.tui.cli import open_db

    open_db(args)
    cli_auth.prove(args, "roster.checkin")
    at = clock.now()
    duties = roster.on_duty(at)
    if not duties:
        print(_("Nobody is on duty at {time}: the roster has a gap.").format(time=f"{at:%H:%M}"))
        return 1
    for d in duties:
        role = _("shift lead") if d.role == "lead" else _("duty officer")
        # One field each, single-line: stored text can neither drive the terminal nor add a column.
        print(f"{role}\t{printable(d.person_name)}\t{printable(pick(d.post_zh, d.post_en))}\t"
              f"{printable(pick(d.shift_zh, d.shift_en))} {d.starts_at:%H:%M}–{d.ends_at:%H:%M}")
    return 0
