"""Follow-ups (督办): an action opened from a log entry, with an owner and a deadline.

A decision gets its owner and deadline at once, by default within 24 hours (002). Open
follow-ups carry over from shift to shift until closed, and closing one needs a note; the
close is written into the logbook too. A follow-up past its deadline is a fact for
appraisal (``overdue_followup``), counted against its owner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from . import facts
from .base import BaseModel
from .db import writes
from .errors import N_, DutyError, ValidationError
from .log_chain import stamp
from .log_entries import _append, _author, now
from .logbook import LogEntry
from .org import Person
from .quick_entry import clean
from .session import require

DEFAULT_DEADLINE = dt.timedelta(hours=24)


class FollowUp(BaseModel):
    entry = pw.ForeignKeyField(LogEntry, backref="followups")
    owner = pw.ForeignKeyField(Person, backref="followups_owned")
    opened_by = pw.ForeignKeyField(Person, index=False, backref="+")
    opened_at = pw.DateTimeField()
    due_at = pw.DateTimeField()
    what = pw.TextField(default="")
    closed_at = pw.DateTimeField(null=True)
    closed_by = pw.ForeignKeyField(Person, null=True, index=False, backref="+")
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
    due_at: dt.datetime
    what: str
    closed_at: dt.datetime | None
    close_note: str

    def overdue(self, at: dt.datetime) -> bool:
        return self.closed_at is None and self.due_at < at

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
    """Open a follow-up on an entry for *owner* (a person id or name), due in 24 hours by default."""
    actor = require("log.followup")
    opener = _author(actor)
    entry = LogEntry.get_or_none(LogEntry.id == entry_id)
    if entry is None:
        raise DutyError(N_("There is no log entry {id}."), id=entry_id)
    owner_id = _person_id(owner)
    opened = now()
    due = (due_at or opened + DEFAULT_DEADLINE).replace(second=0, microsecond=0)
    if due <= opened:
        raise ValidationError(N_("The deadline must be in the future."), field="due")
    return FollowUp.insert(entry=entry_id, owner=owner_id, opened_by=opener, opened_at=stamp(opened),
                           due_at=stamp(due), what=clean(what).strip() or entry.text[:200]).execute()


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


def _rows(query) -> list[FollowUpRow]:
    query = (query.select(FollowUp, LogEntry.seq, LogEntry.text, Person.name)
             .join(LogEntry, on=(FollowUp.entry == LogEntry.id))
             .switch(FollowUp).join(Person, on=(FollowUp.owner == Person.id))
             .order_by(FollowUp.due_at, FollowUp.id))
    out = []
    for f in query.objects():
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
    return [f for f in open_followups(at) if f.due_at < at]


@writes
def record_overdue(at: dt.datetime | None = None) -> int:
    """Record an ``overdue_followup`` fact for every open follow-up past its deadline; how many."""
    require("log.write")
    count = 0
    for f in overdue(at):
        facts.record(f.owner_id, "overdue_followup", f.due_at, "followup", f.id,
                     f"#{f.entry_seq} {f.what}"[:200])
        count += 1
    return count


