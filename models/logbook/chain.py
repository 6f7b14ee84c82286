"""The logbook's hash chain: each entry's hash covers its content and the previous hash.

An entry changed in the file no longer matches its hash; a removed one leaves a gap in
``seq`` or a ``prev_hash`` that points at nothing; a removed last entry no longer matches
``log_head``. Someone who rewrites every later hash and the head can still hide a change
from the chain alone: the chain proves the program wrote what it shows, not that the file
was never replaced. An *anchor* closes that gap for everything before it: ``anchor()`` is
the head's number and the first 16 hex digits of its hash, written outside the database
(the paper handover book); ``check_anchor`` later finds that entry with that hash, which
no rewrite of it or any earlier entry can reproduce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DatabaseUnavailable
from duty_desk.models.storage.sql_functions import recorded_as

GENESIS = ""
SEP = "\x1f"
FIELDS = ("seq", "at", "created", "author_id", "category_id", "severity", "post", "shift",
          "text", "amends_id", "amount_cents", "needs_approval", "prev_hash")


def stamp(value: object) -> str:
    """The text a datetime is stored as (to the second), so the hash reads the same back."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is None:  # three times faster than strftime (demo fill)
        return value.isoformat(" ", "seconds")
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    return str(value)[:19]


def entry_hash(seq: int, at: object, created: object, author_id: int, category_id: int, severity: str, post: str,
               shift: str, text: str, amends_id: int | None, amount_cents: int | None, needs_approval: bool,
               prev_hash: str) -> str:
    parts = (str(seq), stamp(at), stamp(created), str(author_id), str(category_id), severity,
             post, shift, text, "" if amends_id is None else str(amends_id),
             "" if amount_cents is None else str(amount_cents), "1" if needs_approval else "0",
             prev_hash)
    return hashlib.sha256(SEP.join(parts).encode("utf-8")).hexdigest()


ANCHOR_DIGITS = 16  # 64 bits: short enough to copy by hand, far too many to forge


def anchor() -> str:
    """The logbook's head as ``seq:hash-prefix`` (``0:`` for an empty logbook)."""
    seq, digest = db.execute_sql("SELECT seq, hash FROM log_head WHERE id = 1").fetchone() or (0, GENESIS)
    return f"{seq}:{digest[:ANCHOR_DIGITS]}"


def check_anchor(text: str) -> list[str]:
    """Problems when the logbook no longer holds the anchor *text* (taken earlier)."""
    seq_text, _sep, prefix = text.strip().partition(":")
    prefix = prefix.strip().lower()
    if not seq_text.strip().isdigit() or len(prefix) != ANCHOR_DIGITS or any(c not in "0123456789abcdef"
                                                                            for c in prefix):
        return [N_("“{anchor}” is not an anchor: it reads like 1826:3fa2c9d01b7e44a0.").format(anchor=text.strip())]
    seq = int(seq_text)
    if seq == 0:
        return []
    row = db.execute_sql("SELECT hash FROM log_entry WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return [N_("entry {seq} of the anchor is gone: the logbook was cut back").format(seq=seq)]
    if not row[0].startswith(prefix):
        return [N_("entry {seq} no longer has the anchor's hash: the logbook up to it was rewritten").format(seq=seq)]
    return []


def verify(limit: int = 20, since: tuple[int, str] | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Problems with the chain (empty when every entry is as it was written).

    *since* ``(seq, hash)``, a point an earlier sound check reached: only that entry and the
    ones after it are read (``duty check``'s quick mode); ``None`` reads every entry.
    *progress(done, total)* is called now and then for a progress bar.
    """
    problems: list[str] = []
    extra = 0

    def note(text: str) -> None:
        nonlocal extra
        if len(problems) < limit:
            problems.append(text)
        else:
            extra += 1

    first_seq, prev = 1, GENESIS
    if since is not None:
        mark_seq, mark_hash = since
        row = db.execute_sql("SELECT hash, prev_hash FROM log_entry WHERE seq = ?", (mark_seq,)).fetchone()
        if row is None or row[0] != mark_hash:
            note(N_("entry {seq}, sound at the last check, is gone or has another hash now: the logbook was "
                    "rewritten (run duty check --full)").format(seq=mark_seq))
            return problems
        first_seq, prev = mark_seq, row[1]
    total = db.execute_sql("SELECT count(*) FROM log_entry WHERE seq >= ?", (first_seq,)).fetchone()[0] \
        if progress else 0
    cursor = db.execute_sql(
        "SELECT " + ", ".join(FIELDS) + ", hash, id FROM log_entry WHERE seq >= ? ORDER BY seq", (first_seq,))
    expected_seq = first_seq
    last_seq, last_hash = first_seq - 1, prev
    done = 0
    for row in cursor:
        done += 1
        if progress and not done % 20_000:
            progress(done, total)
        seq = row[0]
        if seq != expected_seq:
            if seq > expected_seq:
                note(N_("entries {first}–{last} are missing (removed behind the program's back)").format(
                    first=expected_seq, last=seq - 1))
            else:
                note(N_("entry {seq} appears twice").format(seq=seq))
        if row[12] != prev:
            note(N_("entry {seq} does not follow the entry before it (its previous hash differs)").format(seq=seq))
        if row[14] != seq:  # the program gives every entry the id of its number
            note(N_("entry {seq} has the id {id}: it was not written by this program").format(seq=seq, id=row[14]))
        if entry_hash(*row[:13]) != row[13]:
            note(N_("entry {seq} (id {id}) was changed after it was written").format(seq=seq, id=row[14]))
        prev = row[13]
        expected_seq = seq + 1
        last_seq, last_hash = seq, row[13]
    if progress:
        progress(total, total)
    head = db.execute_sql("SELECT seq, hash FROM log_head WHERE id = 1").fetchone()
    if head is None:
        note(N_("the logbook's head record is missing"))
    elif head[0] != last_seq:
        note(N_("the logbook should end at entry {head}, but its last entry is {last}").format(
            head=head[0], last=last_seq))
    elif head[1] != last_hash:
        note(N_("the last entry {seq} does not match the logbook's head").format(seq=last_seq))
    for table in ("log_entry", "log_ack", "expense_decision"):
        for verb in ("update", "delete"):
            name = f"{table}_no_{verb}"
            found = db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (name,)).fetchone()
            if not found:
                note(N_("the guard {name} is missing: the logbook can be edited").format(name=name))
    if extra:
        note(N_("… and {count} more").format(count=extra))
    return problems


MARK_KEY = "chain_checked"  # setting: "seq:hash" of the last entry a sound check reached


def verify_quick(progress: Callable[[int, int], None] | None = None) -> list[str]:
    """``verify`` from the point the last sound check reached (every entry when there is
    none), then move that point to the head. Entries before the point are not read again:
    an in-place edit of one of those is for ``verify`` (``duty check --full``) to find."""
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (MARK_KEY,)).fetchone()
    since = None
    if row:
        seq, _sep, digest = row[0].partition(":")
        since = (int(seq), digest) if seq.isdigit() and int(seq) > 0 else None
    problems = verify(since=since, progress=progress)
    if not problems:
        save_mark()
    return problems


def verify_full(progress: Callable[[int, int], None] | None = None) -> list[str]:
    """``verify`` of every entry; when sound, the next quick check starts from the head."""
    problems = verify(progress=progress)
    if not problems:
        save_mark()
    return problems


def save_mark() -> None:
    """Remember the head as checked; skipped where the database cannot be written."""
    try:
        with recorded_as("duty check"):
            _store_mark()
    except DatabaseUnavailable:
        pass  # a read-only desk is checked in full next time too


@writes
def _store_mark() -> None:
    seq, digest = db.execute_sql("SELECT seq, hash FROM log_head WHERE id = 1").fetchone() or (0, GENESIS)
    db.execute_sql("INSERT INTO setting (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (MARK_KEY, f"{seq}:{digest}"))
