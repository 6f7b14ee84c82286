"""Opening a period, rating a sheet and moving it through its workflow.

draft → self_assessed (the person) → reviewed (a supervisor) → approved (locked) →
acknowledged (the person). Reopening an approved sheet takes a reason and goes back to
reviewed. Every step is a ``SheetEvent``; every change to a locked sheet is refused.
"""

from __future__ import annotations

import datetime as dt

from .appraisal import (LOCKED, STATE_NAMES, AppraisalPeriod, Rating, Scoresheet, SheetEvent,
                        SheetItem, encode_bands)
from .db import writes
from .errors import N_, DutyError, ValidationError
from .org import Band, Criterion, Person, Position, Scheme
from .periods import parse
from .positions import DEFAULT_SCHEME
from .scoring import check_points, check_weights
from .session import Actor, require

SCOPES = ("matching", "all")  # people whose own period is the period's kind, or everyone


def _sheet(sheet_id: int) -> Scoresheet:
    sheet = Scoresheet.get_or_none(Scoresheet.id == sheet_id)
    if sheet is None:
        raise DutyError(N_("That scoresheet no longer exists."))
    return sheet


def ensure_unlocked(sheet: Scoresheet) -> None:
    if sheet.state in LOCKED:
        raise DutyError(N_("This scoresheet is {state} and locked: reopen it first."),
                        state=STATE_NAMES[sheet.state])


def _event(sheet: Scoresheet, actor: Actor, action: str, to_state: str, reason: str = "") -> None:
    SheetEvent.create(sheet=sheet, actor_id=actor.id, action=action, from_state=sheet.state,
                      to_state=to_state, reason=reason, at=dt.datetime.now())
    sheet.state = to_state
    sheet.updated = dt.datetime.now()
    sheet.save(only=[Scoresheet.state, Scoresheet.updated])


def _touch(sheet_id: int) -> None:
    Scoresheet.update(updated=dt.datetime.now()).where(Scoresheet.id == sheet_id).execute()


# ---- opening a period -------------------------------------------------------------------

@writes
def open_period(key: str, scope: str = "matching") -> tuple[int, int]:
    """Open the period *key* (or add the sheets it lacks); return (period id, sheets added).

    Each active person gets a sheet from their position's scheme (the 10-item sheet when the
    position has none). With ``scope="matching"`` only people whose position is appraised
    on this kind of period get one; ``"all"`` takes everyone.
    """
    actor = require("scores.period")
    span = parse(key)
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    period, _created = AppraisalPeriod.get_or_create(
        key=span.key, defaults={"kind": span.kind, "starts": span.starts, "ends": span.ends,
                                "opened_by": actor.id, "opened_at": dt.datetime.now()})
    default = Scheme.get_or_none(Scheme.key == DEFAULT_SCHEME)
    schemes = {s.id: s for s in Scheme.select()}
    criteria: dict[int, list[Criterion]] = {}
    for c in Criterion.select().order_by(Criterion.scheme, Criterion.seq):
        criteria.setdefault(c.scheme_id, []).append(c)
    bands: dict[int, list[tuple[str, str, float]]] = {}
    for b in Band.select().order_by(Band.min_score.desc()):
        bands.setdefault(b.scheme_id, []).append((b.name_zh, b.name_en, b.min_score))
    positions = {p.id: p for p in Position.select()}
    have = {pid for (pid,) in Scoresheet.select(Scoresheet.person).where(Scoresheet.period == period).tuples()}
    now = dt.datetime.now()
    rows = []
    for person in Person.select().where(Person.active == True).order_by(Person.id):  # noqa: E712
        if person.id in have:
            continue
        position = positions.get(person.position_id)
        scheme = schemes.get(position.scheme_id) if position and position.scheme_id else default
        if scheme is None:
            continue
        kind = (position.period if position and position.period else None) or scheme.period
        if scope == "matching" and kind != span.kind:
            continue
        rows.append({"period": period.id, "person": person.id, "position": person.position_id,
                     "scheme": scheme.id, "state": "draft", "weight_self": scheme.weight_self,
                     "weight_supervisor": scheme.weight_supervisor, "weight_peer": scheme.weight_peer,
                     "min_score": scheme.min_score, "max_score": scheme.max_score,
                     "bands": encode_bands(bands.get(scheme.id, [])), "created": now, "updated": now})
    for chunk in range(0, len(rows), 500):
        Scoresheet.insert_many(rows[chunk:chunk + 500]).execute()
    if rows:
        new = (Scoresheet.select(Scoresheet.id, Scoresheet.scheme)
               .where(Scoresheet.period == period, Scoresheet.person.in_([r["person"] for r in rows])))
        items = []
        for sheet_id, scheme_id in new.tuples():
            for c in criteria.get(scheme_id, []):
                items.append({"sheet": sheet_id, "seq": c.seq, "group_zh": c.group_zh, "group_en": c.group_en,
                              "name_zh": c.name_zh, "name_en": c.name_en, "max_points": c.max_points,
                              "measure": c.measure})
        for chunk in range(0, len(items), 800):
            SheetItem.insert_many(items[chunk:chunk + 800]).execute()
    from .deductions import propose_for_period

    propose_for_period(period.id)
    return period.id, len(rows)


# ---- rating ------------------------------------------------------------------------------

def rater_side(sheet: Scoresheet, actor: Actor, as_peer: bool = False) -> str:
    """Which side *actor* rates *sheet* from: their own sheet is self; else supervisor or peer."""
    if actor.id is not None and actor.id == sheet.person_id:
        return "self"
    if not as_peer and actor.can("scores.supervise"):
        return "supervisor"
    return "peer"


@writes
def rate(sheet_id: int, seq: int, points: float, comment: str = "", as_peer: bool = False) -> str:
    """Record the signed-in person's points and comment on item *seq*; return the side rated."""
    actor = require("scores.self")
    sheet = _sheet(sheet_id)
    side = rater_side(sheet, actor, as_peer)
    require({"self": "scores.self", "supervisor": "scores.supervise", "peer": "scores.peer"}[side])
    ensure_unlocked(sheet)
    if side == "self" and sheet.state != "draft":
        raise DutyError(N_("Your self-assessment was handed in; it can no longer change."))
    item = SheetItem.get_or_none(SheetItem.sheet == sheet, SheetItem.seq == seq)
    if item is None:
        raise DutyError(N_("This sheet has no item {seq}."), seq=seq)
    points = check_points(points, item.max_points)
    slot = (actor.id or 0) if side == "peer" else 0
    (Rating.insert(sheet=sheet.id, item=item.id, rater=side, slot=slot, rater_id=actor.id, points=points,
                   comment=(comment or "").strip(), updated=dt.datetime.now())
     .on_conflict(conflict_target=[Rating.item, Rating.rater, Rating.slot],
                  update={Rating.points: points, Rating.comment: (comment or "").strip(),
                          Rating.rater_id: actor.id, Rating.updated: dt.datetime.now()})
     .execute())
    _touch(sheet.id)
    return side


def _missing(sheet: Scoresheet, side: str) -> int:
    items = SheetItem.select().where(SheetItem.sheet == sheet).count()
    rated = Rating.select().where(Rating.sheet == sheet, Rating.rater == side).count()
    return items - rated


# ---- the workflow -------------------------------------------------------------------------

@writes
def submit_self(sheet_id: int) -> None:
    """The person hands in their self-assessment."""
    actor = require("scores.self")
    sheet = _sheet(sheet_id)
    if actor.id != sheet.person_id:
        raise DutyError(N_("Only the person appraised hands in their self-assessment."))
    ensure_unlocked(sheet)
    if sheet.state != "draft":
        raise DutyError(N_("The self-assessment was already handed in."))
    missing = _missing(sheet, "self")
    if missing:
        raise DutyError(N_("Score every item first: {count} still without your points."), count=missing)
    _event(sheet, actor, "self_assessed", "self_assessed")


@writes
def submit_review(sheet_id: int) -> None:
    """A supervisor finishes their review of the sheet."""
    actor = require("scores.supervise")
    sheet = _sheet(sheet_id)
    if actor.id is not None and actor.id == sheet.person_id:
        raise DutyError(N_("Nobody reviews their own scoresheet."))
    ensure_unlocked(sheet)
    if sheet.state == "draft":
        raise DutyError(N_("The person has not handed in their self-assessment yet."))
    if sheet.state == "reviewed":
        raise DutyError(N_("This sheet is already reviewed."))
    missing = _missing(sheet, "supervisor")
    if missing:
        raise DutyError(N_("Score every item first: {count} still without supervisor points."), count=missing)
    _event(sheet, actor, "reviewed", "reviewed")


@writes
def approve(sheet_id: int) -> None:
    """Approve and lock the sheet; every proposed deduction must be decided first."""
    actor = require("scores.approve")
    sheet = _sheet(sheet_id)
    if actor.id is not None and actor.id == sheet.person_id:
        raise DutyError(N_("Nobody approves their own scoresheet."))
    ensure_unlocked(sheet)
    if sheet.state != "reviewed":
        raise DutyError(N_("Only a reviewed sheet can be approved; this one is {state}."),
                        state=STATE_NAMES[sheet.state])
    from .appraisal import Adjustment

    open_count = Adjustment.select().where(Adjustment.sheet == sheet, Adjustment.status == "proposed").count()
    if open_count:
        raise DutyError(N_("Confirm or reject the {count} proposed deduction(s) first."), count=open_count)
    _event(sheet, actor, "approved", "approved")


@writes
def acknowledge(sheet_id: int) -> None:
    """The person has seen their approved result and its reasons."""
    actor = require("scores.self")
    sheet = _sheet(sheet_id)
    if actor.id != sheet.person_id:
        raise DutyError(N_("Only the person appraised acknowledges the result."))
    if sheet.state != "approved":
        raise DutyError(N_("Only an approved sheet can be acknowledged; this one is {state}."),
                        state=STATE_NAMES[sheet.state])
    _event(sheet, actor, "acknowledged", "acknowledged")


@writes
def reopen(sheet_id: int, reason: str) -> None:
    """Unlock an approved sheet for another review; the reason is kept with the sheet."""
    actor = require("scores.reopen")
    sheet = _sheet(sheet_id)
    if sheet.state not in LOCKED:
        raise DutyError(N_("Only an approved sheet is reopened; this one is {state}."),
                        state=STATE_NAMES[sheet.state])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(N_("Say why the sheet is reopened."), field="reason")
    _event(sheet, actor, "reopened", "reviewed", reason)


@writes
def set_weights(sheet_id: int, self_w: float, supervisor_w: float, peer_w: float) -> None:
    """Change how much each rater side counts on one sheet (they must add up to 100 %)."""
    actor = require("scores.supervise")
    sheet = _sheet(sheet_id)
    ensure_unlocked(sheet)
    weights = check_weights(self_w, supervisor_w, peer_w)
    Scoresheet.update(weight_self=weights["self"], weight_supervisor=weights["supervisor"],
                      weight_peer=weights["peer"], updated=dt.datetime.now()).where(Scoresheet.id == sheet.id).execute()
    SheetEvent.create(sheet=sheet, actor_id=actor.id, action="weights", from_state=sheet.state,
                      to_state=sheet.state, reason=f"{weights['self']:g}/{weights['supervisor']:g}/{weights['peer']:g}")


@writes
def set_scheme_weights(scheme_key: str, self_w: float, supervisor_w: float, peer_w: float) -> None:
    """Change a scheme's default weights; sheets opened later take them."""
    require("org.edit")
    weights = check_weights(self_w, supervisor_w, peer_w)
    changed = (Scheme.update(weight_self=weights["self"], weight_supervisor=weights["supervisor"],
                             weight_peer=weights["peer"]).where(Scheme.key == scheme_key).execute())
    if not changed:
        raise DutyError(N_("There is no scheme {key}."), key=scheme_key)


@writes
def set_caps(sheet_id: int, deduction_cap: float | None, bonus_cap: float | None) -> None:
    """Hold a sheet's total deductions (and bonuses) to at most these many points."""
    require("scores.supervise")
    sheet = _sheet(sheet_id)
    ensure_unlocked(sheet)
    for name, value in (("deduction_cap", deduction_cap), ("bonus_cap", bonus_cap)):
        if value is not None and value < 0:
            raise ValidationError(N_("A cap cannot be below 0."), field=name)
    Scoresheet.update(deduction_cap=deduction_cap, bonus_cap=bonus_cap,
                      updated=dt.datetime.now()).where(Scoresheet.id == sheet.id).execute()


def sheet_id_for(period_key: str, person_id: int) -> int | None:
    row = (Scoresheet.select(Scoresheet.id).join(AppraisalPeriod)
           .where(AppraisalPeriod.key == parse(period_key).key, Scoresheet.person == person_id).first())
    return row.id if row else None

