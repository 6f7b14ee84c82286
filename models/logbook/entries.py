"""Writing the duty log: entries, amendments, acknowledgements and expense decisions.

Every entry is appended with the next ``seq`` and a hash chained to the entry before it,
inside the writer's IMMEDIATE transaction, so two terminals never take the same number.
"""

from __future__ import annotations

import datetime as dt

from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.logbook.chain import entry_hash, stamp
from duty_desk.models.logbook.search import index_text
from duty_desk.models.logbook.shift import shift_for
from duty_desk.models.logbook.tables import (
    SEVERITIES, ExpenseDecision, LogAck, LogCategory, LogEntry, LogHead, LogPerson, LogSetting)
from duty_desk.models.organisation.org import Person
from duty_desk.models.logbook.quick_entry import MAX_TEXT, CategoryRef, ParsedEntry, clean, parse
from duty_desk.models.accounts.session import Actor, require
from duty_desk.models import clock

EXPENSE_LIMIT_KEY = "expense_limit_cents"


def now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


def categories() -> list[CategoryRef]:
    """The active categories in their order (a quick-entry prefix picks one)."""
    return [CategoryRef(c.key, c.prefix, c.name_zh, c.name_en, c.severity)
            for c in LogCategory.select().where(LogCategory.active == True)  # noqa: E712
            .order_by(LogCategory.sort, LogCategory.id)]


class NewPost(ValidationError):
    """The line names a post nobody has written before (a typo such as ``@火星`` looks like one)."""


def known_post(post: str) -> bool:
    """Whether an entry was written at *post*, or the roster has a post of that name."""
    if db.execute_sql("SELECT 1 FROM log_entry WHERE post = ? LIMIT 1", (post,)).fetchone():
        return True
    return bool(db.execute_sql("SELECT 1 FROM post WHERE ? IN (key, name_zh, name_en) LIMIT 1", (post,)).fetchone())


def known_posts(limit: int = 12) -> list[str]:
    """Posts written at most often (what a refusal of a new post names)."""
    return [r[0] for r in db.execute_sql(
        "SELECT post FROM log_entry WHERE post != '' GROUP BY post ORDER BY count(*) DESC, post LIMIT ?", (limit,))]


def expense_limit_cents() -> int:
    row = LogSetting.get_or_none(LogSetting.key == EXPENSE_LIMIT_KEY)
    return int(row.value) if row else 50000


@writes
def set_expense_limit(cents: int) -> None:
    require("log.configure")
    if cents < 0:
        raise ValidationError(N_("The limit cannot be negative."), field="limit")
    (LogSetting.insert(key=EXPENSE_LIMIT_KEY, value=str(int(cents)))
     .on_conflict(conflict_target=[LogSetting.key], update={LogSetting.value: str(int(cents))}).execute())


@writes
def add_category(key: str, prefix: str, name_zh: str, name_en: str, severity: str = "normal") -> int:
    """An administrator extends the list of categories."""
    require("log.configure")
    if severity not in SEVERITIES:
        raise ValidationError(N_("Unknown severity {severity}."), field="severity", severity=severity)
    key, prefix = key.strip().lower(), prefix.strip().lower()
    if not key or not prefix or any(ch in prefix for ch in ": ：@!"):
        raise ValidationError(N_("A category needs a key and a short prefix without spaces or colons."),
                              field="prefix")
    if LogCategory.select().where((LogCategory.key == key) | (LogCategory.prefix == prefix)).exists():
        raise ValidationError(N_("A category with the key or prefix {prefix} exists already."),
                              field="prefix", prefix=prefix)
    sort = (LogCategory.select(LogCategory.sort).order_by(LogCategory.sort.desc()).scalar() or 0) + 10
    return LogCategory.insert(key=key, prefix=prefix, name_zh=name_zh.strip() or name_en,
                              name_en=name_en.strip() or name_zh, severity=severity, sort=sort).execute()


def _author(actor: Actor) -> int:
    if actor.id is None:
        raise DutyError(N_("The duty log is signed by a person: sign in as one first."))
    return actor.id


def _usual_post(author_id: int) -> str:
    row = db.execute_sql("SELECT post FROM log_entry WHERE author_id = ? ORDER BY seq DESC LIMIT 1",
                         (author_id,)).fetchone()
    return row[0] if row else ""


def _append(author_id: int, category_key: str, text: str, at: dt.datetime, severity: str,
            post: str | None, amount_cents: int | None = None, amends_id: int | None = None,
            created: dt.datetime | None = None) -> int:
    """Append one entry to the chain (the caller holds the write transaction)."""
    category = LogCategory.get_or_none(LogCategory.key == category_key)
    if category is None:
        raise ValidationError(N_("Unknown category “{prefix}”: use one of {known}."), field="line",
                              prefix=category_key, known=", ".join(c.prefix + ":" for c in categories()))
    if severity not in SEVERITIES:
        raise ValidationError(N_("Unknown severity {severity}."), field="severity", severity=severity)
    text = " ".join(clean(text).split())
    if not text:
        raise ValidationError(N_("Type what happened: the line is empty."), field="line")
    if len(text) > MAX_TEXT:
        raise ValidationError(N_("The entry is too long ({length} characters); keep it under {limit}."),
                              field="line", length=len(text), limit=MAX_TEXT)
    created = created or now()
    shift = shift_for(author_id, at)
    if post is None:
        post = shift.post or _usual_post(author_id)
    post = clean(post).strip()[:60]
    needs_approval = bool(amount_cents is not None and amount_cents > expense_limit_cents())
    head = LogHead.get_by_id(1)
    seq = head.seq + 1
    digest = entry_hash(seq, at, created, author_id, category.id, severity, post, shift.label, text,
                        amends_id, amount_cents, needs_approval, head.hash)
    # The id is the entry's number: search hits (rowids) are then entry numbers as they are.
    entry_id = LogEntry.insert(id=seq, seq=seq, at=stamp(at), created=stamp(created), author=author_id,
                               category=category.id, severity=severity, post=post, shift=shift.label,
                               text=text, amends=amends_id, amount_cents=amount_cents,
                               needs_approval=needs_approval, prev_hash=head.hash, hash=digest).execute()
    LogHead.update(seq=seq, hash=digest).where(LogHead.id == 1).execute()
    db.execute_sql("INSERT INTO log_search (rowid, body) VALUES (?, ?)", (entry_id, index_text(text, post)))
    return entry_id


@writes
def add(line: str, default_category: str = "other", at_now: dt.datetime | None = None,
        new_post: bool = True) -> int:
    """Parse a quick-entry line and append it, signed by the current actor; its id.

    With *new_post* False a post never used before is refused (``NewPost``) so the screen
    can ask first: a typo must not start a post of its own.
    """
    actor = require("log.write")
    author = _author(actor)
    moment = at_now or now()
    parsed: ParsedEntry = parse(line, categories(), moment, default_category)
    post = clean(parsed.post).strip()[:60] if parsed.post is not None else None
    if not new_post and post and not known_post(post):
        raise NewPost(N_("No entry was written at “{post}” before; known posts: {known}."), field="line",
                      post=post, known=", ".join(known_posts()) or "—")
    present = _attendees(parsed.attendees)
    entry_id = _append(author, parsed.category, parsed.text, parsed.at, parsed.severity, parsed.post,
                       parsed.amount_cents, created=moment)
    if present:
        LogPerson.insert_many([{"entry": entry_id, "person": p, "role": "attendee"} for p in present]).execute()
    return entry_id


def _attendees(names: tuple[str, ...]) -> list[int]:
    """The people named after "+", each by their name on the staff; an unknown name is refused."""
    ids = []
    for name in names:
        found = [p.id for p in Person.select(Person.id).where(Person.name == name, Person.active == True)]  # noqa: E712
        if len(found) != 1:
            raise ValidationError(
                N_("No one on the staff is called “{name}”.") if not found
                else N_("Several people are called “{name}”: name one of them in the entry's text instead."),
                field="line", name=name)
        ids.append(found[0])
    return ids


@writes
def add_entry(category: str, text: str, at: dt.datetime | None = None, post: str | None = None,
              severity: str | None = None, amount_cents: int | None = None) -> int:
    """Append an entry from its parts (other areas and scripts)."""
    actor = require("log.write")
    author = _author(actor)
    cat = LogCategory.get_or_none(LogCategory.key == category)
    sev = severity or (cat.severity if cat else "normal")
    if category == "expense" and amount_cents is None:
        raise ValidationError(N_("An expense needs an amount, such as ¥35."), field="line")
    return _append(author, category, text, (at or now()).replace(microsecond=0), sev, post, amount_cents)


@writes
def amend(entry_id: int, line: str) -> int:
    """Correct an entry by a new one that points at it; the original stays as written."""
    actor = require("log.amend")
    author = _author(actor)
    original = LogEntry.get_or_none(LogEntry.id == entry_id)
    if original is None:
        raise DutyError(N_("There is no log entry {id}."), id=entry_id)
    cat = original.category
    moment = now()
    parsed = parse(line, categories(), moment, cat.key)
    # The correction keeps the original's time unless the line gives one.
    at = parsed.at if parsed.at != moment else original.at
    post = parsed.post if parsed.post is not None else original.post
    amount = parsed.amount_cents if parsed.amount_cents is not None else original.amount_cents
    return _append(author, parsed.category, parsed.text, at, parsed.severity, post, amount,
                   amends_id=original.id, created=moment)


@writes
def acknowledge(entry_id: int) -> None:
    """A shift lead takes charge of an emergency: it stops standing out on every screen."""
    actor = require("log.acknowledge")
    author = _author(actor)
    entry = LogEntry.get_or_none(LogEntry.id == entry_id)
    if entry is None:
        raise DutyError(N_("There is no log entry {id}."), id=entry_id)
    if entry.severity != "emergency":
        raise DutyError(N_("Entry {seq} is not an emergency."), seq=entry.seq)
    if LogAck.select().where(LogAck.entry == entry_id).exists():
        raise DutyError(N_("Entry {seq} is acknowledged already."), seq=entry.seq)
    LogAck.insert(entry=entry_id, person=author, at=stamp(now())).execute()


@writes
def decide_expense(entry_id: int, approved: bool, note: str = "") -> None:
    """A shift lead approves (or refuses) an expense above the office's limit."""
    actor = require("log.approve_expense")
    author = _author(actor)
    entry = LogEntry.get_or_none(LogEntry.id == entry_id)
    if entry is None or not entry.needs_approval:
        raise DutyError(N_("This entry does not wait for an approval."))
    if entry.author_id == author:
        raise DutyError(N_("Another shift lead must approve your own expense."))
    if ExpenseDecision.select().where(ExpenseDecision.entry == entry_id).exists():
        raise DutyError(N_("This expense is decided already."))
    ExpenseDecision.insert(entry=entry_id, person=author, at=stamp(now()), approved=approved,
                           note=clean(note).strip()).execute()
