"""Demo roster: three posts, a day and a night shift, rotations for the staff, and check-ins.

A new user should find something to fix: a few gaps (a night without its lead, a patrol
short of an officer), a duty on a day of leave and a double shift with no rest between.
Past duties have check-ins, mostly on time, with a few late arrivals, early leaves and
no-shows recorded as duty facts.
"""

from __future__ import annotations

import datetime as dt

from models import facts
from models.checkin import CheckIn
from models.db import writes
from models.roster import Assignment, add_holiday, add_leave, add_post, add_shift, assign, remove
from models.rotation import create_rotation, generate
from models.session import SYSTEM, acting_as

AHEAD = 14  # days rostered past today, so the coming weeks are there to plan

POSTS = (("command", "值班指挥台", "Command desk"), ("patrol", "巡查", "Patrol"), ("office", "综合事务", "Office line"))
SHIFTS = (("D", "白班", "Day", "08:00", "20:00"), ("N", "夜班", "Night", "20:00", "08:00"))
# (shift key, post key) → (leads, officers)
NEEDS = {("D", "command"): (1, 1), ("N", "command"): (1, 1), ("D", "patrol"): (0, 2), ("N", "patrol"): (0, 1),
         ("D", "office"): (0, 1)}
HOLIDAYS = ((1, 1, "元旦", "New Year's Day"), (5, 1, "劳动节", "Labour Day"), (10, 1, "国庆节", "National Day"),
            (10, 2, "国庆节", "National Day"), (10, 3, "国庆节", "National Day"))



def build(ctx) -> None:
    with acting_as(SYSTEM):
        _build(ctx)


@writes
def _build(ctx) -> None:
    posts = {key: add_post(key, zh, en) for key, zh, en in POSTS}
    shifts = {key: add_shift(key, zh, en, start, end) for key, zh, en, start, end in SHIFTS}
    from models.roster import set_need

    for (shift, post), (leads, officers) in NEEDS.items():
        set_need(shifts[shift], posts[post], leads, officers)
    first, last = ctx.first_day, ctx.today + dt.timedelta(days=AHEAD)
    for year in range(first.year, last.year + 1):
        for month, day, zh, en in HOLIDAYS:
            add_holiday(dt.date(year, month, day), zh, en)

    leads = [p["id"] for p in ctx.staff if p["role"] == "lead"]
    officers = [p["id"] for p in ctx.staff if p["role"] == "officer"]
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

    _gaps_and_conflicts(ctx, shifts, posts, leads, officers)
    _check_ins(ctx)
    ctx.notes.append(f"{added} duties")


def _duty(person_id: int, day: dt.date, shift_id: int):
    return Assignment.get_or_none(Assignment.person == person_id, Assignment.day == day, Assignment.shift == shift_id)


def _gaps_and_conflicts(ctx, shifts, posts, leads, officers) -> None:
    soon = ctx.today + dt.timedelta(days=2)
    # A night with no lead: the lead on it is taken off.
    lead_night = (Assignment.select().where(Assignment.day == soon, Assignment.shift == shifts["N"],
                                            Assignment.role == "lead").first())
    if lead_night:
        remove(lead_night.id)
    # A patrol short of an officer on a day shift.
    patrol_day = list(Assignment.select().where(Assignment.day == soon + dt.timedelta(days=1),
                                                Assignment.shift == shifts["D"], Assignment.post == posts["patrol"]))
    for duty in patrol_day[1:]:
        remove(duty.id)
    if not officers:
        return
    # Leave over a rostered day, entered after the roster was made.
    someone = officers[0]
    on_duty = (Assignment.select().where(Assignment.person == someone, Assignment.day > ctx.today)
               .order_by(Assignment.day).first())
    if on_duty:
        add_leave(someone, on_duty.day, on_duty.day + dt.timedelta(days=1), note="事假")
    # A day shift straight after a night: no rest between them.
    night = (Assignment.select().where(Assignment.person == officers[-1], Assignment.shift == shifts["N"],
                                       Assignment.day > ctx.today).order_by(Assignment.day).first())
    if night:
        try:
            assign(officers[-1], night.day + dt.timedelta(days=1), shifts["D"], posts["office"])
        except Exception:  # already on that day: the demo just has one conflict fewer
            pass


@writes
def _check_ins(ctx) -> None:
    """Check-ins for the duties already worked, with a few facts for appraisal to find."""
    real_today = dt.date.today()
    now = dt.datetime.now() if ctx.today == real_today else dt.datetime.combine(ctx.today, dt.time(12))
    rng = ctx.rng
    rows = []
    query = (Assignment.select(Assignment.id, Assignment.person, Assignment.starts_at, Assignment.ends_at,
                               Assignment.day)
             .where(Assignment.starts_at <= now, Assignment.day >= ctx.first_day).tuples())
    for aid, pid, starts, ends, day in query:
        roll = rng.random()
        if roll < 0.01 and ends <= now:
            facts.record(pid, "no_show", starts, "roster", aid, f"no check-in for {day}")
            continue
        late = roll > 0.97
        arrived = starts + dt.timedelta(minutes=rng.randint(15, 45)) if late else \
            starts - dt.timedelta(minutes=rng.randint(0, 20))
        if late:
            facts.record(pid, "late_arrival", arrived, "checkin", aid,
                         f"{int((arrived - starts).total_seconds() // 60)} min late")
        left = None
        if ends <= now:
            early = 0.01 < roll < 0.025
            left = ends - dt.timedelta(minutes=rng.randint(30, 90)) if early else \
                ends + dt.timedelta(minutes=rng.randint(0, 15))
            if early:
                facts.record(pid, "early_leave", left, "checkin", aid,
                             f"left {int((ends - left).total_seconds() // 60)} min early")
        rows.append({"assignment": aid, "checked_in_at": arrived, "checked_out_at": left,
                     "in_by": pid, "out_by": pid if left else None})
    for chunk in range(0, len(rows), 2000):
        CheckIn.insert_many(rows[chunk:chunk + 2000]).execute()
