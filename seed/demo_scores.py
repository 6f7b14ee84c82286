"""Demo appraisal: the last completed quarter with sheets in every workflow state.

Three quarters are opened for everyone: the one before the last (all acknowledged, so the
trend has a past), the last completed one (sheets spread over draft, self-assessed,
reviewed, approved and acknowledged, with proposed, confirmed and rejected deductions) and
the current one (drafts, with deductions proposed from the roster's and the log's facts).

Every deduction and bonus comes from a document's rule, proposed from what the desk
recorded (``seed.demo_log``): the warehouse's stocktakes and patrols, an absence from post,
the production plan's grade and the defect rate. The duty office's document gives no point
values, so its sheets are scored on their criteria alone; no rule is invented for it.
"""

from __future__ import annotations

import datetime as dt

from duty_desk.models.appraisal.tables import Adjustment, Rating, Scoresheet, SheetEvent, SheetItem
from duty_desk.models.storage.db import writes
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.periods import containing, last_completed, parse, previous
from duty_desk.models.appraisal.review import totals
from duty_desk.models.appraisal.scoresheets import open_period
from duty_desk.models.accounts.session import SYSTEM, acting_as

CYCLE = ("draft", "self_assessed", "reviewed", "approved", "acknowledged")
# The sheets with proposals go round these, so the quarter has proposals left to decide
# (draft, reviewed) beside decided ones (approved, acknowledged).
WITH_PROPOSALS = ("approved", "reviewed", "draft", "acknowledged", "self_assessed")
REJECT_REASONS = ("经核实当班临时调岗", "系统故障，记录缺失", "经主管领导批准离岗")


def _ratings(ctx, sheet_ids: dict[int, int], states: dict[int, str], supervisors: list[int]) -> None:
    """Ratings fitting each sheet's state: self in all but some drafts, supervisor and peers after."""
    items: dict[int, list[tuple[int, float]]] = {}
    for sid, item_id, max_points in (SheetItem.select(SheetItem.sheet, SheetItem.id, SheetItem.max_points)
                                     .where(SheetItem.sheet.in_(list(sheet_ids))).tuples()):
        items.setdefault(sid, []).append((item_id, max_points))
    people = [p["id"] for p in ctx.staff]
    # peers are colleagues of the same department, as models.appraisal.access lets them rate
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
    decided = []  # every fourth decision of the quarter is a rejection, and at least one of them
    for sid, person_id in sheet_ids.items():
        state = states[sid]
        supervisor = supervisors[sid % len(supervisors)] if supervisors else None
        proposals = list(Adjustment.select(Adjustment.id).where(Adjustment.sheet == sid)
                         .order_by(Adjustment.id).tuples())
        for n, (adj_id,) in enumerate(proposals):
            if state in ("draft", "self_assessed") or (state == "reviewed" and n == 0):
                continue  # left for the supervisor to decide
            rejected = len(decided) % 4 == 3
            decided.append(adj_id)
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
    if 1 < len(decided) < 4:  # too few for a fourth: the last one decided is the rejection
        Adjustment.update(status="rejected", reason=ctx.rng.choice(REJECT_REASONS)).where(
            Adjustment.id == decided[-1]).execute()
    scores = {sid: t.score for sid, (t, _c) in totals("s.period_id = ?", (period_id,)).items()
              if t.complete and t.criteria_total}
    for event in events:  # an approval keeps the score approved (see models.appraisal.tables.SheetEvent)
        if event["action"] == "approved" and event["sheet"] in scores:
            event["reason"] = f"{scores[event['sheet']]:g}"
    for chunk in range(0, len(events), 800):
        SheetEvent.insert_many(events[chunk:chunk + 800]).execute()


def _quarter(ctx, key: str, states_for, supervisors: list[int]) -> None:
    period_id, _added = open_period(key, scope="all")
    sheet_ids = dict(Scoresheet.select(Scoresheet.id, Scoresheet.person)
                     .where(Scoresheet.period == period_id).order_by(Scoresheet.id).tuples())
    proposed = {sid for (sid,) in Adjustment.select(Adjustment.sheet).where(Adjustment.sheet.in_(list(sheet_ids)))
                .distinct().tuples()}
    # Sheets with proposals and the others each take their turn through the states.
    turns = {True: 0, False: 0}
    states = {}
    for sid in sheet_ids:
        has = sid in proposed
        states[sid] = states_for(turns[has], has)
        turns[has] += 1
    _ratings(ctx, sheet_ids, states, supervisors)
    ends = parse(key).ends
    _workflow(ctx, period_id, sheet_ids, states, supervisors, ends)


@writes
def _build(ctx) -> None:
    with acting_as(SYSTEM):
        last = last_completed("quarter", ctx.today)
        before = previous(last)
        current = containing("quarter", ctx.today)
        supervisors = [p["id"] for p in ctx.staff if p["role"] in ("supervisor", "admin")]
        _quarter(ctx, before.key, lambda n, has: "acknowledged", supervisors)
        # every state, the first five sheets of each kind one of each, so even a small demo shows them all
        _quarter(ctx, last.key, lambda n, has: (WITH_PROPOSALS if has else CYCLE)[n % len(CYCLE)], supervisors)
        _quarter(ctx, current.key, lambda n, has: "draft", supervisors)
    ctx.notes.append(f"scoresheets for {before.key}, {last.key} and {current.key}")


def build(ctx) -> None:
    _build(ctx)
