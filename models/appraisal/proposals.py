"""Proposing deductions from duty facts: one ``INSERT … SELECT`` per kind of match.

Its own module because both ends of the appraisal use it at once: ``rules`` proposes when a
lead records about a person, and ``deductions`` proposes when a period or a sheet is
checked (after running the detectors in ``rules``).
"""

from __future__ import annotations

from duty_desk.models import clock
from duty_desk.models.storage.db import db

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


def propose(where: str, params: tuple[object, ...]) -> int:
    """Propose every counted fact of the sheets *where* picks not yet proposed; return how many."""
    added = 0
    for join in (_BY_CODE, _BY_RULE):
        cursor = db.execute_sql(_PROPOSE_SQL.format(join=join, where=where), (clock.now(), *params))
        added += cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0
    return added


def propose_for_person(person_id: int) -> int:
    """Propose the person's new facts on their open sheets at once (within the caller's write)."""
    return propose("s.person_id = ?", (person_id,))
