"""Duty facts: countable things from duty life that appraisal rules turn into points.

The roster records late arrivals and no-shows, the duty log missed patrols, late
handovers and overdue follow-ups. Each fact points at its evidence (``source`` and
``ref_id``: the log entry, roster assignment or handover that shows it), and recording the
same evidence twice is a no-op, so detectors can be run again safely.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.organisation.org import Person
from duty_desk.models import clock

FACT_CODES = {  # code → msgid of its name
    "absent_from_post": N_("absent from post"),
    "missed_patrol": N_("missed patrol"),
    "missed_meeting": N_("missed meeting"),
    "late_arrival": N_("late arrival"),
    "early_leave": N_("early leave"),
    "no_show": N_("no-show"),
    "late_handover": N_("late handover"),
    "missing_handover": N_("missing handover"),
    "overdue_followup": N_("overdue follow-up"),
    "missed_stocktake": N_("missed stocktake"),
    "recorded": N_("recorded about the person"),  # by a lead or supervisor, naming the rule
    "shortfall": N_("shortfall"),  # fewer activities than the rule requires (models.appraisal.rules)
    "late": N_("handed in late"),
}

# The codes a detector records and a rule counts by its ``code``; the others name their rule.
RULE_FACTS = ("recorded", "shortfall", "late")
DETECTOR_CODES = tuple(c for c in FACT_CODES if c not in RULE_FACTS)

SOURCES = ("roster", "checkin", "log", "patrol", "handover", "followup", "manual", "shortfall")


class DutyFact(BaseModel):
    person = pw.ForeignKeyField(Person, backref="facts")
    person_id: ClassVar[Key[int]]
    code = pw.CharField()
    occurred_at = pw.DateTimeField()
    source = pw.CharField()
    ref_id = pw.IntegerField(null=True)
    detail = pw.TextField(default="")
    created = pw.DateTimeField(default=clock.now)
    # Set when the fact is evidence for one rule (models.appraisal.rules): the grade chosen, the count
    # (days late, steps of a measured value) and, for a measured value, deduction or bonus.
    rule = pw.IntegerField(null=True, column_name="rule_id")
    points = pw.FloatField(null=True)
    count = pw.FloatField(null=True)
    kind = pw.CharField(null=True)

    class Meta:
        table_name = "duty_fact"
        indexes = (
            (("code", "source", "ref_id", "person"), True),
            (("person", "occurred_at"), False),
        )


@dataclass(frozen=True)
class Fact:
    id: int
    person_id: int
    code: str
    occurred_at: dt.datetime
    source: str
    ref_id: int | None
    detail: str


def _plain(row: DutyFact) -> Fact:
    return Fact(row.id, row.person_id, row.code, row.occurred_at, row.source, row.ref_id, row.detail)


@writes
def record(person_id: int, code: str, occurred_at: dt.datetime, source: str,
           ref_id: int | None = None, detail: str = "", *, rule: int | None = None,
           points: float | None = None, count: float | None = None, kind: str | None = None) -> int:
    """Record a fact once per piece of evidence; return its id (the existing one if known).

    *rule* names the one rule the fact is evidence for, with a chosen grade's *points*, a
    *count* (days late, steps, missing occurrences) and a measured result's *kind*."""
    if code not in FACT_CODES:
        raise ValueError(f"unknown fact code {code!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown fact source {source!r}")
    inserted = (DutyFact.insert(person=person_id, code=code, occurred_at=occurred_at,
                                source=source, ref_id=ref_id, detail=detail, rule=rule, points=points,
                                count=count, kind=kind)
                .on_conflict_ignore().execute())
    if inserted:
        return inserted
    return (DutyFact.select(DutyFact.id)
            .where(DutyFact.code == code, DutyFact.source == source,
                   DutyFact.ref_id == ref_id, DutyFact.person == person_id)
            .scalar())


def record_many(rows: list[tuple[int, str, dt.datetime, str, int | None, str]]) -> None:
    """``record`` for many facts at once: (person, code, occurred_at, source, ref_id, detail);
    each is kept once per piece of evidence, as ``record`` keeps it."""
    for _person, code, _at, source, _ref, _detail in rows:
        if code not in FACT_CODES or source not in SOURCES:
            raise ValueError(f"unknown fact code or source {code!r}/{source!r}")
    created = clock.now()
    db.cursor().executemany(
        "INSERT OR IGNORE INTO duty_fact (person_id, code, occurred_at, source, ref_id, detail, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(person, code, stamp(at), source, ref, detail, stamp(created)) for person, code, at, source, ref, detail
         in rows])


def withdraw(person_id: int, code: str, source: str, ref_id: int) -> bool:
    """Take back a fact that turned out otherwise (an early leave that was an absence), with
    its undecided proposals; one a supervisor decided stays, as the record of that decision."""
    fact = DutyFact.get_or_none(DutyFact.person == person_id, DutyFact.code == code, DutyFact.source == source,
                                DutyFact.ref_id == ref_id)
    if fact is None:
        return False
    # The adjustment table by name: its module imports this one.
    db.execute_sql("DELETE FROM adjustment WHERE fact_id = ? AND status = 'proposed'", (fact.id,))
    if db.execute_sql("SELECT 1 FROM adjustment WHERE fact_id = ? LIMIT 1", (fact.id,)).fetchone():
        return False
    DutyFact.delete().where(DutyFact.id == fact.id).execute()
    return True


def between(start: dt.datetime, end: dt.datetime, person_id: int | None = None) -> list[Fact]:
    """Facts that occurred in ``[start, end)``, oldest first."""
    query = DutyFact.select().where(DutyFact.occurred_at >= start, DutyFact.occurred_at < end)
    if person_id is not None:
        query = query.where(DutyFact.person == person_id)
    return [_plain(r) for r in query.order_by(DutyFact.occurred_at, DutyFact.id)]
