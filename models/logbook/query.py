"""Reading the duty log for the screens: pages of plain rows, filters, search and jumps.

The log view never holds the whole logbook: it knows how many rows there are and asks
for the few around what is on screen. Unfiltered, row *n* is simply ``seq = n + 1`` (the
numbers have no gaps), so a page is one index range; filtered, the view holds the
matching numbers only (an array of ints) and pages by them.

Rows are shown in the order things happened (``at``, then number). Entries are numbered
as they are written, so the two orders agree until someone writes a time in the past
(``02:10 p: …`` typed at noon) or an amendment keeps its original's time; only then does
the view hold every number in time order (``time_order``).
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from dataclasses import dataclass

from duty_desk.models.storage.db import db
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.logbook.search import match_query
from duty_desk.models import clock


@dataclass(frozen=True)
class LogRow:
    id: int
    seq: int
    at: dt.datetime
    created: dt.datetime
    author_id: int
    author: str
    category: str  # key
    category_zh: str
    category_en: str
    severity: str
    post: str
    shift: str
    text: str
    amends_seq: int | None  # this entry corrects that one
    amended: bool  # a later entry corrects this one
    amount_cents: int | None
    needs_approval: bool
    decision: bool | None  # None: not decided (or not needed)
    acknowledged: bool
    followup: str | None  # "open", "overdue", "closed" or None

    @property
    def waiting_approval(self) -> bool:
        return self.needs_approval and self.decision is None

    @property
    def alarm(self) -> bool:
        return self.severity == "emergency" and not self.acknowledged


@dataclass(frozen=True)
class LogFilter:
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    categories: tuple[str, ...] = ()
    severity: str | None = None
    post: str | None = None
    author_id: int | None = None
    open_followups: bool = False
    text: str = ""  # full-text: show only entries that match

    @property
    def empty(self) -> bool:
        return self == LogFilter()


_SELECT = """
SELECT e.id, e.seq, e.at, e.created, e.author_id, p.name, c.key, c.name_zh, c.name_en, e.severity,
       e.post, e.shift, e.text, o.seq, EXISTS (SELECT 1 FROM log_entry a WHERE a.amends_id = e.id),
       e.amount_cents, e.needs_approval, d.approved, k.id IS NOT NULL,
       (SELECT min(CASE WHEN f.closed_at IS NOT NULL THEN 2 WHEN f.due_at < ? THEN 0 ELSE 1 END)
          FROM follow_up f WHERE f.entry_id = e.id)
FROM log_entry e
JOIN person p ON p.id = e.author_id
JOIN log_category c ON c.id = e.category_id
LEFT JOIN log_entry o ON o.id = e.amends_id
LEFT JOIN expense_decision d ON d.entry_id = e.id
LEFT JOIN log_ack k ON k.entry_id = e.id
"""
_FOLLOWUP = {0: "overdue", 1: "open", 2: "closed", None: None}


def _when(text) -> dt.datetime:
    return text if isinstance(text, dt.datetime) else dt.datetime.fromisoformat(text)


def _row(r) -> LogRow:
    return LogRow(r[0], r[1], _when(r[2]), _when(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                  r[12], r[13], bool(r[14]), r[15], bool(r[16]), None if r[17] is None else bool(r[17]),
                  bool(r[18]), _FOLLOWUP[r[19]])


def total() -> int:
    """How many entries the logbook holds (its newest number)."""
    row = db.execute_sql("SELECT seq FROM log_head WHERE id = 1").fetchone()
    return row[0] if row else 0


def rows_between(first_seq: int, last_seq: int, at: dt.datetime | None = None) -> list[LogRow]:
    """Entries with ``first_seq <= seq <= last_seq``, in order."""
    now = stamp(at or clock.now())
    cursor = db.execute_sql(_SELECT + " WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq",
                            (now, first_seq, last_seq))
    return [_row(r) for r in cursor]


def rows_for(seqs: list[int], at: dt.datetime | None = None) -> list[LogRow]:
    if not seqs:
        return []
    now = stamp(at or clock.now())
    marks = ",".join("?" * len(seqs))
    cursor = db.execute_sql(_SELECT + f" WHERE e.seq IN ({marks}) ORDER BY e.seq", (now, *seqs))
    return [_row(r) for r in cursor]


def row(entry_id: int) -> LogRow | None:
    cursor = db.execute_sql(_SELECT + " WHERE e.id = ?", (stamp(clock.now()), entry_id))
    found = cursor.fetchone()
    return _row(found) if found else None


def opening(page: int, height: int) -> tuple[int, dict[int, list[LogRow]]]:
    """The number of entries and the pages (by index) holding the newest *height* rows.

    One statement, so a view opening while the app is still busy starting up waits for as
    few hand-overs between threads as possible.
    """
    cursor = db.execute_sql(
        _SELECT + " WHERE e.seq > (SELECT max(seq - 1 - ?, 0) / ? * ? FROM log_head WHERE id = 1) ORDER BY e.seq",
        (stamp(clock.now()), height, page, page))
    pages: dict[int, list[LogRow]] = {}
    last = 0
    for r in cursor:
        row = _row(r)
        pages.setdefault((row.seq - 1) // page, []).append(row)
        last = row.seq
    return last, pages


def tail(page: int) -> tuple[int, list[LogRow]]:
    """The number of entries and the rows of the last *page*-sized page (where the view opens)."""
    count = total()
    first = (count - 1) // page * page + 1 if count else 1
    return count, rows_between(first, count) if count else []


def seq_of(entry_id: int) -> int | None:
    found = db.execute_sql("SELECT seq FROM log_entry WHERE id = ?", (entry_id,)).fetchone()
    return found[0] if found else None


def severity_of(entry_id: int) -> str | None:
    found = db.execute_sql("SELECT severity FROM log_entry WHERE id = ?", (entry_id,)).fetchone()
    return found[0] if found else None


def row_by_seq(seq: int) -> LogRow | None:
    found = rows_between(seq, seq)
    return found[0] if found else None


def _where(f: LogFilter) -> tuple[list[str], list]:
    clauses: list[str] = []
    params: list = []
    if f.start:
        clauses.append("e.at >= ?")
        params.append(stamp(dt.datetime.combine(f.start, dt.time())))
    if f.end:
        clauses.append("e.at < ?")
        params.append(stamp(dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time())))
    if f.categories:
        clauses.append("e.category_id IN (SELECT id FROM log_category WHERE key IN (%s))"
                       % ",".join("?" * len(f.categories)))
        params.extend(f.categories)
    if f.severity:
        clauses.append("e.severity = ?")
        params.append(f.severity)
    if f.post:
        clauses.append("e.post = ?")
        params.append(f.post)
    if f.author_id:
        clauses.append("e.author_id = ?")
        params.append(f.author_id)
    if f.open_followups:
        clauses.append("e.id IN (SELECT entry_id FROM follow_up WHERE closed_at IS NULL)")
    if f.text.strip():
        expression = match_query(f.text)
        if expression:
            clauses.append("e.id IN (SELECT rowid FROM log_search WHERE log_search MATCH ?)")
            params.append(expression)
    return clauses, params


# database file -> (entries looked at, the hash of the last one, whether one is out of time order)
_ORDER: dict[str, tuple[int, str, bool]] = {}


def _out_of_order_after(last_seq: int) -> bool:
    """Whether an entry numbered after *last_seq* breaks the time order of the numbers.

    Only an entry whose time is not when it was written can (the clock runs forward), so
    those few are looked at, each with one indexed probe for a neighbour on the wrong side.
    """
    for seq, at, created in db.execute_sql(
            "SELECT id, at, created FROM log_entry WHERE id > ? AND at != created", (last_seq,)):
        if at < created:  # back-dated: an earlier number happened later
            probe = "SELECT 1 FROM log_entry INDEXED BY log_entry_at WHERE at > ? AND id < ? LIMIT 1"
        else:  # written ahead of its time (a few minutes at most): a later number happened earlier
            probe = "SELECT 1 FROM log_entry NOT INDEXED WHERE at < ? AND id > ? LIMIT 1"
        if db.execute_sql(probe, (at, seq)).fetchone():
            return True
    return False


def in_seq_order() -> bool:
    """Whether the entries' numbers run in the order they happened (row n is then entry n + 1).

    The logbook only grows, so the answer is kept per file and only new entries are looked
    at next time (a restored or replaced file, whose hash differs, is looked at again).
    """
    head = db.execute_sql("SELECT seq FROM log_head WHERE id = 1").fetchone()
    count = head[0] if head else 0
    key = str(db.database)
    known = _ORDER.get(key)
    start, disordered = 0, False
    if known is not None and known[0] <= count:
        found = db.execute_sql("SELECT hash FROM log_entry WHERE id = ?", (known[0],)).fetchone()
        if known[0] == 0 or (found and found[0] == known[1]):
            start, disordered = known[0], known[2]
    if not disordered and count > start:
        disordered = _out_of_order_after(start)
    last = db.execute_sql("SELECT hash FROM log_entry WHERE id = ?", (count,)).fetchone()
    _ORDER[key] = (count, last[0] if last else "", disordered)
    return not disordered


def time_order() -> array | None:
    """Every entry's number in the order things happened; None when that is 1, 2, 3 …"""
    if in_seq_order():
        return None
    return array("q", (r[0] for r in db.execute_sql(
        "SELECT id FROM log_entry INDEXED BY log_entry_at ORDER BY at, id")))


def position(seqs, seq: int) -> int | None:
    """Where entry *seq* is in *seqs* (in number order when nothing is back-dated, else in time order)."""
    i = bisect_left(seqs, seq)
    if i < len(seqs) and seqs[i] == seq:
        return i
    try:
        return seqs.index(seq)  # a list in time order is not sorted by number
    except ValueError:
        return None


def filtered_seqs(f: LogFilter) -> array:
    """The numbers of every entry that passes *f*, in time order (a compact array of ints)."""
    ordered = in_seq_order()
    if ordered and f.text.strip() and f == LogFilter(text=f.text):
        # Text alone: the search index's rowids are the entry numbers (an entry's id is its
        # number), in order, without visiting the logbook at all.
        expression = match_query(f.text)
        if expression:
            return array("q", (r[0] for r in db.execute_sql(
                "SELECT rowid FROM log_search WHERE log_search MATCH ? ORDER BY rowid", (expression,))))
    clauses, params = _where(f)
    sql = "SELECT e.seq FROM log_entry e"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return array("q", (r[0] for r in db.execute_sql(sql + (" ORDER BY e.seq" if ordered else " ORDER BY e.at, e.seq"),
                                                      params)))


def next_hit(query: str, after_seq: int, backwards: bool = False) -> int | None:
    """The number of the next (or previous) entry matching *query* after *after_seq*."""
    expression = match_query(query)
    if not expression:
        return None
    # An entry's id is its number (models.logbook.entries), so the search index's rowids are
    # entry numbers in the logbook's order.
    op, order = ("<", "DESC") if backwards else (">", "ASC")
    found = db.execute_sql(
        f"SELECT rowid FROM log_search WHERE log_search MATCH ? AND rowid {op} ? ORDER BY rowid {order} LIMIT 1",
        (expression, after_seq)).fetchone()
    return found[0] if found else None


def count_hits(query: str, cap: int = 10000) -> int:
    expression = match_query(query)
    if not expression:
        return 0
    return db.execute_sql("SELECT count(*) FROM (SELECT 1 FROM log_search WHERE log_search MATCH ? LIMIT ?)",
                          (expression, cap)).fetchone()[0]


def seq_at(moment: dt.datetime) -> int | None:
    """The first entry at or after *moment* (by when it happened), or the last one before it."""
    found = db.execute_sql("SELECT seq FROM log_entry WHERE at >= ? ORDER BY at, seq LIMIT 1",
                           (stamp(moment),)).fetchone()
    if found:
        return found[0]
    return db.execute_sql("SELECT max(seq) FROM log_entry").fetchone()[0]


def unacknowledged_emergencies() -> list[LogRow]:
    """Emergencies no shift lead has acknowledged yet, oldest first."""
    cursor = db.execute_sql(_SELECT + " WHERE e.severity = 'emergency' AND k.id IS NULL ORDER BY e.seq",
                            (stamp(clock.now()),))
    return [_row(r) for r in cursor]


def waiting_expenses() -> list[LogRow]:
    """Expenses above the limit that wait for a shift lead's approval."""
    cursor = db.execute_sql(_SELECT + " WHERE e.needs_approval = 1 AND d.id IS NULL ORDER BY e.seq",
                            (stamp(clock.now()),))
    return [_row(r) for r in cursor]


def amendment_chain(entry_id: int) -> list[LogRow]:
    """The original an entry goes back to, then every correction of it, oldest first."""
    root = entry_id
    while True:
        up = db.execute_sql("SELECT amends_id FROM log_entry WHERE id = ?", (root,)).fetchone()
        if up is None or up[0] is None:
            break
        root = up[0]
    ids = [root]
    frontier = [root]
    while frontier:
        marks = ",".join("?" * len(frontier))
        frontier = [r[0] for r in db.execute_sql(
            f"SELECT id FROM log_entry WHERE amends_id IN ({marks}) ORDER BY seq", frontier)]
        ids.extend(frontier)
    return sorted((row(i) for i in ids), key=lambda r: r.seq)


def rows_in(start: dt.datetime, end: dt.datetime) -> list[LogRow]:
    """Entries that happened in [start, end), in the order they happened."""
    cursor = db.execute_sql(_SELECT + " WHERE e.at >= ? AND e.at < ? ORDER BY e.at, e.seq",
                            (stamp(clock.now()), stamp(start), stamp(end)))
    return [_row(r) for r in cursor]


def posts() -> list[str]:
    return [r[0] for r in db.execute_sql(
        "SELECT DISTINCT post FROM log_entry INDEXED BY log_entry_post_seq WHERE post != '' ORDER BY post")]


