"""Who may see which appraisal results. Results are personal; this is where that holds.

- A supervisor or an administrator (``scores.view_all``) sees every sheet.
- Anyone else sees their own sheet in full, and the sheets of colleagues they rate as a
  peer — only the criteria and their own peer points, never the colleague's score, band,
  state, other raters or deductions.
- There is no separate peer assignment: any colleague of the same department rates any
  other, on a sheet whose scheme has peers among its raters and gives them a weight. The department is the one of the
  sheet's position (as the period opened) and of the rater's position now.

Screens, exports and the command line all read through ``score_review``, which asks here,
so hiding something on screen is never what keeps it private.
"""

from __future__ import annotations

from duty_desk.models.storage.db import db
from duty_desk.models.errors import N_
from duty_desk.models.accounts.session import Actor, PermissionDenied, require

FULL, PEER = "full", "peer"

NOT_YOURS = N_("Appraisal results are personal: you may open your own scoresheet, "
               "and a colleague's only to rate them as a peer.")
NOT_EXPORTER = N_("Only a supervisor or an administrator exports appraisal results; "
                  "you may print your own form.")

# A colleague's sheet one may rate as a peer: same department, peers among its raters and
# weighted, not one's own (a duty officer's monthly self-appraisal has no peers to rate it).
_PEER_SQL = """
SELECT s.id FROM scoresheet s
JOIN person p ON p.id = s.person_id
JOIN position pos ON pos.id = coalesce(s.position_id, p.position_id)
WHERE pos.department_id = (SELECT rp.department_id FROM person r JOIN position rp ON rp.id = r.position_id
                           WHERE r.id = ?)
  AND s.person_id != ? AND s.weight_peer > 0 AND instr(',' || s.raters || ',', ',peer,') > 0 AND {where}
"""


def viewer() -> Actor:
    """The signed-in person reading appraisals ("Sign in first." otherwise)."""
    return require("scores.self")


def sees_all(actor: Actor) -> bool:
    return actor.can("scores.view_all")


def peer_sheets(actor: Actor, period_id: int) -> list[int]:
    """Ids of the period's sheets *actor* may rate as a peer."""
    if actor.id is None:
        return []
    return [sid for sid, in db.execute_sql(_PEER_SQL.format(where="s.period_id = ?"),
                                           (actor.id, actor.id, period_id))]


def is_peer(actor: Actor, sheet_id: int) -> bool:
    if actor.id is None:
        return False
    return db.execute_sql(_PEER_SQL.format(where="s.id = ?"), (actor.id, actor.id, sheet_id)).fetchone() is not None


def access_to(sheet_id: int, person_id: int, actor: Actor | None = None) -> str:
    """FULL or PEER: how much of a sheet *actor* sees; a refusal when nothing."""
    actor = actor or viewer()
    if sees_all(actor) or (actor.id is not None and actor.id == person_id):
        return FULL
    if is_peer(actor, sheet_id):
        return PEER
    raise PermissionDenied(NOT_YOURS)


def require_person(person_id: int) -> Actor:
    """The actor, if they may see *person_id*'s results (their own, or everyone's)."""
    actor = viewer()
    if not sees_all(actor) and actor.id != person_id:
        raise PermissionDenied(NOT_YOURS)
    return actor


def require_export(person_id: int | None = None) -> Actor:
    """The actor, if they may export: a period's results (*person_id* None) or one person's form."""
    actor = viewer()
    if actor.can("scores.export") or (person_id is not None and actor.id == person_id):
        return actor
    raise PermissionDenied(NOT_EXPORTER)
