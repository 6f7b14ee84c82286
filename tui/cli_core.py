"""Core subcommands: ``duty seed`` and ``duty demo``."""

from __future__ import annotations

import datetime as dt
import sys

from duty_desk.models.errors import N_
from duty_desk.models.safe_text import printable as safe

from duty_desk.tui.i18n import _


def register(sub) -> None:
    p = sub.add_parser("seed", help=_("load the sample positions of the source documents"))
    p.add_argument("--dry-run", action="store_true", help=_("show what a load would change, and change nothing"))
    p.add_argument("--take-files", action="store_true",
                   help=_("where a value was changed here and in the files, take the files' value"))
    p.add_argument("--summary", action="store_true",
                   help=_("count, per document, what the files hold, what is loaded and what was left out"))
    p.set_defaults(run=seed)
    p = sub.add_parser("demo", help=_("fill the database with an invented organisation to explore"))
    p.add_argument("--people", type=int, default=30, help=_("how many staff (default 30)"))
    p.add_argument("--days", type=int, default=28, help=_("how many days of duty (default 28)"))
    p.add_argument("--seed", type=int, default=7, help=_("random seed (default 7)"))
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help=_("the day the demo is built for, as of noon (default: today)"))
    p.set_defaults(run=demo)
    p = sub.add_parser("check", help=_("check the database: integrity, foreign keys, the logbook's hash chain"))
    p.add_argument("--full", action="store_true",
                   help=_("the full check: SQLite's integrity_check and every entry of the logbook again"))
    p.add_argument("--anchor", action="store_true",
                   help=_("also print the logbook's anchor, to write in the paper handover book"))
    p.add_argument("--anchor-was", metavar="SEQ:HASH", action="append", default=[],
                   help=_("an anchor written down earlier: the logbook must still hold it"))
    p.set_defaults(run=check)


CHANGE_MARKS = {"added": "+", "changed": "~", "retired": "-", "renamed": ">", "conflict": "!"}
CHANGE_NAMES = {"added": N_("added"), "changed": N_("changed"), "retired": N_("retired"),
                "renamed": N_("renamed"), "conflict": N_("conflict")}


def seed(args) -> int:
    from duty_desk.models.storage.sql_functions import recorded_as
    from duty_desk.seed import loader

    from duty_desk.tui.cli import open_db

    data = loader.read(loader.DATA_DIR)  # a mistake in the files stops here, before the database is touched
    path = open_db(args)
    if args.summary:
        return seed_summary(path, loader.summary(loader.DATA_DIR))
    with recorded_as("duty seed"):
        report = loader.sync(data, dry_run=args.dry_run, take_files=args.take_files)
    if args.dry_run:
        print(_("Dry run: nothing was written. A load would do this:"))
    if report.nothing and not report.conflicts():
        print(_("{path}: the seed data is all there; nothing added.").format(path=path))
        return 0
    if any((report.departments, report.schemes, report.positions, report.items, report.rules)):
        print(_("{path}: added {departments} departments, {schemes} schemes, {positions} positions, "
                "{items} lines and {rules} rules.").format(path=path, **vars(report)))
    first_load = not report.kept  # a new database: the counts say it all
    if not first_load or any(c.action != "added" for c in report.changes):
        print(_("{path}: {changed} changed, {retired} retired, {renamed} renamed, {kept} kept as they were; "
                "{conflicts} conflict(s).").format(
            path=path, changed=report.count("changed"), retired=report.count("retired"),
            renamed=report.count("renamed"), kept=report.kept, conflicts=report.count("conflict")))
    for change in report.changes:
        if first_load and change.action == "added":
            continue
        print(f"  {CHANGE_MARKS[change.action]} {_(CHANGE_NAMES[change.action])} {safe(str(change))}")
    if report.conflicts() and not args.take_files:
        print(_("Values changed here were kept; run duty seed --take-files to take the files' values."))
    return 0


def seed_summary(path, documents) -> int:
    names = {"departments": _("departments"), "positions": _("positions"), "duties": _("duties"),
             "standards": _("standards"), "appraisal": _("appraisal lines"), "rules": _("rules")}
    print(_("{path}: per document, what the files hold (loaded in this database).").format(path=path))
    for doc in documents:
        print(_("Document {code} ({files}):").format(code=doc.code, files=", ".join(doc.files)))
        print("  " + " · ".join(f"{names[k]} {doc.declared[k]} ({doc.loaded[k]})" for k in names))
        for gap in doc.left_out:
            where = " ".join(x for x in (gap.get("lines", ""), safe(gap.get("text", ""))) if x)
            print("  " + _("left out: {where}: {reason}").format(where=where, reason=safe(gap["reason"])))
    return 0


def demo(args) -> int:
    from duty_desk.seed import demo as demo_data

    from duty_desk.tui.cli import open_db

    if args.people < 4 or args.days < 1:
        print(_("A demo needs at least 4 people and 1 day."), file=sys.stderr)
        return 2
    today = None
    if args.today is not None:  # checked before the database is touched: nothing is written
        try:
            today = dt.date.fromisoformat(args.today.strip())
        except ValueError:
            today = None
        if today is None or not demo_data.FIRST_DAY <= today <= demo_data.LAST_DAY:
            print(_("--today takes a date between {first} and {last}, such as 2027-01-01; "
                    "got {value!r}.").format(first=demo_data.FIRST_DAY, last=demo_data.LAST_DAY,
                                             value=args.today), file=sys.stderr)
            return 2
    path = open_db(args)
    if demo_data.has_staff():
        print(_("{path} already has staff; demo data goes into a new database (use --db).").format(path=path),
              file=sys.stderr)
        return 1
    from duty_desk.tui.progress import progress_bar

    with progress_bar(_("Building the demo")) as advance:
        ctx = demo_data.build(people=args.people, days=args.days, seed=args.seed, today=today, progress=advance)
    print(_("{path}: demo data added as of {moment} ({notes}).").format(
        path=path, moment=f"{ctx.now:%Y-%m-%d %H:%M}", notes=", ".join(ctx.notes)))
    return 0


def check(args) -> int:
    from duty_desk.models.logbook import chain as log_chain
    from duty_desk.models.storage.checks import run_all

    from duty_desk.tui.cli import open_db

    path = open_db(args, create=False)  # checking a missing file must not make a new, "sound" one
    faults = 0
    from duty_desk.tui.progress import progress_bar

    with progress_bar(_("Checking")) as advance:
        results = run_all(full=args.full, progress=advance)
    for anchor in args.anchor_was:
        results.append((_("anchor {anchor}").format(anchor=anchor.strip()), log_chain.check_anchor(anchor)))
    for name, problems in results:
        if problems:
            faults += len(problems)
            print(_("{check}: {count} problem(s)").format(check=name, count=len(problems)))
            for problem in problems:
                print("  " + problem)
        else:
            print(_("{check}: ok").format(check=name))
    print(_("{path}: sound.").format(path=path) if not faults
          else _("{path}: {count} problem(s) found.").format(path=path, count=faults))
    if args.anchor:
        print(_("Logbook anchor: {anchor}").format(anchor=log_chain.anchor()))
    return 1 if faults else 0
