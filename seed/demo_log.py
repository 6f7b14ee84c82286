"""Demo duty log: patrols, visitors, calls, faults, meetings, expenses, a few emergencies,
follow-ups and handovers over the demo's days, written by the people the roster put on duty;
and the warehouse's and production's own entries, which the documents' rules count.

The books (``_Books``) are read off the rules themselves: for each rule of a warehouse or
production position that counts an activity (a shortfall or a hand-in due by a time), the
person writes what it asks for, on the days they work, from the start of the last completed
quarter. A few things go wrong on purpose, so a new user sees the rules at work on the
Scores screen: 仓库副主任 skips a monthly stocktake, 木料场会计 misses two hourly patrols on the
day a shift lead records him away from his post (and one more this quarter), 仓库内业员 hands
a daily report in the next morning, and a supervisor records a grade for the production
plan and the month's defect rate (below its target: a bonus) about 生产部经理.

At scale (``fill``) it writes a million entries in seconds rather than minutes: rows go in
with ``executemany`` in big transactions and the hash chain is computed here in Python,
exactly as ``models.logbook.chain`` checks it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import random
from dataclasses import dataclass, field
from typing import Iterator

from duty_desk.models import clock
from duty_desk.models.storage.db import db, writes
from duty_desk.models.logbook.chain import entry_hash, stamp
from duty_desk.models.logbook.search import index_text
from duty_desk.models.logbook.shift import standard_shift

CHUNK = 50_000
PLACES = ("东门", "西门", "仓库", "木料场", "机房", "大厅", "停车场")
# The duty office's own rounds (no document sets their interval: no rule counts them). The
# timber yard's hourly patrol is the accountant's, on his duty there (``_Books``).
ROUNDS = (("东门", 60), ("停车场", 120))
TEXTS = {
    "patrol": ("巡逻正常，门窗已锁", "巡逻：消防通道畅通", "夜间巡逻，未见异常", "Patrol: all quiet",
               "巡逻发现照明灯损坏一处"),
    "visitor": ("来访：财务部审计人员 2 名，已登记", "快递员送件，已签收", "Visitor from the bank, escorted",
                "供应商来访，已通知仓库主任"),
    "phone": ("电话：客户询问发货时间，已转销售部", "Phone: supplier confirms delivery tomorrow",
              "电话：物业通知明早停水", "电话报修空调"),
    "fault": ("设备故障：机房空调漏水，已报修", "打印机卡纸，已处理", "UPS alarm, battery check requested",
              "门禁读卡器失灵，已联系维修"),
    "security": ("发现陌生人员在停车场逗留，已询问登记", "监控摄像头画面中断 5 分钟", "Gate left open, closed it"),
    "meeting": ("例会：决定更换东门监控，责任人见督办", "Meeting: fire drill next Friday, owner assigned",
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
    """(person, role, start, end, shift label) on duty at the desk that day: the roster's, else
    invented. The timber yard's duty is the warehouse's (``_Books``)."""
    from duty_desk.seed.demo_roster import TIMBER_YARD

    try:
        from duty_desk.models.roster.duties import duties_between
        duties = [(d.person_id, d.role, d.starts_at, d.ends_at, f"{d.day:%Y-%m-%d} {d.shift_zh}")
                  for d in duties_between(day, day) if d.post_key != TIMBER_YARD[0]]
    except Exception:  # no roster area: two standard shifts from the staff
        duties = []
    if duties:
        return duties
    leads = ctx.desk("lead") or [p["id"] for p in ctx.staff]
    officers = ctx.desk("officer") or leads
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
        rounds: dict[dt.datetime, int] = {}  # the first officers of a shift walk the rounds
        for pid, role, start, end, label in duties:
            hours = int((end - start).total_seconds() // 3600)
            if role == "officer":
                turn = rounds[start] = rounds.get(start, -1) + 1
                if turn < len(ROUNDS):
                    place, every = ROUNDS[turn]
                    for minute in range(0, hours * 60, every):
                        if rng.random() < 0.015:  # a round skipped now and then
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
    """Append planned entries to the chain in one transaction; their ids. A row may carry an
    eighth field, the people present (a meeting's attendees, as ``+name`` in its text)."""
    cats = _categories()
    limit_row = db.execute_sql("SELECT value FROM log_setting WHERE key = 'expense_limit_cents'").fetchone()
    limit = int(limit_row[0]) if limit_row else 50000
    seq, prev = db.execute_sql("SELECT seq, hash FROM log_head WHERE id = 1").fetchone()
    tokens: dict[tuple[str, str], str] = {}  # demo texts repeat: tokenise each text and post once
    entries, search, ids, present = [], [], [], []
    for at, author, key, post, shift, text, amount, *attendees in rows:
        seq += 1  # an entry's id is its number, as models.logbook.entries writes it
        if attendees:
            present += [(seq, pid) for pid in attendees[0]]
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
    if present:
        db.cursor().executemany("INSERT INTO log_person (entry_id, person_id, role) VALUES (?, ?, 'attendee')",
                                present)
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
    leads = ctx.desk("lead") or [p["id"] for p in ctx.staff]
    officers = ctx.desk("officer") or leads
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
    return f"{followups} follow-ups"


@writes
def _handovers(ctx) -> int:
    rng = ctx.rng
    leads = ctx.desk("lead") or [p["id"] for p in ctx.staff]
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
    from duty_desk.models.accounts.session import SYSTEM, acting_as

    with acting_as(SYSTEM):
        _build(ctx)


def _build(ctx) -> None:
    # Events grow a little faster than the staff: 30 people write a few dozen entries a day,
    # 1,000 people over a year about a million, which a benchmark wants.
    density = max(1.0, (ctx.people / 30) ** 1.25)
    books = _Books.of(ctx)
    total = fill(heapq.merge(plan(ctx, density), books.rows, key=lambda row: row[0]))
    recorded = books.record()
    notes = _aftermath(ctx)
    handovers = _handovers(ctx)
    if total <= 200_000:  # duty facts from the log: missed patrols, late handovers, overdue follow-ups
        from duty_desk.models.logbook import followups
        from duty_desk.models.logbook import handover
        from duty_desk.models.logbook import patrols

        start = dt.datetime.combine(ctx.first_day, dt.time())
        end = ctx.now
        patrols.detect_missed(start, end)
        handover.record_handover_facts(start, end)
        followups.record_overdue(end)
    ctx.notes.append(f"{total} log entries ({len(books.rows)} of the warehouse and production, "
                     f"{recorded} recorded about a person), {notes}, {handovers} handovers")


# ---- the warehouse's and production's books: what the documents' rules count --------------

TIMBER_ACCOUNTANT = "001-timber-yard-accountant"
DEPUTY = "001-warehouse-deputy-director"
DIRECTOR = "001-warehouse-director"
CLERK = "001-warehouse-records-clerk"
PRODUCTION = "001-production-manager"
POST = {PRODUCTION: "生产部"}  # where each writes from (the timber yard's accountant: the yard)
BOOK_TEXTS = {
    "stocktake": ("月度内部盘点完成，账、卡、物相符", "内部盘点：平面仓库及井下仓库已核对"),
    "stocktake_full": ("按库存物资总账全面盘点完成，盘点表交内业",),
    "dispatch": ("调度会：安排当天收发料和验收工作", "调度会：落实井下区队补库计划", "调度会：布置夜间入库物资验收"),
    "study": ("业务学习：仓库保管制度及细则", "业务学习：物资验收程序", "业务学习：五防工作要求"),
    "mine_visit": ("下井检查区队小仓库存货，情况正常", "下井：核对井下仓库账物"),
    "inspection": ("巡查所属库区一次，未见异常", "巡查：平面仓库防潮措施到位", "巡查：井下仓库通风良好"),
    "work_check": ("检查本部门当日工作，完成日考核",),
    "end_check": ("下班检查：当天安排的工作逐项落实", "下班检查：有安排、有落实、有检查"),
    "report_daily": ("日报表已完成", "出库日报表及出勤表已交仓库内业"),
    "report_monthly": ("上月月报表已完成",),
    "plan_weekly": ("本周工作计划已报送",),
    "plan_monthly": ("本月工作计划已报送",),
    "plan_yearly": ("年度工作计划(含生产计划、生产准备计划)已报送",),
    "training": ("对库内保管员进行业务知识培训",),
}
ROUTINE = {  # an ordinary line of the day, so a day at work is one the log shows
    PRODUCTION: ("审核当日各类报表", "下达日调度命令", "审批周生产作业排产计划", "检查车间交检产品质量"),
    TIMBER_ACCOUNTANT: ("木材验收：检尺、材积计算完毕，验收单已开", "按领料单发放坑木，手续齐全"),
    "": ("验收入库：钢材一批，单据齐全", "发料：按领料单发放，手续齐全", "入库单据已入账", "物资摆放整齐，库内无灰尘"),
}
# When in the day (or the period's chosen day) each activity is written.
HOUR = {"dispatch": (8, 5), "inspection": (10, 10), "study": (15, 0), "mine_visit": (9, 30), "work_check": (15, 20),
        "end_check": (17, 35), "stocktake": (14, 0), "stocktake_full": (8, 40), "training": (14, 30)}
# Where in a period a once-a-period activity falls (0 its first working day, 1 its last).
PLACE_IN = {"study": 0.0, "stocktake": 0.8}
HAND_IN = dt.time(16, 30)  # a hand-in comes in the afternoon, or just before it is due
ATTENDED = ("dispatch", "study")  # the director's meetings: the warehouse's people present
ROUND = dt.timedelta(minutes=55)  # the accountant walks the yard within the hour the rule asks


def _in(day: dt.date, first: dt.date, end: dt.date) -> bool:
    return first <= day < end


@dataclass
class _Books:
    """The warehouse's and production's entries, read off each person's rules."""

    ctx: object
    holidays: set[dt.date]
    rows: list[tuple] = field(default_factory=list)
    misses: dict[tuple[int, int, dt.date], int] = field(default_factory=dict)  # (person, rule, slot) → how many
    blocked: dict[int, list[tuple[frozenset, dt.date, dt.date]]] = field(default_factory=dict)
    late_once: tuple[int, int, dt.date] | None = None  # (person, rule, day): handed in the next morning
    yard: dict[int, dict[dt.date, object]] = field(default_factory=dict)  # the yard's duties by person, day
    absent: tuple[int, dt.datetime] | None = None  # (person, moment): recorded away from the yard
    people: dict[str, list[int]] = field(default_factory=dict)  # position key → people

    @classmethod
    def of(cls, ctx) -> "_Books":
        from duty_desk.models.roster.duties import holidays_between

        books = cls(ctx, set(holidays_between(ctx.books_first - dt.timedelta(days=400),
                                              ctx.today + dt.timedelta(days=400))))
        from duty_desk.seed.demo import WAREHOUSE

        books.people = {key: ctx.holding(key) for key in WAREHOUSE}
        books._yard_duties()
        books._plan_misses()
        for key in WAREHOUSE:
            for pid in books.people[key]:
                books._person(pid, key)
        books._patrols()
        books.rows.sort(key=lambda row: row[0])
        return books

    # -- when each works -------------------------------------------------------------------
    def _yard_duties(self) -> None:
        from duty_desk.models.roster.duties import duties_between
        from duty_desk.seed.demo_roster import TIMBER_YARD

        for duty in duties_between(self.ctx.books_first, self.ctx.today):
            if duty.post_key == TIMBER_YARD[0]:
                self.yard.setdefault(duty.person_id, {})[duty.day] = duty

    def works(self, pid: int, day: dt.date) -> bool:
        """A working day of the person's (today's included): Monday to Friday but holidays,
        and every day the roster has them on duty."""
        if day < self.ctx.books_first:
            return False
        return (day.weekday() < 5 and day not in self.holidays) or day in self.yard.get(pid, {})

    # -- what goes wrong on purpose ------------------------------------------------------------
    def _plan_misses(self) -> None:
        from duty_desk.models.periods import containing, last_completed
        from duty_desk.models.appraisal.rules import rules_for

        ctx = self.ctx
        last = last_completed("quarter", ctx.today)
        middle = containing("month", last.starts + dt.timedelta(days=40))  # the quarter's middle month
        month = last_completed("month", ctx.today)
        current = containing("quarter", ctx.today)
        months = [middle] + ([month] if month.starts >= current.starts else [])
        # 仓库副主任 skips the monthly stocktake of those months (少一次月盘点扣1分), and when the
        # last quarter closed the year, one of its two full stocktakes (少一次年盘点扣3分).
        for pid in self.people.get(DEPUTY, [])[:1]:
            for rule in rules_for(self._position(pid)):
                if rule.basis == "shortfall" and rule.every == "month" and "stocktake" in rule.activity:
                    for span in months:
                        self.misses[(pid, rule.id, span.starts)] = rule.times
                        self.blocked.setdefault(pid, []).append((frozenset(rule.activity), span.starts, span.ends))
                if rule.basis == "shortfall" and rule.every == "year" and last.ends.month == 1:
                    self.misses[(pid, rule.id, containing("year", last.starts).starts)] = 1
        # 仓库内业员 hands one daily report in the next morning (日报表不及时完成).
        for pid in self.people.get(CLERK, [])[:1]:
            rule = next((r for r in rules_for(self._position(pid))
                         if r.basis == "late" and r.activity == ("report_daily",)), None)
            day = middle.starts + dt.timedelta(days=14)
            while not (day.weekday() < 4 and self.works(pid, day) and self.works(pid, day + dt.timedelta(days=1))):
                day += dt.timedelta(days=1)
            if rule is not None:
                self.late_once = (pid, rule.id, day)
        # 木料场会计 leaves the yard one morning of that month, so two rounds are missed.
        for pid in self.people.get(TIMBER_ACCOUNTANT, [])[:1]:
            yard = self.yard.get(pid, {})
            duties = [yard[day] for day in sorted(yard) if day >= middle.starts + dt.timedelta(days=9)]
            if duties:
                self.absent = (pid, duties[0].starts_at + dt.timedelta(hours=2, minutes=35))

    def _position(self, pid: int) -> int:
        return next(p["position_id"] for p in self.ctx.staff if p["id"] == pid)

    # -- a person's entries ----------------------------------------------------------------------
    def _person(self, pid: int, key: str) -> None:
        from duty_desk.models.periods import containing
        from duty_desk.models.appraisal.rules import _slot_containing, rules_for, schedules, slots_starting

        ctx = self.ctx
        rng = ctx.rng
        # A hand-in due in the quarter before the books is still asked for (its sheets are open
        # too); one due earlier (the year's plan, in January) is not.
        reach = dt.datetime.combine(containing("quarter", ctx.books_first - dt.timedelta(days=1)).starts, dt.time())
        post = POST.get(key, "仓库")
        rules = [r for r in rules_for(self._position(pid)) if r.basis in ("shortfall", "late") and r.activity]
        plans = [(rule, keys, every, due) for rule in rules for keys, every, due in schedules(rule) if every != "hour"]
        days = [ctx.books_first + dt.timedelta(days=n) for n in range((ctx.today - ctx.books_first).days + 1)]
        worked = sorted(d for d in days if self.works(pid, d))
        if not worked:
            return
        done: set[tuple[int, dt.date]] = set()
        grown = True
        while grown:  # a hand-in due before the first working day of a period adds that day
            grown = False
            for n, (rule, keys, every, due) in enumerate(plans):
                first = _slot_containing(every, worked[0])[0]
                for starts, ends in slots_starting(every, first, worked[-1] + dt.timedelta(days=1)):
                    if (n, starts) in done:
                        continue
                    inside = worked[bisect.bisect_left(worked, starts):bisect.bisect_left(worked, ends)]
                    if not inside:
                        continue  # a period the person did not work asks nothing of them
                    done.add((n, starts))
                    fewer = self.misses.get((pid, rule.id, starts), 0)
                    if fewer >= rule.times:
                        continue  # skipped on purpose
                    if rule.basis == "shortfall":
                        self._activity(pid, post, rule, keys[0], starts, ends, inside, fewer)
                    else:
                        day = self._hand_in(pid, post, rule, keys[0], due, starts, ends, worked, reach)
                        if day is not None and day not in worked:
                            bisect.insort(worked, day)
                            grown = True
        routine = ROUTINE.get(key, ROUTINE[""])
        for day in worked:  # an ordinary line on every day at work
            at = dt.datetime.combine(day, dt.time(9, 15)) + dt.timedelta(minutes=rng.randint(0, 30))
            self._row(at, pid, "other", post, rng.choice(routine))

    def _activity(self, pid, post, rule, key, starts, ends, inside, fewer: int = 0) -> None:
        """The *times* entries a shortfall rule asks for in a period (*fewer* of them, where one
        is skipped on purpose), on days the person works."""
        ctx = self.ctx
        free = [d for d in inside if not self._blocked(pid, rule.activity, d)]
        ahead = []  # the period's working days still to come count where its entries fall
        day = max(ctx.today + dt.timedelta(days=1), starts)
        while day < ends:
            if self.works(pid, day):
                ahead.append(day)
            day += dt.timedelta(days=1)
        choice = free + ahead
        if not choice:
            return
        if len(inside) == 1 and (ends - starts).days == 1:
            picks = [choice[0]] * rule.times
        elif rule.times == 1:
            picks = [choice[round(PLACE_IN.get(key, 0.5) * (len(choice) - 1))]]
        else:
            picks = [choice[min(len(choice) - 1, (k + 1) * len(choice) // (rule.times + 1))]
                     for k in range(rule.times)]
        hour, minute = HOUR.get(key, (11, 0))
        for k, day in enumerate(picks[:len(picks) - fewer]):
            at = dt.datetime.combine(day, dt.time(hour, minute)) + dt.timedelta(minutes=ctx.rng.randint(0, 15) + 60 * k)
            self._row(at, pid, key, post, self._text(key), self._present(pid, key))

    def _hand_in(self, pid, post, rule, key, due, starts, ends, worked, reach) -> dt.date | None:
        """The hand-in a late rule asks for in a period: before it is due, on a working day."""
        from duty_desk.models.appraisal.rules import due_at

        begin, end = dt.datetime.combine(starts, dt.time()), dt.datetime.combine(ends, dt.time())
        due_moment = due_at(due, starts, self.holidays)
        low, high = max(begin, due_moment - (end - begin)), min(due_moment, end)
        if high <= low or due_moment < reach:
            return None
        last = (high - dt.timedelta(seconds=1)).date()
        window = [low.date() + dt.timedelta(days=n) for n in range((last - low.date()).days + 1)]
        day = next((d for d in window if d in worked or (d > self.ctx.today and self.works(pid, d))), None) or \
            next((d for d in window if d.weekday() < 5 and d not in self.holidays), window[0])
        at = max(low, min(dt.datetime.combine(day, HAND_IN), high - dt.timedelta(minutes=30)))
        early = dt.timedelta(minutes=self.ctx.rng.randint(0, 20))
        at -= early if at - early >= low else dt.timedelta()
        if self.late_once == (pid, rule.id, starts):  # in the next morning, not by the evening
            at = dt.datetime.combine(starts + dt.timedelta(days=1), dt.time(9, 10))
        self._row(at, pid, key, post, self._text(key))
        return at.date() if at <= self.ctx.now else None

    def _blocked(self, pid: int, keys: tuple[str, ...], day: dt.date) -> bool:
        return any(set(keys) & block and _in(day, first, end) for block, first, end in self.blocked.get(pid, ()))

    def _text(self, key: str) -> str:
        from duty_desk.models.logbook.tables import LogCategory

        texts = BOOK_TEXTS.get(key)
        if texts:
            return self.ctx.rng.choice(texts)
        category = LogCategory.get_or_none(LogCategory.key == key)
        return f"{category.name_zh if category else key}：已完成"

    def _present(self, pid: int, key: str) -> tuple[int, ...]:
        """The warehouse's people at the director's meeting (not the accountant, on the yard)."""
        if key not in ATTENDED or pid not in self.people.get(DIRECTOR, []):
            return ()
        return tuple(p for k in (DEPUTY, CLERK, "001-warehouse-technician") for p in self.people.get(k, [])[:1])

    def _row(self, at: dt.datetime, pid: int, key: str, post: str, text: str, present: tuple[int, ...] = ()) -> None:
        if at > self.ctx.now:
            return  # the demo stands at its noon: nothing later is written
        label = standard_shift(at).label
        duty = self.yard.get(pid, {}).get(at.date())
        if duty is not None and duty.starts_at <= at < duty.ends_at:  # as the log labels a rostered duty's entry
            label, post = f"{duty.day:%Y-%m-%d} {duty.shift_zh}", duty.post_zh
        if present:
            names = dict((p["id"], p["name"]) for p in self.ctx.staff)
            text = " ".join(f"+{names[p]}" for p in present) + " " + text
        self.rows.append((at, pid, key, post, label, text, None, present))

    # -- the timber yard's hourly patrol ----------------------------------------------------------
    def _patrols(self) -> None:
        """A round of the yard every 55 minutes or so of each duty there; the rounds of the
        morning the accountant was away are missing, and one more this quarter."""
        from duty_desk.models.periods import containing

        ctx = self.ctx
        quarter = containing("quarter", ctx.today).starts
        for pid, by_day in self.yard.items():
            duties = [by_day[day] for day in sorted(by_day)]
            done = [d for d in duties if quarter <= d.day and d.ends_at <= ctx.now - dt.timedelta(days=1)]
            again = done[len(done) // 2] if done else None  # a round missed this quarter
            for duty in duties:
                at, n = duty.starts_at + dt.timedelta(minutes=2), 0
                while at < duty.ends_at:
                    away = self.absent and self.absent[0] == pid and dt.timedelta(0) <= \
                        at - self.absent[1] < dt.timedelta(hours=2)
                    if not away and not (duty is again and n == 5):
                        self._row(at, pid, "patrol", duty.post_zh, self.ctx.rng.choice(YARD_ROUNDS))
                    at += ROUND + dt.timedelta(minutes=ctx.rng.randint(0, 3))
                    n += 1

    # -- recorded about a person ------------------------------------------------------------------
    def record(self) -> int:
        """What a lead or supervisor records about a person, picking the document's rule:
        the accountant's absence from the yard, the production plan's grade, the month's
        defect rate. Each is written as of its own moment."""
        from duty_desk.models.organisation.org import Rule
        from duty_desk.models.periods import containing, last_completed
        from duty_desk.models.appraisal.rules import record_about, rules_for
        from duty_desk.models.accounts.session import Actor, acting_as

        ctx = self.ctx
        staff = {p["id"]: p for p in ctx.staff}
        leads = ctx.desk("lead") or [p["id"] for p in ctx.staff if p["role"] in ("lead", "supervisor", "admin")]
        from duty_desk.seed.demo import RECORDER

        chiefs = (ctx.holding(RECORDER) + [p["id"] for p in ctx.staff if p["role"] in ("supervisor", "admin")])
        count = 0

        def as_of(actor_id: int, moment: dt.datetime, person: int, rule_id: int, text: str, **value) -> None:
            nonlocal count
            actor = staff[actor_id]
            with clock.frozen_at(moment + dt.timedelta(minutes=25)), \
                    acting_as(Actor(actor["id"], actor["name"], actor["role"])):
                record_about(person, rule_id, text, at=moment, **value)
            count += 1

        if self.absent and leads:
            pid, moment = self.absent
            rule = next((r for r in rules_for(self._position(pid)) if r.code == "absent_from_post"), None)
            if rule is not None:
                as_of(leads[0], moment, pid, rule.id, "值班期间离开木料场约两小时，未报告，期间未巡逻")
        last = last_completed("quarter", ctx.today)
        middle = containing("month", last.starts + dt.timedelta(days=40))
        month = last_completed("month", ctx.today)
        current = containing("quarter", ctx.today)
        for pid in self.people.get(PRODUCTION, [])[:1]:
            if not chiefs:
                break
            rules = rules_for(self._position(pid))
            graded = next((r for r in rules if r.basis == "graded" and 10 in r.grades), None)
            if graded is not None:  # the month's plan left out an item of middling weight
                day = self._first_working_day(pid, middle.starts)
                as_of(chiefs[0], dt.datetime.combine(day, dt.time(10, 30)), pid, graded.id,
                      f"{middle.starts.month}月工作计划未安排设备检修保养", grade=6)
            measured = [r for r in rules if r.basis == "measured"]
            if measured:
                # No document gives the quality target: a local choice (the seed file may set
                # one, marked so); a demo without one takes 2.0 % rejects (98 % pass).
                _set_target([r.id for r in measured if r.target is None], 2.0)
                rule = Rule.get_by_id(measured[0].id)
                step = rule.step or 0.1
                spans = [(middle, -2)] + ([(month, 1)] if month.starts >= current.starts else [])
                for span, steps in spans:  # a bonus in the last quarter, a deduction in this one
                    value = round(rule.target + steps * step, 4)
                    moment = dt.datetime.combine(self._last_working_day(pid, span), dt.time(16, 0))
                    as_of(chiefs[0], moment, pid, rule.id,
                          f"{span.starts.month}月交检产品不合格率 {value:g}%（全月统计）", value=value)
        return count

    def _first_working_day(self, pid: int, day: dt.date) -> dt.date:
        while not self.works(pid, day):
            day += dt.timedelta(days=1)
        return day

    def _last_working_day(self, pid: int, span) -> dt.date:
        day = span.ends - dt.timedelta(days=1)
        while not self.works(pid, day) and day > span.starts:
            day -= dt.timedelta(days=1)
        return day


YARD_ROUNDS = ("木料场巡逻，无人吸烟", "木料场巡逻：消防器材完好", "木料场巡逻，未见异常",
               "木料场巡逻：木料堆放整齐，防火通道畅通")


@writes
def _set_target(rule_ids: list[int], target: float) -> None:
    from duty_desk.models.organisation.org import Rule

    if rule_ids:
        Rule.update(target=target).where(Rule.id.in_(rule_ids)).execute()
