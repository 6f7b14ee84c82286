"""Follow-ups (督办): an action opened from a log entry, with an owner and a deadline.

002 (line 16): 決議事項需標注責任人及完成時限,並在24小時內分配任務 — a decision names its owner
and a deadline, and is assigned within 24 hours. The 24 hours are the time to *assign*, not
the deadline: the deadline is whatever the assigner sets, and may be left open. A decision
(a meeting/decision entry) with no follow-up 24 hours after it was taken is flagged
(``unassigned_decisions``). Open follow-ups carry over from shift to shift until closed,
and closing one needs a note; the close is written into the logbook too. A follow-up past
the deadline its assigner set is a fact for appraisal (``overdue_followup``), counted
against its owner; one without a deadline is never overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.accounts.credentials import get_setting
from duty_desk.models.appraisal import facts
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.logbook.entries import _append, _author, now
from duty_desk.models.logbook.forms import parse_deadline
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.organisation.org import Person
from duty_desk.models.logbook.quick_entry import clean
from duty_desk.models.accounts.session import require

# 002 line 16: "在24小時內分配任務". The document's figure, not a local choice.
ASSIGN_WITHIN = dt.timedelta(hours=24)
# Entries that are decisions: the log's meeting/decision category (会议/决定).
DECISION_CATEGORIES = ("meeting",)
# What the handover report and the log screen say (one wording for both).
UNASSIGNED_TITLE = N_("Decisions without an owner after 24 hours")
UNASSIGNED_NOTICE = N_("Decisions without an owner after 24 hours: {entries}")
NO_OWNER_FOR = N_("no owner for {hours} h")
NO_DEADLINE = N_("no deadline set")


class FollowUp(BaseModel):
    entry = pw.ForeignKeyField(LogEntry, backref="followups")
    entry_id: ClassVar[Key[int]]
    owner = pw.ForeignKeyField(Person, backref="followups_owned")
    owner_id: ClassVar[Key[int]]
    opened_by = pw.ForeignKeyField(Person, index=False, backref="+")
    opened_by_id: ClassVar[Key[int]]
    opened_at = pw.DateTimeField()
    due_at = pw.DateTimeField(null=True)  # the assigner's deadline; none set: never overdue (0013)
    what = pw.TextField(default="")
    closed_at = pw.DateTimeField(null=True)
    closed_by = pw.ForeignKeyField(Person, null=True, index=False, backref="+")
    closed_by_id: ClassVar[Key[int | None]]
    close_note = pw.TextField(default="")

    class Meta:
        table_name = "follow_up"
        indexes = ((("closed_at", "due_at"), False),)


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    entry_id: int
    entry_seq: int
    entry_text: str
    owner_id: int
    owner: str
    opened_at: dt.datetime
    due_at: dt.datetime | None  # None: the assigner set no deadline
    what: str
    closed_at: dt.datetime | None
    close_note: str

    def overdue(self, at: dt.datetime) -> bool:
        return self.closed_at is None and self.due_at is not None and self.due_at < at

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _person_id(owner: int | str) -> int:
    if isinstance(owner, int):
        person = Person.get_or_none(Person.id == owner)
    else:
        name = owner.strip()
        person = Person.get_or_none((Person.name == name) & (Person.active == True)) if name else None  # noqa: E712
        if person is None and name:
            matches = list(Person.select().where(Person.name.contains(name), Person.active == True)  # noqa: E712
                           .limit(2))
            person = matches[0] if len(matches) == 1 else None
    if person is None:
        raise ValidationError(N_("No one on the staff is called “{name}”."), field="owner", name=str(owner))
    return person.id


@writes
def open_followup(entry_id: int, owner: int | str, due_at: dt.datetime | None = None, what: str = "") -> int:
    """Open a follow-up on an entry for *owner* (a person id or name); *due_at* is the deadline
    the assigner sets, if any (none: it stays open without ever being overdue)."""
    actor = require("log.followup")
    opener = _author(actor)
    entry = LogEntry.get_or_none(LogEntry.id == entry_id)
    if entry is None:
        raise DutyError(N_("There is no log entry {id}."), id=entry_id)
    owner_id = _person_id(owner)
    opened = now()
    due = due_at.replace(second=0, microsecond=0) if due_at is not None else None
    if due is not None and due <= opened:
        raise ValidationError(N_("The deadline must be in the future."), field="due")
    return FollowUp.insert(entry=entry_id, owner=owner_id, opened_by=opener, opened_at=stamp(opened),
                           due_at=stamp(due) if due is not None else None,
                           what=clean(what).strip() or entry.text[:200]).execute()


def deadline(text: str, at: dt.datetime | None = None) -> dt.datetime | None:
    """The deadline typed in a follow-up form ("+3d", "14:00", "11-21 14:00"); empty: none."""
    if not text.strip():
        return None
    return parse_deadline(text, at or now())


@writes
def close_followup(followup_id: int, note: str) -> int:
    """Close a follow-up with a note saying how it ended; the close goes into the log. Its entry id."""
    actor = require("log.followup")
    author = _author(actor)
    note = " ".join(clean(note).split())
    if not note:
        raise ValidationError(N_("Say how it was settled: closing a follow-up needs a note."), field="note")
    item = FollowUp.get_or_none(FollowUp.id == followup_id)
    if item is None:
        raise DutyError(N_("There is no follow-up {id}."), id=followup_id)
    if item.closed_at is not None:
        raise DutyError(N_("Follow-up {id} is closed already."), id=followup_id)
    moment = now()
    FollowUp.update(closed_at=stamp(moment), closed_by=author, close_note=note).where(
        FollowUp.id == followup_id).execute()
    entry = item.entry
    return _append(author, "other", f"[#{entry.seq} ✓] {note}", moment, "normal", entry.post,
                   created=moment)


def _rows(query: pw.ModelSelect[FollowUp]) -> list[FollowUpRow]:
    rows = (query.select(FollowUp, LogEntry.seq, LogEntry.text, Person.name)
             .join(LogEntry, on=(FollowUp.entry == LogEntry.id))
             .switch(FollowUp).join(Person, on=(FollowUp.owner == Person.id))
             .order_by(FollowUp.due_at.is_null(), FollowUp.due_at, FollowUp.id))  # no deadline: last
    out = []
    for f in rows.objects():  # each a row of the join: the follow-up's fields and the entry's, the owner's
        out.append(FollowUpRow(f.id, f.entry_id, f.seq, f.text, f.owner_id, f.name, f.opened_at, f.due_at,
                               f.what, f.closed_at, f.close_note))
    return out


def open_followups(at: dt.datetime | None = None) -> list[FollowUpRow]:
    """Follow-ups open at *at* (default now), soonest deadline first: they carry over."""
    at = at or now()
    return _rows(FollowUp.select().where(FollowUp.opened_at <= at,
                                         FollowUp.closed_at.is_null() | (FollowUp.closed_at > at)))


def for_entry(entry_id: int) -> list[FollowUpRow]:
    return _rows(FollowUp.select().where(FollowUp.entry == entry_id))


def overdue(at: dt.datetime | None = None) -> list[FollowUpRow]:
    at = at or now()
    return [f for f in open_followups(at) if f.overdue(at)]


@writes
def record_overdue(at: dt.datetime | None = None) -> int:
    """Record an ``overdue_followup`` fact for every open follow-up past the deadline its assigner
    set; how many."""
    require("log.write")
    count = 0
    for f in overdue(at):
        if f.due_at is None:  # overdue() lists only follow-ups with a deadline
            continue
        facts.record(f.owner_id, "overdue_followup", f.due_at, "followup", f.id,
                     f"#{f.entry_seq} {f.what}"[:200])
        count += 1
    return count


@dataclass(frozen=True)
class UnassignedDecision:
    entry_id: int
    seq: int
    at: dt.datetime  # when it was decided (the entry's time)
    author: str
    post: str
    text: str
    waiting: dt.timedelta  # since it was decided, with no owner

    @property
    def hours(self) -> int:
        return int(self.waiting.total_seconds() // 3600)


def unassigned_decisions(at: dt.datetime | None = None, since: dt.datetime | None = None) -> list[UnassignedDecision]:
    """Decisions taken ``ASSIGN_WITHIN`` (24 h, 002) or more before *at* (default now) that nobody
    was assigned by then, oldest first; only those taken after *since* (default: the local
    choice ``decision_flag_days`` before *at*), so a years-old log does not flag its history.

    A decision is a meeting/decision entry; a correction of it is the same decision (a
    follow-up on either assigns it, and a correction into another category means it was no
    decision). Any follow-up counts, open or closed, with or without a deadline.
    """
    at = (at or now()).replace(microsecond=0)
    since = since if since is not None else at - dt.timedelta(days=get_setting("decision_flag_days"))
    keys = ",".join("?" * len(DECISION_CATEGORIES))
    rows = db.execute_sql(
        "SELECT e.id, e.seq, e.at, p.name, e.post, e.text FROM log_entry e "
        "JOIN log_category c ON c.id = e.category_id JOIN person p ON p.id = e.author_id "
        f"WHERE c.key IN ({keys}) AND e.amends_id IS NULL AND e.at > ? AND e.at <= ? AND e.created <= ? "
        "AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.entry_id = e.id AND f.opened_at <= ?) "
        "ORDER BY e.at, e.seq",
        (*DECISION_CATEGORIES, stamp(since), stamp(at - ASSIGN_WITHIN), stamp(at), stamp(at))).fetchall()
    if not rows:
        return []
    root = {r[0]: r[0] for r in rows}  # entry → the decision it corrects (itself for the original)
    latest: dict[int, tuple[int, str]] = {}  # decision → (seq, category) of its newest correction
    assigned: set[int] = set()
    frontier = list(root)
    while frontier:
        found = []
        for start in range(0, len(frontier), 500):
            chunk = frontier[start:start + 500]
            found += db.execute_sql(
                "SELECT a.id, a.amends_id, a.seq, c.key, EXISTS (SELECT 1 FROM follow_up f WHERE "
                "f.entry_id = a.id AND f.opened_at <= ?) FROM log_entry a JOIN log_category c ON c.id = a.category_id "
                f"WHERE a.amends_id IN ({','.join('?' * len(chunk))}) AND a.created <= ?",
                (stamp(at), *chunk, stamp(at))).fetchall()
        frontier = []
        for entry_id, amends, seq, key, has_followup in found:
            decision = root[entry_id] = root[amends]
            if has_followup:
                assigned.add(decision)
            if seq > latest.get(decision, (0, ""))[0]:
                latest[decision] = (seq, key)
            frontier.append(entry_id)
    out = []
    for entry_id, seq, when, author, post, text in rows:
        if entry_id in assigned or (entry_id in latest and latest[entry_id][1] not in DECISION_CATEGORIES):
            continue
        when = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(when)
        out.append(UnassignedDecision(entry_id, seq, when, author, post, text, at - when))
    return out
