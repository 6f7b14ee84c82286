"""``duty export scores`` and ``duty export form``: a period's results and a person's form.

``export`` may hold other areas' exports too, so its sub-parsers are shared: whichever area
registers first makes the ``export`` command, the others add to it.

Appraisal results are personal and the models check who reads them: the command acts for
a person who proves who they are (``--as NAME`` and their PIN, or an API token; see
``tui/cli_auth.py``), and exports what that person may read: their own form, and everything
only for a supervisor or administrator.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from duty_desk.tui import cli_auth
from duty_desk.tui.i18n import _, is_zh


def _export_subparsers(sub) -> argparse._SubParsersAction:
    parser = sub.choices.get("export")
    if parser is None:
        parser = sub.add_parser("export", help=_("export data as files"))
        parser.set_defaults(run=lambda args: parser.print_help() or 2)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="export_what", metavar="WHAT")


def register(sub) -> None:
    exports = _export_subparsers(sub)
    p = exports.add_parser("scores", help=_("a period's appraisal results as CSV or XLSX"))
    p.add_argument("--period", required=True, help=_("the period, e.g. 2026-Q3, 2026-09, 2026-H2, 2026"))
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv", help=_("file format (default csv)"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("where to write (CSV: default the screen)"))
    cli_auth.add_options(p)
    p.set_defaults(run=export_scores)
    p = exports.add_parser("form", help=_("a person's appraisal form as printable text or HTML"))
    p.add_argument("--period", required=True, help=_("the period, e.g. 2026-Q3, 2026-09, 2026-H2, 2026"))
    p.add_argument("--person", required=True, help=_("the person's name"))
    p.add_argument("--format", choices=("text", "html"), default="text", help=_("file format (default text)"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("where to write (default the screen)"))
    cli_auth.add_options(p)
    p.set_defaults(run=export_form)


def _write(data: str | bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.write(data)
        return
    path = Path(output).expanduser()
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
    print(_("Wrote {path}.").format(path=path), file=sys.stderr)


def _reader(args):
    """Act as the proven person: the models decide what they may export."""
    from duty_desk.models.accounts.session import acting_as

    return acting_as(cli_auth.prove(args, "scores.self").actor)


def export_scores(args) -> int:
    from duty_desk.tui.cli import open_db

    open_db(args)
    with _reader(args):
        return _export_scores(args)


def _export_scores(args) -> int:
    from duty_desk.models.appraisal.export import results_csv, results_xlsx
    from duty_desk.models.appraisal.review import find_period

    period = find_period(args.period)
    if args.format == "xlsx":
        output = args.output
        if output is None:
            if sys.stdout.isatty():
                output = f"scores-{period.key}.xlsx"
            else:
                sys.stdout.buffer.write(results_xlsx(period.key, _, is_zh()))
                return 0
        _write(results_xlsx(period.key, _, is_zh()), output)
    else:
        _write(results_csv(period.key, _, is_zh()), args.output)
    return 0


def export_form(args) -> int:
    from duty_desk.tui.cli import open_db

    open_db(args)
    with _reader(args):
        return _export_form(args)


def _export_form(args) -> int:
    from duty_desk.models.appraisal.tables import Scoresheet
    from duty_desk.models.errors import N_, DutyError
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.appraisal.export import form_html, form_text
    from duty_desk.models.appraisal.review import find_period, sheet_detail

    period = find_period(args.period)
    people = list(Person.select().where(Person.name == args.person))
    if not people:
        raise DutyError(N_("Nobody is called {name}."), name=args.person)
    sheet = Scoresheet.get_or_none(Scoresheet.period == period, Scoresheet.person.in_([p.id for p in people]))
    if sheet is None:
        raise DutyError(N_("{name} has no scoresheet in {period}."), name=args.person, period=period.key)
    detail = sheet_detail(sheet.id)
    text = form_html(detail, _, is_zh()) if args.format == "html" else form_text(detail, _, is_zh())
    _write(text, args.output)
    return 0
