"""Demo roster: the duty office's three posts, a day and a night shift, rotations for its
staff, the timber yard's day duty, and check-ins.

木料场会计 keeps the day duty at 木料场 on working days (负责白天的值班巡逻), from the day
the warehouse's books start: the post is named as the documents' patrol rule names it, so a
patrol missed there is charged to the accountant on duty, never to the command desk.

A new user finds something to fix in the very week the roster opens on, at its first post:
a night without its lead, a shift short of an officer, a duty on a day of leave and a day
shift straight after a night.
Past duties have check-ins, mostly on time, with a few late arrivals, early leaves and
no-shows recorded as duty facts.
"""

from __future__ import annotations

import datetime as dt

from duty_desk.models.accounts import audit
from duty_desk.models.storage.db import db, writes
from duty_desk.models.roster.duties import (
    Assignment, add_holiday, add_leave, add_post, add_shift, assign, remove, week_of)
from duty_desk.models.roster.rotation import create_rotation, generate
from duty_desk.models.accounts.session import SYSTEM, acting_as

AHEAD = 14  # days rostered past today, so the coming weeks are there to plan

POSTS = (("command", "值班指挥台", "Command desk"), ("patrol", "巡查", "Patrol"), ("office", "综合事务", "Office line"))
SHIFTS = (("D", "白班", "Day", "08:00", "20:00"), ("N", "夜班", "Night", "20:00", "08:00"))
# (shift key, post key) → (leads, officers)
NEEDS = {("D", "command"): (1, 1), ("N", "command"): (1, 1), ("D", "patrol"): (0, 2), ("N", "patrol"): (0, 1),
         ("D", "office"): (0, 1)}
HOLIDAYS = ((1, 1, "元旦", "New Year's Day"), (5, 1, "劳动节", "Labour Day"), (10, 1, "国庆节", "National Day"),
            (10, 2, "国庆节", "National Day"), (10, 3, "国庆节", "National Day"))
TIMBER_YARD = ("timber-yard", "木料场", "Timber yard")  # key, zh (the patrol rule's post), en
TIMBER_ACCOUNTANT = "001-timber-yard-accountant"


def timber_yard_post() -> str:
    """The post the documents' patrol rule names (the seed makes it): its name on the roster."""
    from duty_desk.models.logbook.patrols import PatrolRule

    rule = (PatrolRule.select().where(PatrolRule.post.contains(TIMBER_YARD[1])).order_by(PatrolRule.id).first())
    return rule.post if rule else TIMBER_YARD[1]


def build(ctx) -> None:
    with acting_as(SYSTEM):
        _build(ctx)


@writes
def _build(ctx) -> None:
    posts = {key: add_post(key, zh, en) for key, zh, en in POSTS}
    shifts = {key: add_shift(key, zh, en, start, end) for key, zh, en, start, end in SHIFTS}
    from duty_desk.models.roster.duties import set_need

    for (shift, post), (leads, officers) in NEEDS.items():
        set_need(shifts[shift], posts[post], leads, officers)
    first, last = ctx.first_day, ctx.today + dt.timedelta(days=AHEAD)
    for year in range(min(first, ctx.books_first).year, last.year + 1):
        for month, day, zh, en in HOLIDAYS:
            add_holiday(dt.date(year, month, day), zh, en)

    leads, officers = ctx.desk("lead"), ctx.desk("officer")
    plans = []  # (name, pattern, post, role, members)
    if leads:
        plans.append(("值班长四班倒", "D,N,-,-", "command", "lead", leads[:4]))
    groups = [("指挥台四班倒", "D,N,-,-", "command"), ("巡查甲组", "D,N,-,-", "patrol"),
              ("巡查乙组", "D,N,-,-", "patrol")]
    rest = officers
    for name, pattern, post in groups:
        if not rest:
            break
        plans.append((name, pattern, post, "officer", rest[:4]))
        rest = rest[4:]
    if rest:
        plans.append(("综合事务周班", "D*5,-*2", "office", "officer", rest[:2]))
    # Large demos: everyone else on patrol rotations too, so a big roster is a real one.
    rest = rest[2:]
    while len(rest) >= 4:
        plans.append((f"巡查{len(plans)}组", "D,N,-,-", "patrol", "officer", rest[:4]))
        rest = rest[4:]
    added = 0
    for name, pattern, post, role, members in plans:
        rid = create_rotation(name, pattern, posts[post], members, first, role=role)
        added += generate(rid, first, last).added
    accountants = ctx.holding(TIMBER_ACCOUNTANT)
    if accountants:  # Monday to Friday, the pattern starting on a Monday
        yard = add_post(TIMBER_YARD[0], timber_yard_post(), TIMBER_YARD[2])
        monday = week_of(ctx.books_first)
        rid = create_rotation("木料场白班", "D*5,-*2", yard, accountants[:1], monday, phases=[0])
        added += generate(rid, ctx.books_first, last).added

    _gaps_and_conflicts(ctx, shifts, posts, leads, officers)
    _check_ins(ctx)
    ctx.notes.append(f"{added} duties")


def _candidates(ctx, post_id: int, shift_id: int | None = None, role: str | None = None) -> list[list[Assignment]]:
    """Duties at a post to make a problem of, best first: this week's not begun yet (soonest
    first), this week's already begun (latest first), then next week's."""
    monday, now = week_of(ctx.today), ctx.now
    sunday = monday + dt.timedelta(days=6)
    query = Assignment.select().where(Assignment.post == post_id, Assignment.day >= monday,
                                      Assignment.day <= sunday + dt.timedelta(days=7))
    if shift_id is not None:
        query = query.where(Assignment.shift == shift_id)
    if role is not None:
        query = query.where(Assignment.role == role)
    duties = list(query.order_by(Assignment.starts_at, Assignment.id))
    return [[d for d in duties if d.day <= sunday and d.starts_at > now],
            [d for d in reversed(duties) if d.day <= sunday and d.starts_at <= now],
            [d for d in duties if d.day > sunday]]


def _gaps_and_conflicts(ctx, shifts, posts, leads, officers) -> None:
    """Something to fix in the week a new user sees first (this week, at the first post): a
    night without its lead, a day shift straight after a night, a shift short of an officer
    and a duty on a day of leave, each in a cell of its own. Duties not begun yet are
    preferred (the days worked keep their check-ins); the next week only takes what this
    week cannot hold."""
    command, day, night = posts["command"], shifts["D"], shifts["N"]
    sunday = week_of(ctx.today) + dt.timedelta(days=6)
    used: set[tuple[dt.date, int]] = set()

    def pick(groups, ok=lambda d: True, last_ahead=False):
        for n, group in enumerate(groups):
            found = [d for d in group if (d.day, d.shift_id) not in used and ok(d)]
            if found:
                return found[-1] if last_ahead and n == 0 else found[0]
        return None

    # A night with no lead: the lead on it is taken off (the last night to come this week).
    lead_night = pick(_candidates(ctx, command, night, "lead"), last_ahead=True)
    if lead_night:
        remove(lead_night.id)
        used.add((lead_night.day, night))

    # A day shift straight after a night: no rest between them.
    def free_after(d):
        after = d.day + dt.timedelta(days=1)
        return (after, day) not in used and (after <= sunday or d.day > sunday) and not (
            Assignment.select().where(Assignment.person == d.person_id, Assignment.day == after).exists())

    rested = pick(_candidates(ctx, command, night, "officer"), free_after)
    if rested:
        assign(rested.person_id, rested.day + dt.timedelta(days=1), day, command)
        used.add((rested.day + dt.timedelta(days=1), day))
    # A shift short of its officer.
    short = pick(_candidates(ctx, command, day, "officer"))
    if short:
        for duty in Assignment.select().where(Assignment.post == command, Assignment.day == short.day,
                                              Assignment.shift == day, Assignment.role == "officer"):
            remove(duty.id)
        used.add((short.day, day))
    # Leave over a rostered day, entered after the roster was made.
    on_leave = pick(_candidates(ctx, command, role="officer"),
                    lambda d: rested is None or d.person_id != rested.person_id)
    if on_leave:
        add_leave(on_leave.person_id, on_leave.day, on_leave.day, note="事假")


@writes
def _check_ins(ctx) -> None:
    """Check-ins for the duties already worked, with a few facts for appraisal to find.

    A year for a thousand people is some 140,000 rows: they go in with ``executemany``
    under one summary audit event rather than row by row.
    """
    now = ctx.now
    rng = ctx.rng
    rows, found = [], []
    created = f"{now:%Y-%m-%d %H:%M:%S}"

    def fact(pid, code, at, source, aid, detail):
        found.append((pid, code, f"{at:%Y-%m-%d %H:%M:%S}", source, aid, detail, created))

    yard = set(ctx.holding(TIMBER_ACCOUNTANT))
    query = (Assignment.select(Assignment.id, Assignment.person, Assignment.starts_at, Assignment.ends_at,
                               Assignment.day)
             .where(Assignment.starts_at <= now, (Assignment.day >= ctx.first_day) | Assignment.person.in_(yard))
             .order_by(Assignment.id).tuples())
    for aid, pid, starts, ends, day in query:
        # The timber yard's duties are kept as the log shows them (its patrols come hourly).
        roll = rng.random() if pid not in yard else 0.5
        if roll < 0.01 and ends <= now:
            fact(pid, "no_show", starts, "roster", aid, f"no check-in for {day}")
            continue
        late = roll > 0.97
        arrived = starts + dt.timedelta(minutes=rng.randint(15, 45)) if late else \
            starts - dt.timedelta(minutes=rng.randint(0, 20))
        if late:
            fact(pid, "late_arrival", arrived, "checkin", aid,
                 f"{int((arrived - starts).total_seconds() // 60)} min late")
        left = None
        if ends <= now:
            early = 0.01 < roll < 0.025
            left = ends - dt.timedelta(minutes=rng.randint(30, 90)) if early else \
                ends + dt.timedelta(minutes=rng.randint(0, 15))
            if early:
                fact(pid, "early_leave", left, "checkin", aid,
                     f"left {int((ends - left).total_seconds() // 60)} min early")
        rows.append((aid, f"{arrived:%Y-%m-%d %H:%M:%S}", f"{left:%Y-%m-%d %H:%M:%S}" if left else None,
                     pid, pid if left else None))
    with audit.bulk(("check_in", "duty_fact"), what="demo check-ins") as summary:
        cursor = db.cursor()
        cursor.executemany("INSERT INTO check_in (assignment_id, checked_in_at, checked_out_at, in_by_id, out_by_id)"
                           " VALUES (?, ?, ?, ?, ?)", rows)
        cursor.executemany("INSERT OR IGNORE INTO duty_fact (person_id, code, occurred_at, source, ref_id, detail,"
                           " created) VALUES (?, ?, ?, ?, ?, ?, ?)", found)
        summary.update(check_ins=len(rows), facts=len(found))
