"""Deductions and bonuses on a sheet: proposed from duty facts, decided by a supervisor.

A duty fact (``models.appraisal.facts``) of a code that one of the person's position rules counts
becomes a *proposed* deduction on that person's open sheet, keeping the fact's ``source``
and ``ref_id`` as its evidence. Proposing is one ``INSERT … SELECT`` that ignores facts
already proposed, so it is safe to run again whenever new facts arrive. Only confirmed
adjustments count in the score.
"""

from __future__ import annotations


import datetime as dt

from duty_desk.models.logbook import followups
from duty_desk.models.logbook import patrols
from duty_desk.models.appraisal import rules
from duty_desk.models.appraisal.tables import Adjustment, AppraisalPeriod
from duty_desk.models.accounts.audit import bulk
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.appraisal.facts import DETECTOR_CODES
from duty_desk.models.organisation.org import Position, Rule
from duty_desk.models.appraisal.tables import ensure_unlocked, get_sheet as _sheet, touch_sheet as _touch
from duty_desk.models.appraisal.proposals import propose as _propose, propose_for_person as propose_for_person
from duty_desk.models.accounts.session import Actor, require
from duty_desk.models import clock

RULE_KINDS = ("deduction", "bonus")

def _detect(starts: dt.date, ends: dt.date, person_id: int | None = None) -> None:
    """Run the detectors over a period (up to now), so its facts are all there to propose."""
    start = dt.datetime.combine(starts, dt.time())
    end = min(dt.datetime.combine(ends, dt.time()), clock.now())
    if end <= start:
        return
    rules.detect(start, end, person_id)
    if person_id is None:
        patrols.detect_missed(start, end)
        followups.record_overdue(end)


@writes
def propose_for_period(period_id: int) -> int:
    """Propose a deduction for every counted fact in the period not yet proposed; return how many.

    A bulk change of the audit trail: one summary event with the count, not one per proposal
    (the facts behind them are in the trail already, and every decision is recorded)."""
    require("scores.confirm")
    period = AppraisalPeriod.get_by_id(period_id)
    _detect(period.starts, period.ends)
    with bulk("adjustment", what="propose from duty facts", period=period_id) as summary:
        summary["proposals"] = added = _propose("s.period_id = ?", (period_id,))
    return added


@writes
def propose_for_sheet(sheet_id: int) -> int:
    require("scores.confirm")
    sheet = _sheet(sheet_id)
    _detect(sheet.period.starts, sheet.period.ends, sheet.person_id)
    return _propose("s.id = ?", (sheet_id,))


def _adjustment(adjustment_id: int) -> Adjustment:
    adj = Adjustment.get_or_none(Adjustment.id == adjustment_id)
    if adj is None:
        raise DutyError(N_("That deduction no longer exists."))
    return adj


@writes
def confirm(adjustment_id: int, reason: str = "") -> None:
    """Count a proposed deduction (or bonus) in the score."""
    actor = require("scores.confirm")
    adj = _adjustment(adjustment_id)
    ensure_unlocked(_sheet(adj.sheet_id))
    _decide(adj, actor, "confirmed", reason)


@writes
def reject(adjustment_id: int, reason: str) -> None:
    """Set a proposal aside with a reason (the fact stays, the points do not count)."""
    actor = require("scores.confirm")
    adj = _adjustment(adjustment_id)
    ensure_unlocked(_sheet(adj.sheet_id))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(N_("Say why the deduction is rejected."), field="reason")
    _decide(adj, actor, "rejected", reason)


def _decide(adj: Adjustment, actor: Actor, status: str, reason: str) -> None:
    if actor.id is not None and _sheet(adj.sheet_id).person_id == actor.id:
        raise DutyError(N_("Nobody decides the deductions on their own scoresheet."))
    (Adjustment.update(status=status, reason=(reason or "").strip(), decided_by=actor.id,
                       decided_at=clock.now()).where(Adjustment.id == adj.id).execute())
    _touch(adj.sheet_id)


@writes
def add_manual(sheet_id: int, rule_id: int, count: float, note: str = "") -> int:
    """Add a deduction or bonus by hand: a rule of the person's position and a count."""
    actor = require("scores.confirm")
    sheet = _sheet(sheet_id)
    ensure_unlocked(sheet)
    if actor.id is not None and sheet.person_id == actor.id:
        raise DutyError(N_("Nobody decides the deductions on their own scoresheet."))
    rule = Rule.get_or_none(Rule.id == rule_id)
    if rule is None or rule.position_id != sheet.position_id or rule.retired is not None:
        raise ValidationError(N_("Choose one of the rules of this person's position."), field="rule")
    if count is None or count != count or not 0 < count <= 1000:
        raise ValidationError(N_("The count must be above 0 and at most 1000."), field="count")
    now = clock.now()
    adj = Adjustment.create(sheet=sheet.id, rule=rule.id, kind=rule.kind, code=rule.code, fact=rule.fact,
                            points=rule.points, count=count, cap=rule.cap, source="manual",
                            occurred_at=now, status="confirmed", note=(note or "").strip(),
                            created_by=actor.id, decided_by=actor.id, decided_at=now, created=now)
    _touch(sheet.id)
    return adj.id


@writes
def add_rule(position_id: int, fact: str, kind: str, points: float, unit: str = "次",
             cap: float | None = None, code: str | None = None) -> int:
    """An administrator adds a point rule to a position (the duty office's documents give none)."""
    require("org.edit")
    if Position.get_or_none(Position.id == position_id) is None:
        raise DutyError(N_("That position no longer exists."))
    fact = (fact or "").strip()
    if not fact:
        raise ValidationError(N_("Describe the fact the rule counts."), field="fact")
    if kind not in RULE_KINDS:
        raise ValidationError(N_("A rule is a deduction or a bonus."), field="kind")
    if points is None or points <= 0 or points > 100:
        raise ValidationError(N_("Points per fact must be above 0 and at most 100."), field="points")
    if cap is not None and cap <= 0:
        raise ValidationError(N_("A cap cannot be below 0."), field="cap")
    if code is not None and code not in DETECTOR_CODES:
        raise ValidationError(N_("{code} is not a duty fact the program counts."), field="code", code=code)
    seq = (Rule.select(Rule.seq).where(Rule.position == position_id, Rule.retired.is_null())
           .order_by(Rule.seq.desc()).scalar() or 0) + 1
    return Rule.create(position=position_id, seq=seq, fact=fact, kind=kind, points=points, unit=unit or "次",
                       cap=cap, code=code).id

