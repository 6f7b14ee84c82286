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
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.appraisal.facts import DETECTOR_CODES
from duty_desk.models.organisation.org import Position, Rule
from duty_desk.models.appraisal.scoresheets import _sheet, _touch, ensure_unlocked
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

RULE_KINDS = ("deduction", "bonus")

# CROSS JOIN fixes the join order: each sheet's facts are read once through the
# (person_id, occurred_at) index and each is matched to its rule by one probe. Left to
# itself the planner tried every rule of the position per fact (2.5x slower at 200,000).
# A fact that names its rule (models.appraisal.rules) is that rule's, with its own grade, count and
# sign; a detector's fact goes to the rule of the person's position that counts its code.
# A sheet whose scheme feeds a longer period's (the duty office's monthly self-appraisal)
# takes no deductions: the sheet it feeds does.
_PROPOSE_SQL = """
WITH pick AS MATERIALIZED (  -- the rule of each position that counts a detector's code
    SELECT position_id, code, min(seq) AS seq FROM rule
    WHERE code IS NOT NULL AND retired IS NULL  -- a retired rule stays on old sheets, proposes nothing
    GROUP BY position_id, code)
INSERT OR IGNORE INTO adjustment
    (sheet_id, rule_id, kind, code, fact, points, count, cap, fine, fact_id, source, ref_id,
     occurred_at, status, reason, note, created)
SELECT s.id, r.id, coalesce(f.kind, r.kind), r.code, r.fact, coalesce(f.points, r.points), coalesce(f.count, 1),
       r.cap, r.fine, f.id, f.source, f.ref_id, f.occurred_at, 'proposed', '', f.detail, ?
FROM scoresheet s
CROSS JOIN appraisal_period p ON p.id = s.period_id
CROSS JOIN duty_fact f ON f.person_id = s.person_id
                      AND f.occurred_at >= p.starts AND f.occurred_at < p.ends
{join}
WHERE s.state NOT IN ('approved', 'acknowledged') AND r.retired IS NULL AND {where}
  AND NOT EXISTS (SELECT 1 FROM scheme sc WHERE sc.id = s.scheme_id AND sc.feeds IS NOT NULL)
"""
_BY_CODE = """CROSS JOIN pick ON pick.position_id = s.position_id AND pick.code = f.code AND f.rule_id IS NULL
CROSS JOIN rule r ON r.position_id = pick.position_id AND r.seq = pick.seq"""
_BY_RULE = "CROSS JOIN rule r ON r.id = f.rule_id"


def _propose(where: str, params: tuple) -> int:
    added = 0
    for join in (_BY_CODE, _BY_RULE):
        cursor = db.execute_sql(_PROPOSE_SQL.format(join=join, where=where), (clock.now(), *params))
        added += cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0
    return added


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


def propose_for_person(person_id: int) -> int:
    """Propose the person's new facts on their open sheets at once (within the caller's write)."""
    return _propose("s.person_id = ?", (person_id,))


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


def _decide(adj: Adjustment, actor, status: str, reason: str) -> None:
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

