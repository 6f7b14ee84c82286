"""Core subcommands: ``duty seed`` and ``duty demo``."""

from __future__ import annotations

import datetime as dt
import sys

from .i18n import _


def register(sub) -> None:
    p = sub.add_parser("seed", help=_("load the sample positions of the source documents"))
    p.set_defaults(run=seed)
    p = sub.add_parser("demo", help=_("fill the database with an invented organisation to explore"))
    p.add_argument("--people", type=int, default=30, help=_("how many staff (default 30)"))
    p.add_argument("--days", type=int, default=28, help=_("how many days of duty (default 28)"))
    p.add_argument("--seed", type=int, default=7, help=_("random seed (default 7)"))
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help=_("the day the demo is built for, as of noon (default: today)"))
    p.set_defaults(run=demo)
    p = sub.add_parser("check", help=_("check the database: integrity, foreign keys, the logbook's hash chain"))
    p.add_argument("--anchor", action="store_true",
                   help=_("also print the logbook's anchor, to write in the paper handover book"))
    p.add_argument("--anchor-was", metavar="SEQ:HASH", action="append", default=[],
                   help=_("an anchor written down earlier: the logbook must still hold it"))
    p.set_defaults(run=check)


def seed(args) -> int:
    from seed import loader

    from .cli import open_db

    path = open_db(args)
    report = loader.load()
    if report.nothing:
        print(_("{path}: the seed data is all there; nothing added.").format(path=path))
    else:
        print(_("{path}: added {departments} departments, {schemes} schemes, {positions} positions, "
                "{items} lines and {rules} rules.").format(path=path, **vars(report)))
    return 0


def demo(args) -> int:
    from seed import demo as demo_data

    from .cli import open_db

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
    ctx = demo_data.build(people=args.people, days=args.days, seed=args.seed, today=today)
    print(_("{path}: demo data added as of {moment} ({notes}).").format(
        path=path, moment=f"{ctx.now:%Y-%m-%d %H:%M}", notes=", ".join(ctx.notes)))
    return 0


def check(args) -> int:
    from models import log_chain
    from models.checks import run_all

    from .cli import open_db

    path = open_db(args, create=False)  # checking a missing file must not make a new, "sound" one
    faults = 0
    results = run_all()
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
