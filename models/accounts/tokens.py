"""API tokens: how a script or an alarm system proves who it writes for.

An administrator issues a token to a named source acting for one person; the token is
shown once and only its SHA-256 is kept (a token is 32 random bytes, so a plain hash is
enough: there is nothing to guess). A revoked token is refused from then on. Entries a
token writes carry its source (``log_source``), so the logbook tells an alarm's lines
from a person's.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models import clock
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor, require

PREFIX = "duty_"


class ApiToken(BaseModel):
    source = pw.CharField()
    person = pw.ForeignKeyField(Person, on_delete="CASCADE", backref="tokens")
    person_id: ClassVar[Key[int]]
    token_hash = pw.CharField(unique=True)
    issued_by = pw.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    issued_by_id: ClassVar[Key[int | None]]
    issued_at = pw.DateTimeField()
    revoked_at = pw.DateTimeField(null=True)
    last_used = pw.DateTimeField(null=True)

    class Meta:
        table_name = "api_token"


class LogSource(BaseModel):
    entry_id = pw.IntegerField(primary_key=True)
    source = pw.CharField()
    token_id = pw.IntegerField(null=True)

    class Meta:
        table_name = "log_source"


class TokenRefused(DutyError):
    """A token that is unknown, revoked, or whose person may no longer act."""


@dataclass(frozen=True)
class TokenRow:
    id: int
    source: str
    person: str
    issued_at: str
    revoked: bool
    last_used: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


@writes
def issue(source: str, person_id: int) -> tuple[int, str]:
    """A new token for *source* acting as *person_id*: (id, the token, shown only now)."""
    actor = require("staff.edit")
    source = " ".join((source or "").split())
    if not source or len(source) > 60:
        raise ValidationError(N_("Name the source in 1 to 60 characters, such as “fire alarm”."), field="source")
    person = Person.get_or_none((Person.id == person_id) & (Person.active == True))  # noqa: E712
    if person is None:
        raise ValidationError(N_("A token acts for someone on the staff: no active person has that name."),
                              field="person")
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = ApiToken.insert(source=source, person=person.id, token_hash=_digest(token), issued_by=actor.id,
                               issued_at=clock.now()).execute()
    return token_id, token


@writes
def revoke(token_id: int) -> None:
    require("staff.edit")
    changed = (ApiToken.update(revoked_at=clock.now())
               .where((ApiToken.id == token_id) & ApiToken.revoked_at.is_null()).execute())
    if not changed:
        raise ValidationError(N_("There is no active token number {id}."), field="id", id=token_id)


def tokens() -> list[TokenRow]:
    require("staff.edit")
    rows = (ApiToken.select(ApiToken, Person.name).join(Person, on=(ApiToken.person == Person.id))
            .order_by(ApiToken.id))
    return [TokenRow(t.id, t.source, t.person.name, f"{t.issued_at:%Y-%m-%d %H:%M}", t.revoked_at is not None,
                     f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "") for t in rows]


def actor_for_token(token: str) -> tuple[Actor, int, str]:
    """Who a token acts for: (actor, token id, source); ``TokenRefused`` otherwise."""
    row = ApiToken.get_or_none(ApiToken.token_hash == _digest(token or ""))
    if row is None:
        raise TokenRefused(N_("The token is not known: ask an administrator for one (duty token add)."))
    if row.revoked_at is not None:
        raise TokenRefused(N_("The token was revoked on {day}: ask an administrator for a new one."),
                           day=f"{row.revoked_at:%Y-%m-%d}")
    person = row.person
    if not person.active:
        raise TokenRefused(N_("The token's person, {name}, has left the staff."), name=person.name)
    _used(row.id)
    return Actor(person.id, person.name, person.role), row.id, row.source


@writes
def _used(token_id: int) -> None:
    ApiToken.update(last_used=clock.now()).where(ApiToken.id == token_id).execute()


def record_source(entry_id: int, source: str, token_id: int | None) -> None:
    """Name the source of an entry, inside the transaction that wrote it."""
    LogSource.insert(entry_id=entry_id, source=source, token_id=token_id).execute()


def source_of(entry_id: int) -> str | None:
    row = LogSource.get_or_none(LogSource.entry_id == entry_id)
    return row.source if row else None


@writes
def add_log_line(line: str, default_category: str, source: str | None, token_id: int | None) -> int:
    """A quick-entry line signed by the current actor, with its source, in one transaction."""
    from duty_desk.models.logbook import entries as log_entries

    entry_id = log_entries.add(line, default_category)
    if source:
        record_source(entry_id, source, token_id)
    return entry_id
