"""An invented organisation to explore at once: the duty office, the warehouse and production.

The duty office (值班長, 值班員) keeps the desk around the clock. Beside it, one of each
warehouse position of 001 (仓库主任, 仓库副主任, 仓库内业员, 木料场会计, 仓库技术员) and a
生产部经理 record their work at the desk, so the documents' own point rules have something
to apply to (``seed.demo_log``). Administrators and supervisors sit in office positions, one
supervisor as 副总经理, to whom 生产部 answers. No rule is made here: every one is a document's.

Every name here is made up from common surnames and given names; none is a name the
documents give to a real person (``is_real_name``). ``build(people=…, days=…)`` scales up for
benchmarks (1,000 staff and a year of duty in seconds): rows go in with ``insert_many``
inside one transaction per step. Later steps (roster, log, scores) live in their own
modules, listed in ``STEPS``.

The whole demo lives at one moment, ``DemoContext.now`` (noon of ``today``): the clock is
frozen there while it is built, so every step agrees on "now", and the same seed and the
same ``today`` give the same database, row for row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import random
from dataclasses import dataclass, field
from functools import cached_property

from duty_desk.models.storage.db import writes
from duty_desk.models.organisation.org import Person, Position

from duty_desk.seed import loader
from duty_desk.models import clock

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("晓东", "海燕", "志强", "丽娟", "建华", "雪梅", "国庆", "文静", "子轩", "欣怡", "浩然", "梓涵",
         "立新", "春花", "宏伟", "秀英", "明辉", "玉兰", "俊杰", "婷婷", "伟", "敏", "静", "磊", "洋", "艳",
         "勇", "军", "杰", "娜", "涛", "超", "秀兰", "霞", "平", "刚", "桂英", "晨", "宇航", "思远")

# Names the documents give to real people beside their titles: never a demo name.
# The ten names the documents give to real people, as the first 16 hex digits of the
# SHA-256 of each: the demo must never make one, and this source must not hold them.
REAL_NAME_DIGESTS = frozenset((
    "8ebce7713c35ea90",
    "85006ec02a5b88ec",
    "db70868444869cc6",
    "2b803a62c6768e9b",
    "1e68c51cfcbbe37e",
    "6e10cf770ebdfc5a",
    "0c63e7732356d641",
    "2a107c8b99f0fa7c",
    "4a6956ec96b65c00",
    "c9c5fb4efec15b0a",
))


def is_real_name(name: str) -> bool:
    return hashlib.sha256(name.encode()).hexdigest()[:16] in REAL_NAME_DIGESTS
DEMO_TIME = dt.time(12)  # the demo is "as of" noon of its day, mid-way through the day shift
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # days a demo may be built for

# Steps that later areas add: modules in seed/ with ``build(ctx)``.
STEPS: list[str] = [
    "duty_desk.seed.demo_accounts", "duty_desk.seed.demo_roster", "duty_desk.seed.demo_log",
    "duty_desk.seed.demo_scores"]


# The positions whose rules the demo shows at work, in the order officers are given them (a
# small demo has the first few): the stocktakes, the timber yard's patrols and absence, the
# production plan's grade and the defect rate first.
WAREHOUSE = ("001-warehouse-deputy-director", "001-timber-yard-accountant", "001-production-manager",
             "001-warehouse-director", "001-warehouse-records-clerk", "001-warehouse-technician")
# The one who records the production manager's grade and defect rate (生产部 answers to them).
RECORDER = "001-deputy-general-manager"


@dataclass
class DemoContext:
    """What each demo step needs: the staff made so far, the span of days, a seeded random."""

    people: int
    days: int
    today: dt.date
    rng: random.Random
    staff: list[dict] = field(default_factory=list)  # id, name, role, position_id, position_key, desk
    notes: list[str] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=self.days - 1)

    @cached_property
    def books_first(self) -> dt.date:
        """The first day the warehouse and production record their work: the start of the last
        completed quarter (or earlier for a longer demo), so the quarter the Scores screen
        opens on shows the documents' rules at work."""
        from duty_desk.models.periods import containing, last_completed

        return min(containing("quarter", self.first_day).starts, last_completed("quarter", self.today).starts)

    def desk(self, role: str) -> list[int]:
        """The duty office's people of *role* ("lead" or "officer"): those the roster rotates."""
        return [p["id"] for p in self.staff if p["role"] == role and p["desk"]]

    def holding(self, key: str) -> list[int]:
        """The people holding the position *key*."""
        return [p["id"] for p in self.staff if p["position_key"] == key]

    @property
    def now(self) -> dt.datetime:
        """The demo's moment: what every step takes as "now"."""
        return dt.datetime.combine(self.today, DEMO_TIME)


def invented_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if is_real_name(name):
            continue
        if name in seen:
            name += str(len(names))  # large demos run out of pairs
        seen.add(name)
        names.append(name)
    return names


def role_plan(count: int) -> list[str]:
    """One admin, a supervisor per 15, a shift lead per 6, the rest duty officers."""
    supervisors = max(1, count // 15)
    leads = max(2, count // 6)
    officers = max(0, count - 1 - supervisors - leads)
    return ["admin"] + ["supervisor"] * supervisors + ["lead"] * leads + ["officer"] * officers


@writes
def _staff(ctx: DemoContext) -> None:
    positions = {p.key: p.id for p in Position.select(Position.id, Position.key)}
    duty_positions = {"lead": positions.get("002-shift-lead"), "officer": positions.get("002-duty-officer")}
    office = ([pid for key, pid in positions.items() if key.startswith(("003-", "001-office"))]
              or list(positions.values()))
    plan = role_plan(ctx.people)
    # The first officers hold the warehouse and production positions, one each, while at
    # least half the officers stay at the desk (a small demo has fewer of them).
    officers = plan.count("officer")
    books = [key for key in WAREHOUSE if key in positions][:officers // 2]
    rows, desk = [], []
    now = ctx.now
    for n, (name, role) in enumerate(zip(invented_names(ctx.people, ctx.rng), plan)):
        at_desk = False
        if role == "officer" and books:
            position = positions[books.pop(0)]
        elif role == "supervisor" and RECORDER in positions and not any(
                r["position"] == positions[RECORDER] for r in rows):
            position = positions[RECORDER]
        elif role in duty_positions and duty_positions[role]:
            position, at_desk = duty_positions[role], True
        else:
            position, at_desk = office[n % len(office)], role in ("lead", "officer")
        rows.append({"name": name, "position": position, "role": role, "active": True, "created": now})
        desk.append(at_desk)
    first = Person.select().count()
    for chunk in range(0, len(rows), 500):
        Person.insert_many(rows[chunk:chunk + 500]).execute()
    keys = {pid: key for key, pid in positions.items()}
    made = Person.select().order_by(Person.id).offset(first)
    ctx.staff = [{"id": p.id, "name": p.name, "role": p.role, "position_id": p.position_id,
                  "position_key": keys.get(p.position_id), "desk": at_desk} for p, at_desk in zip(made, desk)]
    ctx.notes.append(f"{len(rows)} staff")


def build(people: int = 30, days: int = 28, seed: int = 7, today: dt.date | None = None,
          progress=None) -> DemoContext:
    """Load the seed positions, then add invented staff and every later demo step, all as
    of noon of *today* (default: the clock's today)."""
    if people < 4:
        raise ValueError("a demo needs at least 4 people")
    today = today or clock.today()
    if not FIRST_DAY <= today <= LAST_DAY:
        raise ValueError(f"a demo is built for a day between {FIRST_DAY} and {LAST_DAY}")
    ctx = DemoContext(people=people, days=days, today=today, rng=random.Random(seed))
    steps = ["duty_desk.seed.loader", "staff", *STEPS]
    tell = progress or (lambda step, done, total: None)  # a progress bar's ``advance``
    from duty_desk.models.accounts.session import SYSTEM, acting_as

    # The whole demo is written by "system", whoever is signed in at this terminal.
    with clock.frozen_at(ctx.now), acting_as(SYSTEM):
        tell(steps[0], 0, len(steps))
        loader.load()
        tell(steps[1], 1, len(steps))
        _staff(ctx)
        for n, step in enumerate(STEPS, 2):
            tell(step.rpartition(".")[2], n, len(steps))
            importlib.import_module(step).build(ctx)
        tell("", len(steps), len(steps))
        _mark(ctx)
    return ctx


@writes
def _mark(ctx: DemoContext) -> None:
    """A demo says so: the header shows DEMO and only a demo shows its PIN at the sign-in."""
    from duty_desk.models.accounts.credentials import DEMO_MARK_KEY, Setting

    Setting.insert(key=DEMO_MARK_KEY, value=f"{ctx.now:%Y-%m-%d %H:%M}").on_conflict_replace().execute()


def has_staff() -> bool:
    return Person.select().exists()
