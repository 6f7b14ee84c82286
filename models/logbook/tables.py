"""The duty log (值班记录): an append-only logbook of time-stamped, signed entries.

No entry is ever changed or removed: a correction is an amendment, a new entry that points
at the original. SQLite triggers refuse UPDATE and DELETE on the logbook tables, and each
entry carries a hash over its content and the previous entry's hash (``models.logbook.chain``),
so an edit made behind the program's back is found by ``duty check``.
"""

from __future__ import annotations

from typing import ClassVar

import peewee as pw

from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.organisation.org import Person

SEVERITIES = ("normal", "important", "emergency")


class LogCategory(BaseModel):
    """A kind of entry (patrol, visitor, fault …), chosen by a short prefix; admins add more."""

    key = pw.CharField(unique=True)
    prefix = pw.CharField(unique=True)
    name_zh = pw.CharField()
    name_en = pw.CharField()
    severity = pw.CharField(default="normal")  # the default severity of its entries
    sort = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class LogEntry(BaseModel):
    """One line of the logbook. ``seq`` runs 1, 2, 3 … without gaps; ``at`` is when it happened."""

    seq = pw.IntegerField(unique=True)
    at = pw.DateTimeField(index=True)
    created = pw.DateTimeField()
    author = pw.ForeignKeyField(Person, backref="log_entries", index=False)
    author_id: ClassVar[Key[int]]
    category = pw.ForeignKeyField(LogCategory, backref="entries", index=False)
    category_id: ClassVar[Key[int]]
    severity = pw.CharField(default="normal")
    post = pw.CharField(default="")
    shift = pw.CharField(default="")
    text = pw.TextField()
    amends = pw.ForeignKeyField("self", null=True, backref="amendments", index=True)
    amends_id: ClassVar[Key[int | None]]
    amount_cents = pw.IntegerField(null=True)
    needs_approval = pw.BooleanField(default=False)
    prev_hash = pw.CharField()
    hash = pw.CharField()

    class Meta:
        table_name = "log_entry"
        indexes = (
            (("author", "seq"), False),
            (("category", "seq"), False),
            (("severity", "seq"), False),
            (("post", "seq"), False),
            (("needs_approval", "seq"), False),
        )


class LogHead(BaseModel):
    """The newest entry's number and hash: an anchor that shows a removed last entry."""

    seq = pw.IntegerField()
    hash = pw.CharField()

    class Meta:
        table_name = "log_head"


class LogAck(BaseModel):
    """A shift lead acknowledged an emergency entry."""

    entry = pw.ForeignKeyField(LogEntry, unique=True, backref="acks")
    entry_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, index=False, backref="+")
    person_id: ClassVar[Key[int]]
    at = pw.DateTimeField()

    class Meta:
        table_name = "log_ack"


class ExpenseDecision(BaseModel):
    """A shift lead approved or refused an expense above the office's limit."""

    entry = pw.ForeignKeyField(LogEntry, unique=True, backref="decisions")
    entry_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, index=False, backref="+")
    person_id: ClassVar[Key[int]]
    at = pw.DateTimeField()
    approved = pw.BooleanField()
    note = pw.TextField(default="")

    class Meta:
        table_name = "expense_decision"


class LogPerson(BaseModel):
    """Whom an entry is about (an incident recorded about a person) or who attended (a meeting's
    minutes). Append-only like the entries (migration 0011)."""

    ROLES = ("about", "attendee")

    entry = pw.ForeignKeyField(LogEntry, backref="people", index=False)
    entry_id: ClassVar[Key[int]]
    person = pw.ForeignKeyField(Person, backref="+", index=False)
    person_id: ClassVar[Key[int]]
    role = pw.CharField()

    class Meta:
        table_name = "log_person"
        indexes = ((("entry", "person", "role"), True), (("person", "role"), False))


class LogSetting(BaseModel):
    key = pw.CharField(unique=True)
    value = pw.TextField()

    class Meta:
        table_name = "log_setting"


LOG_MODELS = [LogCategory, LogEntry, LogHead, LogAck, ExpenseDecision, LogPerson, LogSetting]
