"""Opening a period, rating a sheet and moving it through its workflow.

draft → self_assessed (the person) → reviewed (a supervisor) → approved (locked) →
acknowledged (the person). Reopening an approved sheet takes a reason and goes back to
reviewed. Every step is a ``SheetEvent``; every change to a locked sheet is refused.

A sheet is scored only by the raters its scheme names (``raters``, copied when it opens):
a self-appraisal (``002``'s 月度自評) is handed in by the person and approved by a
supervisor without supervisor points; a supervisor's appraisal (季度上級評估) has no self step.
"""

from __future__ import annotations


from duty_desk.models.appraisal.tables import (LOCKED, STATE_NAMES, AppraisalPeriod, Rating, Scoresheet, SheetEvent,
                        SheetItem, encode_bands, ensure_unlocked as ensure_unlocked)
from duty_desk.models.appraisal.tables import get_sheet as _sheet, touch_sheet as _touch
from duty_desk.models.appraisal.deductions import propose_for_period
from duty_desk.models.accounts.audit import bulk
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import Band, Position, PositionScheme, Scheme
from duty_desk.models.periods import parse
from duty_desk.models.organisation.positions import DEFAULT_SCHEME
from duty_desk.models.appraisal.scoring import check_points, check_weights, parse_raters, rater_weights
from duty_desk.models.appraisal.access import NOT_YOURS, is_peer, sees_all
from duty_desk.models.accounts.session import Actor, PermissionDenied, require
from duty_desk.models import clock

SCOPES = ("matching", "all")  # people whose own period is the period's kind, or everyone


def _event(sheet: Scoresheet, actor: Actor, action: str, to_state: str, reason: str = "") -> None:
    SheetEvent.create(sheet=sheet, actor_id=actor.id, action=action, from_state=sheet.state,
                      to_state=to_state, reason=reason, at=clock.now())
    sheet.state = to_state
    sheet.updated = clock.now()
    sheet.save(only=[Scoresheet.state, Scoresheet.updated])


# ---- opening a period -------------------------------------------------------------------

# One statement each for the sheets and their items: the database copies the scheme's
# range and criteria itself (row-by-row inserts from Python took seconds at 1,000 people).
# Which scheme each position's people get on this kind of period, and the raters, weights
# and bands each scheme gives a sheet, are worked out in Python first (a few dozen rows)
# and handed to the statement as two small tables.
_OPEN_SHEETS_SQL = """
WITH cut (scheme_id, bands, raters, ws, wv, wp) AS (VALUES {cuts}),
     pick (position_id, scheme_id) AS (VALUES {picks})
INSERT INTO scoresheet (period_id, person_id, position_id, scheme_id, state, raters, weight_self,
                        weight_supervisor, weight_peer, min_score, max_score, bands, created, updated)
SELECT ?, p.id, p.position_id, sc.id, 'draft', cut.raters, cut.ws, cut.wv, cut.wp,
       sc.min_score, sc.max_score, cut.bands, ?, ?
FROM person p
JOIN pick ON pick.position_id = coalesce(p.position_id, 0)
JOIN scheme sc ON sc.id = pick.scheme_id
JOIN cut ON cut.scheme_id = sc.id
WHERE p.active
  AND NOT EXISTS (SELECT 1 FROM scoresheet x WHERE x.period_id = ? AND x.person_id = p.id)
ORDER BY p.id
"""

_OPEN_ITEMS_SQL = """
INSERT INTO sheet_item (sheet_id, seq, group_zh, group_en, name_zh, name_en, max_points, measure)
SELECT s.id, c.seq, c.group_zh, c.group_en, c.name_zh, c.name_en, c.max_points, c.measure
FROM scoresheet s JOIN criterion c ON c.scheme_id = s.scheme_id
WHERE s.period_id = ? AND NOT EXISTS (SELECT 1 FROM sheet_item i WHERE i.sheet_id = s.id)
ORDER BY s.id, c.seq
"""


def period_schemes(kind: str, scope: str = "matching") -> dict[int, int]:
    """Position id (0: people without one) → the scheme its people are appraised by on a
    period of *kind*; a position missing from the answer gets no sheet.

    A position with several schemes (``position_scheme``, with ``position.scheme``) has its own
    cycle: on each kind of period the scheme of that period, and no sheet on a kind none of
    them has (with scope "all": its first scheme). A position with one scheme, or none,
    keeps the rule from before: its scheme (else the default 10-item sheet) on the periods of
    its own ``period`` (else the scheme's).
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    default = Scheme.get_or_none(Scheme.key == DEFAULT_SCHEME)
    periods = dict(Scheme.select(Scheme.id, Scheme.period).tuples())
    links: dict[int, list[int]] = {}
    for position_id, scheme_id in (PositionScheme.select(PositionScheme.position, PositionScheme.scheme)
                                   .order_by(PositionScheme.id).tuples()):
        links.setdefault(position_id, []).append(scheme_id)
    picks: dict[int, int] = {}
    for position_id, scheme_id, period in Position.select(Position.id, Position.scheme, Position.period).tuples():
        own = list(dict.fromkeys(([scheme_id] if scheme_id else []) + links.get(position_id, [])))
        if len(own) > 1:  # its own cycle: each scheme on its period
            match = next((s for s in own if periods.get(s) == kind), None)
            if match is None and scope == "all":
                match = own[0]
            if match is not None:
                picks[position_id] = match
            continue
        scheme = own[0] if own else (default.id if default else None)
        if scheme is not None and (scope == "all" or (period or periods.get(scheme)) == kind):
            picks[position_id] = scheme
    if default is not None and (scope == "all" or default.period == kind):
        picks[0] = default.id  # people without a position
    return picks


def _cuts(scheme_ids) -> list[tuple]:
    """(scheme id, bands, raters, self, supervisor and peer weights) as a sheet of each scheme
    copies them: weights only for the scheme's raters, together 100 %."""
    bands: dict[int, list[tuple[str, str, float]]] = {sid: [] for sid in scheme_ids}
    for b in Band.select().where(Band.scheme.in_(list(bands))).order_by(Band.min_score.desc()):
        bands[b.scheme_id].append((b.name_zh, b.name_en, b.min_score))
    cuts = []
    for sc in Scheme.select().where(Scheme.id.in_(list(bands))):
        raters = parse_raters(sc.raters)
        weights = rater_weights(raters, {"self": sc.weight_self, "supervisor": sc.weight_supervisor,
                                         "peer": sc.weight_peer})
        cuts.append((sc.id, encode_bands(bands[sc.id]), ",".join(raters),
                     weights["self"], weights["supervisor"], weights["peer"]))
    return cuts


@writes
def open_period(key: str, scope: str = "matching") -> tuple[int, int]:
    """Open the period *key* (or add the sheets it lacks); return (period id, sheets added).

    Each active person gets a sheet of the scheme their position is appraised by on this
    kind of period (``period_schemes``): a duty officer's month opens a self-appraisal, the
    quarter a supervisor's appraisal. With ``scope="all"`` everyone gets one. A sheet copies
    its scheme's raters and their weights (0 for a side that does not rate). The sheets, their
    items and the proposals from duty facts are written as one bulk change of the audit trail
    (one summary event, not a row per proposal); every later decision is recorded row by row.
    """
    actor = require("scores.period")
    span = parse(key)
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    tables = ("scoresheet", "appraisal_period", "sheet_item", "adjustment")
    with bulk(tables, what="open period", period=span.key, scope=scope) as summary:
        period, _created = AppraisalPeriod.get_or_create(
            key=span.key, defaults={"kind": span.kind, "starts": span.starts, "ends": span.ends,
                                    "opened_by": actor.id, "opened_at": clock.now()})
        picks = period_schemes(span.kind, scope)
        added = 0
        if picks:
            cuts = _cuts(set(picks.values()))
            now = clock.now()
            sql = _OPEN_SHEETS_SQL.format(cuts=", ".join("(?, ?, ?, ?, ?, ?)" for _ in cuts),
                                          picks=", ".join("(?, ?)" for _ in picks))
            params = [x for cut in cuts for x in cut] + [x for pair in picks.items() for x in pair]
            cursor = db.execute_sql(sql, (*params, period.id, now, now, period.id))
            added = max(cursor.rowcount or 0, 0)
        items = db.execute_sql(_OPEN_ITEMS_SQL, (period.id,)).rowcount if added else 0
        proposals = propose_for_period(period.id)
        summary.update(sheets=added, items=max(items or 0, 0), proposals=proposals)
    return period.id, added


def sheet_raters(sheet_id: int) -> tuple[str, ...]:
    """The sides that score *sheet_id* ("self", "supervisor", "peer"), as copied when it opened."""
    row = db.execute_sql("SELECT raters FROM scoresheet WHERE id = ?", (sheet_id,)).fetchone()
    return parse_raters(row[0] if row else None)


# ---- rating ------------------------------------------------------------------------------

NO_SELF = N_("This sheet has no self-assessment: a supervisor scores it.")
NO_SUPERVISOR = N_("This sheet takes no supervisor points: the person assesses themselves, and a supervisor "
                   "approves it once handed in.")
NO_PEERS = N_("This sheet takes no peer points.")
NOT_A_RATER = {"self": NO_SELF, "supervisor": NO_SUPERVISOR, "peer": NO_PEERS}


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
    if side not in sheet_raters(sheet.id) and (side != "peer" or sees_all(actor) or is_peer(actor, sheet.id)):
        raise DutyError(NOT_A_RATER[side])  # (a stranger to the sheet is told only that it is not theirs)
    if side == "peer" and not sees_all(actor):
        if not is_peer(actor, sheet.id):  # the same colleagues the period table lists to rate
            raise PermissionDenied(NOT_YOURS)
        if sheet.state in LOCKED:  # a peer is not told more of the sheet than that it is closed
            raise DutyError(N_("This colleague's scoresheet is closed: peer scores can no longer change."))
    ensure_unlocked(sheet)
    if side == "self" and sheet.state != "draft":
        raise DutyError(N_("Your self-assessment was handed in; it can no longer change."))
    item = SheetItem.get_or_none(SheetItem.sheet == sheet, SheetItem.seq == seq)
    if item is None:
        raise DutyError(N_("This sheet has no item {seq}."), seq=seq)
    points = check_points(points, item.max_points)
    slot = (actor.id or 0) if side == "peer" else 0
    (Rating.insert(sheet=sheet.id, item=item.id, rater=side, slot=slot, rater_id=actor.id, points=points,
                   comment=(comment or "").strip(), updated=clock.now())
     .on_conflict(conflict_target=[Rating.item, Rating.rater, Rating.slot],
                  update={Rating.points: points, Rating.comment: (comment or "").strip(),
                          Rating.rater_id: actor.id, Rating.updated: clock.now()})
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
    if "self" not in sheet_raters(sheet.id):
        raise DutyError(NO_SELF)
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
    raters = sheet_raters(sheet.id)
    if "supervisor" not in raters:
        raise DutyError(NO_SUPERVISOR)
    if sheet.state == "draft" and "self" in raters:
        raise DutyError(N_("The person has not handed in their self-assessment yet."))
    if sheet.state == "reviewed":
        raise DutyError(N_("This sheet is already reviewed."))
    missing = _missing(sheet, "supervisor")
    if missing:
        raise DutyError(N_("Score every item first: {count} still without supervisor points."), count=missing)
    _event(sheet, actor, "reviewed", "reviewed")


def approvable(state: str, raters: tuple[str, ...]) -> bool:
    """Whether a sheet in *state* may be approved: once reviewed, or a self-appraisal (no
    supervisor points) once the person handed it in."""
    return state == "reviewed" or (state == "self_assessed" and "supervisor" not in raters)


@writes
def approve(sheet_id: int) -> None:
    """Approve and lock the sheet; every proposed deduction must be decided first."""
    actor = require("scores.approve")
    sheet = _sheet(sheet_id)
    if actor.id is not None and actor.id == sheet.person_id:
        raise DutyError(N_("Nobody approves their own scoresheet."))
    ensure_unlocked(sheet)
    if not approvable(sheet.state, sheet_raters(sheet.id)):
        if sheet.state == "draft" and "supervisor" not in sheet_raters(sheet.id):
            raise DutyError(N_("The person has not handed in their self-assessment yet."))
        raise DutyError(N_("Only a reviewed sheet can be approved; this one is {state}."),
                        state=STATE_NAMES[sheet.state])
    from duty_desk.models.appraisal.tables import Adjustment

    open_count = Adjustment.select().where(Adjustment.sheet == sheet, Adjustment.status == "proposed").count()
    if open_count:
        raise DutyError(N_("Confirm or reject the {count} proposed deduction(s) first."), count=open_count)
    from duty_desk.models.appraisal.review import approval_score

    score = approval_score(sheet.id)  # kept with the approval: ``duty check`` sees a later change
    _event(sheet, actor, "approved", "approved", "" if score is None else f"{score:g}")


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
    raters = sheet_raters(sheet.id)
    for side, value in weights.items():
        if side not in raters and value:
            raise ValidationError(N_("Not a rater of this sheet: its weight stays 0."), field=side)
    Scoresheet.update(weight_self=weights["self"], weight_supervisor=weights["supervisor"],
                      weight_peer=weights["peer"], updated=clock.now()).where(Scoresheet.id == sheet.id).execute()
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
                      updated=clock.now()).where(Scoresheet.id == sheet.id).execute()


def sheet_id_for(period_key: str, person_id: int) -> int | None:
    row = (Scoresheet.select(Scoresheet.id).join(AppraisalPeriod)
           .where(AppraisalPeriod.key == parse(period_key).key, Scoresheet.person == person_id).first())
    return row.id if row else None

