"""Reading scores for screens and exports: plain dataclasses, computed in a few bulk queries.

A period's results take three queries whatever its size (sheets with their people, the
ratings averaged per item and side, the confirmed adjustments summed per rule), then the
arithmetic of ``models.appraisal.scoring`` in Python. Peers stay anonymous: no peer's id or name
leaves this module, only their mean, their count and their comments. What a reader may see
at all (everything, their own sheet, or a colleague's criteria to rate) is decided by
``models.appraisal.access`` before anything is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from duty_desk.models.appraisal.tables import (
    LOCKED, Adjustment, AppraisalPeriod, Rating, Scoresheet, SheetEvent, SheetItem,
                        decode_bands)
from duty_desk.models.storage.db import db
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.organisation.org import Department, Person, Position, Rule
from duty_desk.models.periods import parse
from duty_desk.models.appraisal.access import FULL, PEER, access_to, peer_sheets, require_person, sees_all, viewer
from duty_desk.models.appraisal.scoring import (
    DEFAULT_BANDS, RATERS, CriterionParts, Total, criterion_score, parse_raters, rule_points, total)
from duty_desk.models import clock
from duty_desk.models.dates import stored_date, stored_moment_or_none

GAP_SHARE = 0.3  # self and supervisor this far apart (share of the item's maximum) is flagged


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    key: str
    kind: str
    starts: dt.date
    ends: dt.date
    sheets: int


@dataclass(frozen=True)
class ResultRow:
    sheet_id: int
    person_id: int
    name: str
    department_zh: str
    department_en: str
    department_sort: int
    position_zh: str
    position_en: str
    state: str
    score: float | None  # None until every item is rated
    band_zh: str
    band_en: str
    rated: float
    deductions: float
    bonuses: float
    complete: bool
    open_proposals: int
    rank: int | None = None
    access: str = FULL  # PEER: a colleague to rate, shown without score, band or state
    criteria_rated: int = 0  # items with a score so far, of
    criteria_total: int = 0

    @property
    def provisional(self) -> bool:
        """Until the sheet is approved its score may still change: no rank, and its band is
        not counted in the spread (a self-assessment must not top the list)."""
        return self.state not in LOCKED


@dataclass(frozen=True)
class PeriodResults:
    period: PeriodInfo
    rows: list[ResultRow]
    spread: list[tuple[str, str, int]]  # band zh, en, how many sheets (empty unless everyone is seen)
    everyone: bool = True  # False: only the reader's own row and the colleagues they rate


# ---- periods ------------------------------------------------------------------------------

def list_periods() -> list[PeriodInfo]:
    """Every opened period, newest first."""
    counts = dict(db.execute_sql("SELECT period_id, count(*) FROM scoresheet GROUP BY period_id").fetchall())
    return [PeriodInfo(p.id, p.key, p.kind, stored_date(p.starts), stored_date(p.ends), counts.get(p.id, 0))
            for p in AppraisalPeriod.select().order_by(AppraisalPeriod.starts.desc(), AppraisalPeriod.ends.desc())]


def default_period(today: dt.date | None = None) -> PeriodInfo | None:
    """The most recent period that has ended, else the newest one. Of a month and a quarter
    that end together, the quarter: its review takes the months in (they feed it)."""
    today = today or clock.today()
    periods = list_periods()
    ended = [p for p in periods if p.ends <= today]
    if ended:
        return max(ended, key=lambda p: (p.ends, -p.starts.toordinal()))
    return periods[0] if periods else None


def find_period(key_or_id) -> AppraisalPeriod:
    if isinstance(key_or_id, int):
        period = AppraisalPeriod.get_or_none(AppraisalPeriod.id == key_or_id)
    else:
        period = AppraisalPeriod.get_or_none(AppraisalPeriod.key == parse(key_or_id).key)
    if period is None:
        raise DutyError(N_("The period {key} has not been opened."), field="period", key=str(key_or_id))
    return period


# ---- the arithmetic over many sheets ------------------------------------------------------

@dataclass
class _SheetData:
    weights: dict[str, float]
    low: float
    high: float
    bands: list
    deduction_cap: float | None
    bonus_cap: float | None
    items: dict[int, float] = field(default_factory=dict)  # item id → max points
    ratings: dict[int, dict[str, tuple[float, int]]] = field(default_factory=dict)  # item → side → (mean, n)
    rules: list = field(default_factory=list)


def totals(where: str, params: tuple) -> dict[int, tuple[Total, list[CriterionParts]]]:
    """Each sheet's total (and its criteria) for the sheets ``where`` selects (SQL over ``s``)."""
    data: dict[int, _SheetData] = {}
    for sid, ws, wv, wp, low, high, bands, dcap, bcap, raters in db.execute_sql(
            f"SELECT s.id, s.weight_self, s.weight_supervisor, s.weight_peer, s.min_score, s.max_score, "
            f"s.bands, s.deduction_cap, s.bonus_cap, s.raters FROM scoresheet s WHERE {where}", params):
        sides = parse_raters(raters)  # only the sheet's raters count, whatever else was given
        weights = {r: w if r in sides else 0.0 for r, w in (("self", ws), ("supervisor", wv), ("peer", wp))}
        data[sid] = _SheetData(weights, low, high, decode_bands(bands) or list(DEFAULT_BANDS), dcap, bcap)
    for sid, item_id, max_points in db.execute_sql(
            f"SELECT i.sheet_id, i.id, i.max_points FROM sheet_item i JOIN scoresheet s ON s.id = i.sheet_id "
            f"WHERE {where} ORDER BY i.sheet_id, i.seq", params):
        data[sid].items[item_id] = max_points
    for sid, item_id, side, mean, n in db.execute_sql(
            f"SELECT r.sheet_id, r.item_id, r.rater, avg(r.points), count(*) FROM rating r "
            f"JOIN scoresheet s ON s.id = r.sheet_id WHERE {where} GROUP BY r.sheet_id, r.item_id, r.rater", params):
        data[sid].ratings.setdefault(item_id, {})[side] = (mean, n)
    for sid, rule_id, kind, points, cap, count in db.execute_sql(
            f"SELECT a.sheet_id, a.rule_id, a.kind, a.points, max(a.cap), sum(a.count) FROM adjustment a "
            f"JOIN scoresheet s ON s.id = a.sheet_id WHERE a.status = 'confirmed' AND {where} "
            f"GROUP BY a.sheet_id, a.rule_id, a.kind, a.points", params):
        data[sid].rules.append(rule_points(rule_id, kind, points, count, cap))
    out = {}
    for sid, d in data.items():
        criteria = []
        for item_id, max_points in d.items.items():
            sides = d.ratings.get(item_id, {})
            peer = sides.get("peer")
            criteria.append(criterion_score(
                sides["self"][0] if "self" in sides else None,
                sides["supervisor"][0] if "supervisor" in sides else None,
                peer[0] if peer else None, peer[1] if peer else 0, d.weights, max_points))
        out[sid] = (total(criteria, d.rules, d.low, d.high, d.bands, d.deduction_cap, d.bonus_cap), criteria)
    return out


_ROWS_SQL = (
    "SELECT s.id, p.id, p.name, coalesce(d.name_zh, ''), coalesce(d.name_en, ''), coalesce(d.sort, 9999), "
    "coalesce(pos.title_zh, ''), coalesce(pos.title_en, ''), s.state FROM scoresheet s "
    "JOIN person p ON p.id = s.person_id LEFT JOIN position pos ON pos.id = s.position_id "
    "LEFT JOIN department d ON d.id = pos.department_id WHERE {where}")


def period_results(key_or_id) -> PeriodResults:
    """A period's table as the signed-in person may see it.

    A supervisor or administrator: every sheet with its score, band, rank and state, and the
    spread over the bands. Anyone else: their own row (score, band, state; no rank, which
    would tell how colleagues did) and the colleagues they rate as a peer, with none of
    those; no spread."""
    period = find_period(key_or_id)
    actor = viewer()
    if sees_all(actor):
        return _everyone(period)
    own = _scored_rows("s.period_id = ? AND s.person_id = ?", (period.id, actor.id if actor.id is not None else -1))
    peers = peer_sheets(actor, period.id)
    rows = list(own)
    if peers:
        marks = ", ".join("?" for _ in peers)
        for sid, pid, name, dzh, den, dsort, pzh, pen, _state in db.execute_sql(
                _ROWS_SQL.format(where=f"s.id IN ({marks})"), tuple(peers)):
            rows.append(ResultRow(sid, pid, name, dzh, den, dsort, pzh, pen, "", None, "", "", 0.0, 0.0, 0.0,
                                  False, 0, None, PEER))
    rows.sort(key=lambda r: (r.access != FULL, r.department_sort, r.department_zh, r.name))
    info = PeriodInfo(period.id, period.key, period.kind, stored_date(period.starts), stored_date(period.ends),
                      len(rows))
    return PeriodResults(info, rows, [], everyone=False)


def _scored_rows(where: str, params: tuple) -> list[ResultRow]:
    """The rows of the sheets ``where`` selects, each with its score and band (unranked)."""
    computed = totals(where, params)
    open_counts = {sid: n for sid, n in db.execute_sql(
        f"SELECT a.sheet_id, count(*) FROM adjustment a JOIN scoresheet s ON s.id = a.sheet_id "
        f"WHERE {where} AND a.status = 'proposed' GROUP BY a.sheet_id", params)}
    rows = []
    for sid, pid, name, dzh, den, dsort, pzh, pen, state in db.execute_sql(_ROWS_SQL.format(where=where), params):
        t, _criteria = computed[sid]
        scored = t.complete and t.criteria_total > 0
        band = t.band if scored and t.band else ("", "")
        rows.append(ResultRow(sid, pid, name, dzh, den, dsort, pzh, pen, state, t.score if scored else None,
                              band[0], band[1], t.rated, t.deductions, t.bonuses, t.complete,
                              open_counts.get(sid, 0), criteria_rated=t.criteria_rated,
                              criteria_total=t.criteria_total))
    return rows


def _everyone(period: AppraisalPeriod) -> PeriodResults:
    rows = rank(_scored_rows("s.period_id = ?", (period.id,)))
    spread: dict[tuple[str, str], int] = {}
    bands = []
    for sid, in db.execute_sql("SELECT s.id FROM scoresheet s WHERE s.period_id = ? LIMIT 1", (period.id,)):
        bands = decode_bands(Scoresheet.get_by_id(sid).bands) or list(DEFAULT_BANDS)
    for zh, en, _minimum in bands:
        spread[(zh, en)] = 0
    for row in rows:
        if row.score is not None and not row.provisional:
            spread[(row.band_zh, row.band_en)] = spread.get((row.band_zh, row.band_en), 0) + 1
    info = PeriodInfo(period.id, period.key, period.kind, stored_date(period.starts), stored_date(period.ends),
                      len(rows))
    return PeriodResults(info, rows, [(zh, en, n) for (zh, en), n in spread.items()])


def rank(rows: list[ResultRow]) -> list[ResultRow]:
    """Rank approved sheets by score, highest first; equal scores share a rank (1, 2, 2, 4);
    unscored and provisional (not yet approved) sheets have none."""
    from dataclasses import replace

    scored = sorted((r for r in rows if r.score is not None and not r.provisional), key=lambda r: -r.score)
    ranks: dict[int, int] = {}
    for n, row in enumerate(scored, 1):
        ranks[row.sheet_id] = ranks[scored[n - 2].sheet_id] if n > 1 and scored[n - 2].score == row.score else n
    ordered = sorted(rows, key=lambda r: (r.department_sort, r.department_zh, r.score is None,
                                          r.provisional, -(r.score or 0), r.name))
    return [replace(r, rank=ranks.get(r.sheet_id)) for r in ordered]


# ---- one sheet ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemView:
    seq: int
    group_zh: str
    group_en: str
    name_zh: str
    name_en: str
    max_points: float
    measure: str
    parts: CriterionParts
    comments: dict[str, list[str]]  # side → comments (peers' without names)
    wide_gap: bool

    @property
    def gap(self) -> float | None:
        if self.parts.self is None or self.parts.supervisor is None:
            return None
        return self.parts.supervisor - self.parts.self


@dataclass(frozen=True)
class AdjustmentView:
    id: int
    kind: str
    fact: str
    code: str | None
    points: float
    count: float
    cap: float | None
    source: str
    ref_id: int | None
    occurred_at: dt.datetime | None
    status: str
    reason: str
    note: str
    rule_id: int | None
    fine: float | None = None  # yuan, its own figure beside the points
    where: str = ""  # the rule's document and line: "001 · line 823" ("local": an administrator's)
    doc: str = ""  # the same in parts, to be said in the reader's language ("" for an administrator's rule)
    line: int | None = None
    basis: str = ""  # occurrence | shortfall | late | graded | measured (org.BASES)
    unit: str = ""  # the rule's unit: 次, 天 …
    local: str = ""  # which of the rule's parameters are local choices, and why

    @property
    def signed(self) -> float:
        return (-1 if self.kind == "deduction" else 1) * self.points * self.count


@dataclass(frozen=True)
class RuleChoice:
    id: int
    fact: str
    kind: str
    points: float
    unit: str
    cap: float | None


@dataclass(frozen=True)
class EventView:
    at: dt.datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str


@dataclass(frozen=True)
class TrendPoint:
    period_key: str
    score: float | None
    band_zh: str
    band_en: str


@dataclass(frozen=True)
class SheetDetail:
    sheet_id: int
    period_key: str
    period_kind: str
    person_id: int
    name: str
    position_zh: str
    position_en: str
    department_zh: str
    department_en: str
    state: str
    weights: dict[str, float]
    min_score: float
    max_score: float
    deduction_cap: float | None
    bonus_cap: float | None
    items: list[ItemView]
    adjustments: list[AdjustmentView]
    total: Total
    events: list[EventView]
    trend: list[TrendPoint]
    rules: list[RuleChoice]
    peer_count: int
    access: str = FULL  # PEER: only the criteria and the reader's own peer points are filled in
    raters: tuple[str, ...] = RATERS  # the sides that score this sheet
    feeds: tuple["FeedView", ...] = ()  # the shorter periods' sheets shown beside it

    @property
    def open_proposals(self) -> int:
        return sum(1 for a in self.adjustments if a.status == "proposed")

    @property
    def weights_local(self) -> bool:
        """Weights between several raters are no document's (``002`` and ``001`` name the
        raters, never their shares): a local choice. A single rater counts 100 %."""
        return len(self.raters) > 1


@dataclass(frozen=True)
class FeedView:
    """A sheet that feeds a longer period's review (a month's self-appraisal beside the
    quarter's), or the period of one not there (``sheet_id`` None)."""

    period_key: str
    sheet_id: int | None
    state: str
    score: float | None  # None until every item is rated
    criteria_rated: int
    criteria_total: int
    band_zh: str = ""
    band_en: str = ""
    raters: tuple[str, ...] = ()  # who scores it ("self": a self-appraisal)

    @property
    def provisional(self) -> bool:
        return self.state not in LOCKED


def sheet_detail(sheet_id: int) -> SheetDetail:
    sheet = (Scoresheet.select(Scoresheet, AppraisalPeriod, Person).join(AppraisalPeriod)
             .switch(Scoresheet).join(Person).where(Scoresheet.id == sheet_id).first())
    if sheet is None:
        raise DutyError(N_("That scoresheet no longer exists."))
    actor = viewer()
    access = access_to(sheet.id, sheet.person_id, actor)
    position = Position.get_or_none(Position.id == sheet.position_id)
    department = Department.get_or_none(Department.id == position.department_id) if position else None
    if access == PEER:
        return _peer_view(sheet, position, department, actor.id)
    computed = totals("s.id = ?", (sheet.id,))[sheet.id]
    t, criteria = computed
    comments: dict[int, dict[str, list[str]]] = {}
    peers = set()
    for r in Rating.select().where(Rating.sheet == sheet).order_by(Rating.rater, Rating.id):
        if r.rater == "peer":
            peers.add(r.slot)
        if r.comment:
            comments.setdefault(r.item_id, {}).setdefault(r.rater, []).append(r.comment)
    items = []
    for item, parts in zip(SheetItem.select().where(SheetItem.sheet == sheet).order_by(SheetItem.seq), criteria):
        wide = (parts.self is not None and parts.supervisor is not None
                and abs(parts.self - parts.supervisor) >= GAP_SHARE * item.max_points - 1e-9)
        items.append(ItemView(item.seq, item.group_zh, item.group_en, item.name_zh, item.name_en,
                              item.max_points, item.measure, parts, comments.get(item.id, {}), wide))
    adjustments = _adjustments(sheet.id)
    names = dict(Person.select(Person.id, Person.name).tuples())
    events = [EventView(stored_moment_or_none(e.at), names.get(e.actor_id, "system"), e.action, e.from_state,
                        e.to_state, e.reason)
              for e in SheetEvent.select().where(SheetEvent.sheet == sheet).order_by(SheetEvent.at, SheetEvent.id)]
    rules = [RuleChoice(r.id, r.fact, r.kind, r.points, r.unit, r.cap)
             for r in Rule.select().where(Rule.position == sheet.position_id, Rule.retired.is_null())
             .order_by(Rule.seq)]
    return SheetDetail(
        sheet.id, sheet.period.key, sheet.period.kind, sheet.person_id, sheet.person.name,
        position.title_zh if position else "", position.title_en if position else "",
        department.name_zh if department else "", department.name_en if department else "",
        sheet.state, {"self": sheet.weight_self, "supervisor": sheet.weight_supervisor, "peer": sheet.weight_peer},
        sheet.min_score, sheet.max_score, sheet.deduction_cap, sheet.bonus_cap, items, adjustments, t, events,
        _trend(sheet.person_id, sheet.period.kind), rules, len(peers), raters=_raters(sheet.id),
        feeds=tuple(_feeds(sheet)))


def _raters(sheet_id: int) -> tuple[str, ...]:
    row = db.execute_sql("SELECT raters FROM scoresheet WHERE id = ?", (sheet_id,)).fetchone()
    return parse_raters(row[0] if row else None)


def _adjustments(sheet_id: int) -> list[AdjustmentView]:
    """The sheet's deductions and bonuses, each with where its rule is written."""
    from duty_desk.models.appraisal import rules as rulebook

    refs: dict[int, object] = {}
    views = []
    for a in (Adjustment.select().where(Adjustment.sheet == sheet_id)
              .order_by(Adjustment.occurred_at, Adjustment.id)):
        ref = None
        if a.rule_id is not None:
            if a.rule_id not in refs:
                refs[a.rule_id] = rulebook.rule_ref(a.rule_id)
            ref = refs[a.rule_id]
        views.append(AdjustmentView(
            a.id, a.kind, a.fact, a.code, a.points, a.count, a.cap, a.source, a.ref_id,
            stored_moment_or_none(a.occurred_at),
            a.status, a.reason, a.note, a.rule_id, fine=a.fine,
            where=ref.where if ref else "", doc=ref.source_doc if ref and ref.seeded else "",
            line=ref.line if ref and ref.seeded else None, basis=ref.basis if ref else "", unit=ref.unit if ref else "",
            local=(ref.local or "") if ref else ""))
    return views


def feeding_sheets(sheet_id: int) -> list[FeedView]:
    """The sheets that feed *sheet_id*, oldest first: for a quarter's supervisor appraisal,
    the person's monthly self-appraisals of that quarter (a scheme's ``feeds`` names the
    longer scheme), with a row for each month that has none. Empty for a peer."""
    sheet = Scoresheet.get_or_none(Scoresheet.id == sheet_id)
    if sheet is None:
        raise DutyError(N_("That scoresheet no longer exists."))
    if access_to(sheet.id, sheet.person_id) != FULL:
        return []
    return _feeds(sheet)


def _feeds(sheet: Scoresheet) -> list[FeedView]:
    from duty_desk.models.organisation.org import Scheme
    from duty_desk.models.periods import containing

    scheme = Scheme.get_or_none(Scheme.id == sheet.scheme_id) if sheet.scheme_id else None
    feeders = list(Scheme.select().where(Scheme.feeds == scheme.key)) if scheme else []
    if not feeders:
        return []
    period = AppraisalPeriod.get_by_id(sheet.period_id)
    starts, ends = stored_date(period.starts), stored_date(period.ends)
    expected: dict[str, tuple] = {}
    for kind in dict.fromkeys(f.period for f in feeders):
        day = starts
        while day < ends:
            span = containing(kind, day)
            if span.starts >= starts and span.ends <= ends:
                expected[span.key] = (span.starts, span.ends)
            day = span.ends
    marks = ", ".join("?" for _ in feeders)
    where = (f"s.person_id = ? AND s.scheme_id IN ({marks}) AND s.id IN (SELECT x.id FROM scoresheet x "
             f"JOIN appraisal_period xp ON xp.id = x.period_id WHERE xp.starts >= ? AND xp.ends <= ?)")
    params = (sheet.person_id, *(f.id for f in feeders), starts.isoformat(), ends.isoformat())
    computed = totals(where, params)
    found: dict[str, FeedView] = {}
    for sid, key, state, p_starts, raters in db.execute_sql(
            f"SELECT s.id, p.key, s.state, p.starts, s.raters FROM scoresheet s "
            f"JOIN appraisal_period p ON p.id = s.period_id WHERE {where} ORDER BY p.starts, p.ends", params):
        t = computed[sid][0]
        scored = t.complete and t.criteria_total > 0
        band = t.band if scored and t.band else ("", "")
        found[key] = FeedView(key, sid, state, t.score if scored else None, t.criteria_rated, t.criteria_total,
                              band[0], band[1], parse_raters(raters))
        expected.setdefault(key, (stored_date(p_starts), None))
    return [found.get(key) or FeedView(key, None, "", None, 0, 0)
            for key in sorted(expected, key=lambda k: expected[k][0])]


def _peer_view(sheet: Scoresheet, position, department, rater_id: int) -> SheetDetail:
    """A colleague's sheet as a peer sees it: the criteria, and only the points and comments
    this peer gave. The score, band, state, weights, other raters and deductions stay out."""
    mine = {r.item_id: r for r in Rating.select().where(Rating.sheet == sheet, Rating.rater == "peer",
                                                         Rating.slot == rater_id)}
    items = []
    for item in SheetItem.select().where(SheetItem.sheet == sheet).order_by(SheetItem.seq):
        given = mine.get(item.id)
        points = given.points if given else None
        parts = CriterionParts(None, None, points, 1 if given else 0, {}, None)
        comments = {"peer": [given.comment]} if given and given.comment else {}
        items.append(ItemView(item.seq, item.group_zh, item.group_en, item.name_zh, item.name_en,
                              item.max_points, item.measure, parts, comments, False))
    blank = Total(0.0, 0.0, 0.0, 0.0, 0.0, None, 0, len(items))
    return SheetDetail(
        sheet.id, sheet.period.key, sheet.period.kind, sheet.person_id, sheet.person.name,
        position.title_zh if position else "", position.title_en if position else "",
        department.name_zh if department else "", department.name_en if department else "",
        "", {}, sheet.min_score, sheet.max_score, None, None, items, [], blank, [], [], [], 0, access=PEER)


def trend(person_id: int) -> list[TrendPoint]:
    """The person's score in every period they have a sheet in, oldest first (their own, or
    anyone's for a supervisor)."""
    require_person(person_id)
    return _trend(person_id)


def _trend(person_id: int, kind: str | None = None) -> list[TrendPoint]:
    """The person's scores over time; only periods of *kind* when given (a month's
    self-appraisal and a quarter's review are not one series)."""
    where, params = "s.person_id = ?", (person_id,)
    if kind:
        where += " AND s.period_id IN (SELECT id FROM appraisal_period WHERE kind = ?)"
        params += (kind,)
    computed = totals(where, params)
    points = []
    for sid, key in db.execute_sql(
            f"SELECT s.id, p.key FROM scoresheet s JOIN appraisal_period p ON p.id = s.period_id "
            f"WHERE {where} ORDER BY p.starts, p.ends", params):
        t = computed[sid][0]
        scored = t.complete and t.criteria_total > 0
        band = t.band if scored and t.band else ("", "")
        points.append(TrendPoint(key, t.score if scored else None, band[0], band[1]))
    return points


def sheets_of(person_id: int) -> list[tuple[int, str]]:
    """(sheet id, period key) of a person's sheets, newest first (their own, or a supervisor's look)."""
    require_person(person_id)
    return [(sid, key) for sid, key in db.execute_sql(
        "SELECT s.id, p.key FROM scoresheet s JOIN appraisal_period p ON p.id = s.period_id "
        "WHERE s.person_id = ? ORDER BY p.starts DESC", (person_id,))]



# ---- the evidence behind a deduction ------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Where a deduction's evidence is shown: a workspace and the calls its screen may offer,
    in order of preference (``show_entry(entry_id)`` on the log; ``show_assignment(id)``,
    else ``show_day(day)`` on the roster)."""

    workspace: str  # log | roster
    calls: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class PatrolSlot:
    """A patrol that was due and never came: the log opens at the entries around it."""

    post: str
    due_at: dt.datetime
    entry_id: int | None  # the last entry at or before the slot (the first after, if none)


def evidence_for(source: str, ref_id: int | None, occurred_at: dt.datetime | None) -> Evidence | None:
    """The log entry or roster record behind a fact of *source*; None when there is none
    (added by hand) or the record behind it is gone."""
    day = occurred_at.date() if occurred_at else None
    if ref_id is None or source == "manual":
        return None
    if source == "log":  # ref_id is the log entry
        return Evidence("log", (("show_entry", ref_id),))
    if source == "followup":  # a follow-up hangs on the log entry it follows up
        row = db.execute_sql("SELECT entry_id FROM follow_up WHERE id = ?", (ref_id,)).fetchone()
        return Evidence("log", (("show_entry", row[0]),)) if row else None
    if source in ("roster", "checkin"):  # ref_id is the assignment (a no-show, a late check-in)
        return Evidence("roster", (("show_assignment", ref_id),) + ((("show_day", day),) if day else ()))
    if source == "patrol":  # ref_id is the missed_patrol row: the log around the slot
        slot = _patrol_slot(ref_id)
        if slot is not None:
            return Evidence("log", (("show_patrol_slot", slot),))
    if day is not None:  # a handover (or a slot whose record is gone): who was on duty that day
        return Evidence("roster", (("show_day", day),))
    return None


def _patrol_slot(missed_id: int) -> PatrolSlot | None:
    row = db.execute_sql("SELECT r.post, m.due_at FROM missed_patrol m JOIN patrol_rule r ON r.id = m.rule_id "
                         "WHERE m.id = ?", (missed_id,)).fetchone()
    due = stored_moment_or_none(row[1]) if row else None
    if due is None:
        return None
    moment = stamp(due)
    near = (db.execute_sql("SELECT id FROM log_entry WHERE at <= ? ORDER BY at DESC, seq DESC LIMIT 1",
                           (moment,)).fetchone()
            or db.execute_sql("SELECT id FROM log_entry WHERE at > ? ORDER BY at, seq LIMIT 1", (moment,)).fetchone())
    return PatrolSlot(row[0], due, near[0] if near else None)


# ---- duty check ---------------------------------------------------------------------------

LOCKED_SQL = "('approved', 'acknowledged')"
EPSILON = 1e-6


def approval_score(sheet_id: int) -> float | None:
    """The sheet's score as it would be approved now (None while an item is unrated)."""
    t, _criteria = totals("s.id = ?", (sheet_id,)).get(sheet_id, (None, None))
    return t.score if t is not None and t.complete and t.criteria_total else None


def check() -> list[str]:
    """Problems with the stored appraisals, for ``duty check`` (empty when sound).

    - a locked sheet whose score now differs from the one recorded when it was approved
      (the approval event keeps the score: something changed the sheet behind its lock);
    - a locked sheet with proposed deductions still undecided (approval needs none open);
    - an adjustment the write path would refuse: points or count out of range, a negative
      cap (the arithmetic would then hold it to no cap at all), an unknown kind or status;
    - deductions or bonuses over their caps in a recomputed total (per rule, per sheet).
    """
    problems = []
    names = {sid: f"scoresheet {sid} ({name}, {key}, {state})" for sid, name, key, state in db.execute_sql(
        "SELECT s.id, p.name, ap.key, s.state FROM scoresheet s JOIN person p ON p.id = s.person_id "
        "JOIN appraisal_period ap ON ap.id = s.period_id")}
    recorded: dict[int, str] = {}
    for sid, reason in db.execute_sql(
            f"SELECT e.sheet_id, e.reason FROM sheet_event e JOIN scoresheet s ON s.id = e.sheet_id "
            f"WHERE e.action = 'approved' AND s.state IN {LOCKED_SQL} ORDER BY e.at, e.id"):
        recorded[sid] = reason  # the latest approval counts
    for sid, (t, _criteria) in totals("1 = 1", ()).items():
        try:
            approved_at = float(recorded[sid]) if recorded.get(sid) else None
        except ValueError:
            approved_at = None  # an approval from before scores were recorded
        now = t.score if t.complete and t.criteria_total else None
        if approved_at is not None and (now is None or abs(now - approved_at) > 0.05):
            problems.append(f"{names[sid]} was approved at {approved_at:g} but now comes to "
                            f"{'nothing (an item lost its points)' if now is None else f'{now:g}'}")
        for r in t.rules:
            if r.cap is not None and r.cap >= 0 and r.applied > r.cap + EPSILON:
                problems.append(f"{names[sid]}: {r.applied:g} points under rule {r.rule_id}, over its cap of {r.cap:g}")
        for kind, value, cap in (("deductions", t.deductions, t.deduction_cap), ("bonuses", t.bonuses, t.bonus_cap)):
            if cap is not None and cap >= 0 and value > cap + EPSILON:
                problems.append(f"{names[sid]}: {value:g} points of {kind}, over the sheet's cap of {cap:g}")
    for sid, count in db.execute_sql(
            f"SELECT a.sheet_id, count(*) FROM adjustment a JOIN scoresheet s ON s.id = a.sheet_id "
            f"WHERE s.state IN {LOCKED_SQL} AND a.status = 'proposed' GROUP BY a.sheet_id"):
        problems.append(f"{names[sid]} is locked with {count} proposed deduction(s) undecided")
    for sid, kind, value in db.execute_sql(
            "SELECT id, 'deduction', deduction_cap FROM scoresheet WHERE deduction_cap < 0 "
            "UNION ALL SELECT id, 'bonus', bonus_cap FROM scoresheet WHERE bonus_cap < 0"):
        problems.append(f"{names[sid]} has a {kind} cap below 0 ({value:g}): nothing is held to it")
    for adj_id, sid, kind, status, points, count, cap in db.execute_sql(
            "SELECT id, sheet_id, kind, status, points, count, cap FROM adjustment "
            "WHERE kind NOT IN ('deduction', 'bonus') OR status NOT IN ('proposed', 'confirmed', 'rejected') "
            "OR NOT (points > 0 AND points <= 100) OR NOT (count > 0 AND count <= 1000) OR cap < 0"):
        what = []
        if kind not in ("deduction", "bonus"):
            what.append(f"kind {kind!r}")
        if status not in ("proposed", "confirmed", "rejected"):
            what.append(f"status {status!r}")
        if not 0 < points <= 100:
            what.append(f"{points:g} points")
        if not 0 < count <= 1000:
            what.append(f"count {count:g}")
        if cap is not None and cap < 0:
            what.append(f"cap {cap:g}, so its points are held to no cap")
        problems.append(f"adjustment {adj_id} on {names.get(sid, f'scoresheet {sid}')}: {', '.join(what)}")
    return problems
