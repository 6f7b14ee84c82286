"""Demo duty log: patrols, visitors, calls, faults, meetings, expenses, a few emergencies,
follow-ups and handovers over the demo's days, written by the people the roster put on duty.

At scale (``fill``) it writes a million entries in seconds rather than minutes: rows go in
with ``executemany`` in big transactions and the hash chain is computed here in Python,
exactly as ``models.log_chain`` checks it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

from models.db import db, writes
from models.log_chain import entry_hash, stamp
from models.log_search import index_text
from models.log_shift import standard_shift

CHUNK = 50_000
PLACES = ("东门", "西门", "仓库", "木料场", "机房", "大厅", "停车场")
PATROL_RULES = (("木料场", 60), ("仓库", 120))
TEXTS = {
    "patrol": ("巡逻正常，门窗已锁", "巡逻：消防通道畅通", "夜间巡逻，未见异常", "Patrol: all quiet",
               "巡逻发现照明灯损坏一处", "木料场巡逻，无人吸烟"),
    "visitor": ("来访：财务部审计人员 2 名，已登记", "快递员送件，已签收", "Visitor from the bank, escorted",
                "供应商来访，已通知仓库主任"),
    "phone": ("电话：客户询问发货时间，已转销售部", "Phone: supplier confirms delivery tomorrow",
              "电话：物业通知明早停水", "电话报修空调"),
    "fault": ("设备故障：机房空调漏水，已报修", "打印机卡纸，已处理", "UPS alarm, battery check requested",
              "门禁读卡器失灵，已联系维修"),
    "security": ("发现陌生人员在停车场逗留，已询问登记", "监控摄像头画面中断 5 分钟", "Gate left open, closed it"),
    "meeting": ("调度会：决定更换东门监控，责任人见督办", "Meeting: fire drill next Friday, owner assigned",
                "例会：下周盘点仓库"),
    "expense": ("购买打印纸", "更换门锁", "Batteries for torches", "维修水管材料费"),
    "other": ("领用钥匙一把", "文件传递：合同两份交财务部，已签收", "Lost and found: umbrella at 大厅"),
    "emergency": ("烟雾报警，已疏散并通知消防", "仓库漏水，已启动应急预案", "Power failure in 机房, generator on"),
}
DAILY = (("visitor", 6), ("phone", 5), ("other", 3), ("fault", 0.6), ("security", 0.4), ("meeting", 0.4),
         ("expense", 0.4))


def _categories() -> dict[str, tuple[int, str]]:
    return {key: (cid, sev) for cid, key, sev in db.execute_sql("SELECT id, key, severity FROM log_category")}


def _duty_people(ctx, day: dt.date) -> list[tuple[int, str, dt.datetime, dt.datetime, str]]:
    """(person, role, start, end, shift label) on duty that day: the roster's, else invented."""
    try:
        from models.roster import duties_between
        duties = [(d.person_id, d.role, d.starts_at, d.ends_at, f"{d.day:%Y-%m-%d} {d.shift_zh}")
                  for d in duties_between(day, day)]
    except Exception:  # no roster area: two standard shifts from the staff
        duties = []
    if duties:
        return duties
    leads = [p["id"] for p in ctx.staff if p["role"] == "lead"] or [p["id"] for p in ctx.staff]
    officers = [p["id"] for p in ctx.staff if p["role"] == "officer"] or leads
    out = []
    for hour in (8, 20):
        shift = standard_shift(dt.datetime.combine(day, dt.time(hour)))
        out.append((ctx.rng.choice(leads), "lead", shift.start, shift.end, shift.label))
        for pid in ctx.rng.sample(officers, min(2, len(officers))):
            out.append((pid, "officer", shift.start, shift.end, shift.label))
    return out


def plan(ctx, density: float = 1.0) -> Iterator[tuple]:
    """Entries for every day of the demo, in time order: (at, author, category, post, shift, text, amount)."""
    rng: random.Random = ctx.rng
    now = ctx.now
    for n in range(ctx.days):
        day = ctx.first_day + dt.timedelta(days=n)
        duties = _duty_people(ctx, day)
        rows = []
        rounds: dict[dt.datetime, int] = {}  # the first officer of a shift walks the timber yard, the next the store
        for pid, role, start, end, label in duties:
            hours = int((end - start).total_seconds() // 3600)
            if role == "officer":
                # The posts with a patrol rule get their rounds; other officers log events.
                turn = rounds[start] = rounds.get(start, -1) + 1
                if turn < len(PATROL_RULES):
                    place, every = PATROL_RULES[turn]
                    for minute in range(0, hours * 60, every):
                        if rng.random() < 0.015:  # a missed round now and then
                            continue
                        at = start + dt.timedelta(minutes=minute + rng.randint(0, 9))
                        rows.append((at, pid, "patrol", place, label, rng.choice(TEXTS["patrol"]), None))
            for key, per_day in DAILY:
                count = int(per_day * density / max(1, len(duties)) * 2 + rng.random())
                for _ in range(count):
                    at = start + dt.timedelta(minutes=rng.randint(0, hours * 60 - 1))
                    amount = rng.choice((1550, 3800, 12000, 68000)) if key == "expense" else None
                    rows.append((at, pid, key, rng.choice(PLACES), label, rng.choice(TEXTS[key]), amount))
        if n % 9 == 4:
            pid, _r, start, _e, label = rng.choice(duties)
            rows.append((start + dt.timedelta(hours=rng.randint(1, 10)), pid, "emergency", rng.choice(PLACES), label,
                         rng.choice(TEXTS["emergency"]), None))
        rows.sort(key=lambda r: r[0])
        for r in rows:
            if r[0] <= now:
                yield r


@writes
def write_entries(rows: list[tuple]) -> list[int]:
    """Append planned entries to the chain in one transaction; their ids."""
    cats = _categories()
    limit_row = db.execute_sql("SELECT value FROM log_setting WHERE key = 'expense_limit_cents'").fetchone()
    limit = int(limit_row[0]) if limit_row else 50000
    seq, prev = db.execute_sql("SELECT seq, hash FROM log_head WHERE id = 1").fetchone()
    tokens: dict[tuple[str, str], str] = {}  # demo texts repeat: tokenise each text and post once
    entries, search, ids = [], [], []
    for at, author, key, post, shift, text, amount in rows:
        seq += 1  # an entry's id is its number, as models.log_entries writes it
        cid, severity = cats[key]
        at_s = stamp(at)
        needs = amount is not None and amount > limit
        digest = entry_hash(seq, at_s, at_s, author, cid, severity, post, shift, text, None, amount, needs, prev)
        entries.append((seq, seq, at_s, at_s, author, cid, severity, post, shift, text, amount, int(needs),
                        prev, digest))
        body = tokens.get((text, post))
        if body is None:
            body = tokens[(text, post)] = index_text(text, post)
        search.append((seq, body))
        ids.append(seq)
        prev = digest
    db.cursor().executemany(
        "INSERT INTO log_entry (id, seq, at, created, author_id, category_id, severity, post, shift, text, "
        "amount_cents, needs_approval, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
    db.cursor().executemany("INSERT INTO log_search (rowid, body) VALUES (?, ?)", search)
    db.execute_sql("UPDATE log_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))
    return ids


def fill(rows: Iterator[tuple]) -> int:
    """Write *rows* in chunks of ``CHUNK`` (one transaction each); how many."""
    total = 0
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            total += len(write_entries(chunk))
            chunk = []
    if chunk:
        total += len(write_entries(chunk))
    return total


@writes
def _aftermath(ctx) -> str:
    """Acknowledge past emergencies, decide expenses, open follow-ups, hand over past shifts."""
    rng = ctx.rng
    now = ctx.now
    leads = [p["id"] for p in ctx.staff if p["role"] == "lead"] or [p["id"] for p in ctx.staff]
    officers = [p["id"] for p in ctx.staff if p["role"] == "officer"] or leads
    for eid, at in db.execute_sql("SELECT id, at FROM log_entry WHERE severity = 'emergency'").fetchall():
        db.execute_sql("INSERT INTO log_ack (entry_id, person_id, at) VALUES (?, ?, ?)",
                       (eid, rng.choice(leads), stamp(dt.datetime.fromisoformat(at) + dt.timedelta(minutes=7))))
    waiting = db.execute_sql("SELECT id, at, author_id FROM log_entry WHERE needs_approval = 1 ORDER BY seq").fetchall()
    for eid, at, author in waiting[:-2]:  # the newest two still wait
        lead = next((p for p in leads if p != author), leads[0])
        db.execute_sql("INSERT INTO expense_decision (entry_id, person_id, at, approved, note) VALUES (?, ?, ?, ?, '')",
                       (eid, lead, stamp(dt.datetime.fromisoformat(at) + dt.timedelta(hours=1)), 1))
    followups = 0
    for eid, at in db.execute_sql("SELECT e.id, e.at FROM log_entry e JOIN log_category c ON c.id = e.category_id "
                                  "WHERE c.key IN ('meeting', 'fault') ORDER BY e.seq").fetchall():
        opened = dt.datetime.fromisoformat(at)
        due = opened + dt.timedelta(hours=24)
        closed = opened + dt.timedelta(hours=rng.randint(2, 30)) if due < now - dt.timedelta(days=2) else None
        db.execute_sql(
            "INSERT INTO follow_up (entry_id, owner_id, opened_by_id, opened_at, due_at, what, closed_at, "
            "closed_by_id, close_note) VALUES (?, ?, ?, ?, ?, (SELECT text FROM log_entry WHERE id = ?), ?, ?, ?)",
            (eid, rng.choice(officers), rng.choice(leads), stamp(opened), stamp(due), eid,
             stamp(closed) if closed else None, rng.choice(officers) if closed else None, "已办结" if closed else ""))
        followups += 1
    for post, every in PATROL_RULES:
        db.execute_sql("INSERT OR IGNORE INTO patrol_rule (post, every_minutes, active) VALUES (?, ?, 1)",
                       (post, every))
    return f"{followups} follow-ups"


@writes
def _handovers(ctx) -> int:
    rng = ctx.rng
    leads = [p["id"] for p in ctx.staff if p["role"] == "lead"] or [p["id"] for p in ctx.staff]
    shift = standard_shift(dt.datetime.combine(ctx.first_day, dt.time(8)))
    count = 0
    while shift.end < ctx.now:
        out, inc = rng.sample(leads, 2) if len(leads) > 1 else (leads[0], leads[0])
        closed = shift.end + dt.timedelta(minutes=rng.choice((-20, -10, -5, 0, 5, 50)))
        report = f"# Handover report: {shift.label}\n\n- 本班正常，详见值班记录。\n"
        db.execute_sql(
            "INSERT INTO handover (shift_start, shift_end, shift, outgoing_id, closed_at, report, note, incoming_id, "
            "countersigned_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)",
            (stamp(shift.start), stamp(shift.end), shift.label, out, stamp(closed), report, inc,
             stamp(closed + dt.timedelta(minutes=10))))
        count += 1
        shift = standard_shift(shift.end)
    return count


def build(ctx) -> None:
    from models.session import SYSTEM, acting_as

    with acting_as(SYSTEM):
        _build(ctx)


def _build(ctx) -> None:
    # Events grow a little faster than the staff: 30 people write a few dozen entries a day,
    # 1,000 people over a year about a million, which a benchmark wants.
    density = max(1.0, (ctx.people / 30) ** 1.25)
    total = fill(plan(ctx, density))
    notes = _aftermath(ctx)
    handovers = _handovers(ctx)
    if total <= 200_000:  # duty facts from the log: missed patrols, late handovers, overdue follow-ups
        from models import followups, handover, patrols

        start = dt.datetime.combine(ctx.first_day, dt.time())
        end = ctx.now
        patrols.detect_missed(start, end)
        handover.record_handover_facts(start, end)
        followups.record_overdue(end)
    ctx.notes.append(f"{total} log entries, {notes}, {handovers} handovers")
