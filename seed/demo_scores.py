"""Demo appraisal: the last completed quarter with sheets in every workflow state.

Three quarters are opened for everyone: the one before the last (all acknowledged, so the
trend has a past), the last completed one (sheets spread over draft, self-assessed,
reviewed, approved and acknowledged, with proposed, confirmed and rejected deductions) and
the current one (drafts, with deductions proposed from the roster's and the log's facts).

The duty office's documents give no point rules, so a few are invented here for 值班長 and
值班員, each marked 【演示】 (demo) in its text; an administrator would set the real ones.
The quarter's own demo facts are likewise invented and recorded as source "manual".
"""

from __future__ import annotations

import datetime as dt

from models.appraisal import Adjustment, Rating, Scoresheet, SheetEvent, SheetItem
from models.db import writes
from models.deductions import add_rule
from models.facts import record
from models.org import Person, Position, Rule
from models.periods import containing, last_completed, parse, previous
from models.score_review import totals
from models.scoresheets import open_period
from models.session import SYSTEM, acting_as

DEMO_MARK = "【演示】"
DEMO_RULES = (  # fact, kind, points, cap, code — invented for the duty office
    ("迟到一次", "deduction", 1, 5, "late_arrival"),
    ("无故缺勤一次", "deduction", 3, None, "no_show"),
    ("早退一次", "deduction", 1, 5, "early_leave"),
    ("值班期间未按时巡逻", "deduction", 1, 10, "missed_patrol"),
    ("值班期间脱岗一次", "deduction", 2, None, "absent_from_post"),
    ("交接班迟到", "deduction", 1, None, "late_handover"),
    ("未办理交接班", "deduction", 2, None, "missing_handover"),
    ("督办事项逾期", "deduction", 1, 6, "overdue_followup"),
    ("妥善处置突发事件", "bonus", 2, 4, None),
)
CYCLE = ("draft", "self_assessed", "reviewed", "approved", "acknowledged")
REJECT_REASONS = ("经核实当班临时调岗", "系统故障，记录缺失", "经值班长批准离岗")


def _demo_rules() -> None:
    for key in ("002-shift-lead", "002-duty-officer"):
        position = Position.get_or_none(Position.key == key)
        if position is None:
            continue
        have = {r.fact for r in Rule.select().where(Rule.position == position)}
        for fact, kind, points, cap, code in DEMO_RULES:
            if DEMO_MARK + fact not in have:
                add_rule(position.id, DEMO_MARK + fact, kind, points, cap=cap, code=code)


def _demo_facts(ctx, starts: dt.date, ends: dt.date) -> None:
    """Invented facts inside a finished quarter, for about a third of the staff."""
    span = (ends - starts).days
    codes = ("late_arrival", "missed_patrol", "absent_from_post", "late_handover", "overdue_followup",
             "missed_stocktake", "missed_meeting")
    for person in ctx.staff[::3]:
        for _fact in range(ctx.rng.randint(1, 4)):
            day = starts + dt.timedelta(days=ctx.rng.randrange(span))
            when = dt.datetime.combine(day, dt.time(ctx.rng.randrange(24)))
            code = ctx.rng.choice(codes)
            record(person["id"], code, when, "manual", None, detail=f"{DEMO_MARK}{code}")


def _ratings(ctx, sheet_ids: dict[int, int], states: dict[int, str], supervisors: list[int]) -> None:
    """Ratings fitting each sheet's state: self in all but some drafts, supervisor and peers after."""
    items: dict[int, list[tuple[int, float]]] = {}
    for sid, item_id, max_points in (SheetItem.select(SheetItem.sheet, SheetItem.id, SheetItem.max_points)
                                     .where(SheetItem.sheet.in_(list(sheet_ids))).tuples()):
        items.setdefault(sid, []).append((item_id, max_points))
    people = [p["id"] for p in ctx.staff]
    # peers are colleagues of the same department, as models.score_access lets them rate
    department = dict(Person.select(Person.id, Position.department).join(Position).tuples())
    now = ctx.now
    rows = []

    def half(value, top):
        return max(0.0, min(top, round(value * 2) / 2))

    for sid, person_id in sheet_ids.items():
        state = states[sid]
        ability = ctx.rng.uniform(0.5, 0.98)
        wide = ctx.rng.random() < 0.15  # thinks better of themselves than the supervisor does
        supervisor = ctx.rng.choice([s for s in supervisors if s != person_id] or [None])
        colleagues = [p for p in people if p != person_id and department.get(p) is not None
                      and department.get(p) == department.get(person_id)]
        peers = ctx.rng.sample(colleagues, k=min(2, len(colleagues)))
        for n, (item_id, top) in enumerate(items.get(sid, [])):
            if state == "draft" and n >= ctx.rng.randrange(len(items[sid]) + 1):
                break
            rows.append({"sheet": sid, "item": item_id, "rater": "self", "slot": 0, "rater_id": person_id,
                         "points": half(top * min(1, ability + ctx.rng.uniform(0, 0.15) + (0.3 if wide else 0)), top),
                         "comment": "", "updated": now})
            if state in ("draft", "self_assessed"):
                continue
            rows.append({"sheet": sid, "item": item_id, "rater": "supervisor", "slot": 0, "rater_id": supervisor,
                         "points": half(top * (ability + ctx.rng.uniform(-0.1, 0.05)), top),
                         "comment": "", "updated": now})
            for peer in peers:
                rows.append({"sheet": sid, "item": item_id, "rater": "peer", "slot": peer, "rater_id": peer,
                             "points": half(top * (ability + ctx.rng.uniform(-0.1, 0.1)), top),
                             "comment": "", "updated": now})
    for chunk in range(0, len(rows), 800):
        Rating.insert_many(rows[chunk:chunk + 800]).execute()


def _workflow(ctx, period_id: int, sheet_ids: dict[int, int], states: dict[int, str],
              supervisors: list[int], ends: dt.date) -> None:
    """Decide deductions and record the steps each sheet's state implies."""
    steps = {"self_assessed": ["self_assessed"], "reviewed": ["self_assessed", "reviewed"],
             "approved": ["self_assessed", "reviewed", "approved"],
             "acknowledged": ["self_assessed", "reviewed", "approved", "acknowledged"]}
    events = []
    when = dt.datetime.combine(ends, dt.time(9))
    decided = 0  # every fourth decision of the quarter is a rejection, so each quarter has some
    for sid, person_id in sheet_ids.items():
        state = states[sid]
        supervisor = supervisors[sid % len(supervisors)] if supervisors else None
        proposals = list(Adjustment.select(Adjustment.id).where(Adjustment.sheet == sid).tuples())
        for n, (adj_id,) in enumerate(proposals):
            if state in ("draft", "self_assessed") or (state == "reviewed" and n == 0):
                continue  # left for the supervisor to decide
            rejected = decided % 4 == 3
            decided += 1
            Adjustment.update(status="rejected" if rejected else "confirmed",
                              reason=ctx.rng.choice(REJECT_REASONS) if rejected else "",
                              decided_by=supervisor, decided_at=when).where(Adjustment.id == adj_id).execute()
        previous_state = "draft"
        for n, step in enumerate(steps.get(state, [])):
            events.append({"sheet": sid, "at": when + dt.timedelta(days=n), "action": step,
                           "actor_id": person_id if step in ("self_assessed", "acknowledged") else supervisor,
                           "from_state": previous_state, "to_state": step, "reason": ""})
            previous_state = step
        Scoresheet.update(state=state).where(Scoresheet.id == sid).execute()
    scores = {sid: t.score for sid, (t, _c) in totals("s.period_id = ?", (period_id,)).items()
              if t.complete and t.criteria_total}
    for event in events:  # an approval keeps the score approved (see models.appraisal.SheetEvent)
        if event["action"] == "approved" and event["sheet"] in scores:
            event["reason"] = f"{scores[event['sheet']]:g}"
    for chunk in range(0, len(events), 800):
        SheetEvent.insert_many(events[chunk:chunk + 800]).execute()


def _quarter(ctx, key: str, states_for, supervisors: list[int]) -> None:
    period_id, _added = open_period(key, scope="all")
    sheet_ids = dict(Scoresheet.select(Scoresheet.id, Scoresheet.person)
                     .where(Scoresheet.period == period_id).order_by(Scoresheet.id).tuples())
    states = {sid: states_for(n) for n, sid in enumerate(sheet_ids)}
    _ratings(ctx, sheet_ids, states, supervisors)
    ends = parse(key).ends
    _workflow(ctx, period_id, sheet_ids, states, supervisors, ends)


@writes
def _build(ctx) -> None:
    with acting_as(SYSTEM):
        _demo_rules()
        last = last_completed("quarter", ctx.today)
        before = previous(last)
        current = containing("quarter", ctx.today)
        supervisors = [p["id"] for p in ctx.staff if p["role"] in ("supervisor", "admin")]
        _demo_facts(ctx, last.starts, last.ends)
        _quarter(ctx, before.key, lambda n: "acknowledged", supervisors)
        # every state, the first five sheets one of each, so even a small demo shows them all
        _quarter(ctx, last.key, lambda n: CYCLE[n % len(CYCLE)], supervisors)
        _quarter(ctx, current.key, lambda n: "draft", supervisors)
    ctx.notes.append(f"scoresheets for {before.key}, {last.key} and {current.key}")


def build(ctx) -> None:
    _build(ctx)
