"""Queries over positions for the screens: plain dataclasses, no live rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError, ValidationError
from duty_desk.models.organisation.org import (
    Band, Criterion, Department, DepartmentItem, Position, PositionItem, Rule, Scheme)
from duty_desk.models.accounts.session import require

DEFAULT_SCHEME = "sheet-10x10"


@dataclass(frozen=True)
class PositionRow:
    id: int
    key: str
    title_zh: str
    title_en: str
    department_zh: str
    department_en: str
    source_doc: str
    source_section: str
    local_note: str | None = None  # a title or mapping no document states (seed: local_choice)
    department_note: str | None = None  # the same for the department's name
    department_id: int = 0

    def matches(self, text: str) -> bool:
        text = text.strip().lower()
        hay = " ".join((self.title_zh, self.title_en, self.department_zh, self.department_en,
                        self.key, self.source_section)).lower()
        return all(word in hay for word in text.split())


@dataclass(frozen=True)
class RuleRow:
    seq: int
    fact: str
    kind: str
    points: float
    unit: str
    cap: float | None
    fine: float | None
    code: str | None

    @property
    def signed_points(self) -> float:
        return -self.points if self.kind == "deduction" else self.points


@dataclass(frozen=True)
class CriterionRow:
    group_zh: str
    group_en: str
    name_zh: str
    name_en: str
    max_points: float
    measure: str


@dataclass(frozen=True)
class BandRow:
    name_zh: str
    name_en: str
    min_score: float


@dataclass(frozen=True)
class SchemeInfo:
    key: str
    name_zh: str
    name_en: str
    period: str
    min_score: float
    max_score: float
    weights: dict[str, float]
    criteria: list[CriterionRow]
    bands: list[BandRow]
    inherited: bool  # the position uses the default scheme


@dataclass(frozen=True)
class PositionDetail:
    row: PositionRow
    period: str | None
    duties: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    appraisal: list[str] = field(default_factory=list)
    rules: list[RuleRow] = field(default_factory=list)
    scheme: SchemeInfo | None = None


def _row(p: Position, d: Department) -> PositionRow:
    return PositionRow(p.id, p.key, p.title_zh, p.title_en, d.name_zh, d.name_en,
                       p.source_doc, p.source_section, p.local_note, d.local_note, d.id)


@dataclass(frozen=True)
class DepartmentRow:
    """A department and how many lines a document gives the department itself."""

    id: int
    name_zh: str
    name_en: str
    local_note: str | None
    lines: int

    def matches(self, text: str) -> bool:
        hay = f"{self.name_zh} {self.name_en}".lower()
        return all(word in hay for word in text.strip().lower().split())


@dataclass(frozen=True)
class DepartmentDetail:
    row: DepartmentRow
    sources: list[str]  # "001 ㈠办公室" …: where its lines come from
    duties: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    appraisal: list[str] = field(default_factory=list)


def list_departments() -> list[DepartmentRow]:
    """Every department in seed order, with the number of its own lines in force."""
    counts = dict(DepartmentItem.select(DepartmentItem.department, pw.fn.COUNT(DepartmentItem.id))
                  .where(DepartmentItem.retired.is_null()).group_by(DepartmentItem.department).tuples())
    return [DepartmentRow(d.id, d.name_zh, d.name_en, d.local_note, counts.get(d.id, 0))
            for d in Department.select().order_by(Department.sort, Department.id)]


def department_detail(department_id: int) -> DepartmentDetail | None:
    department = Department.get_or_none(Department.id == department_id)
    if department is None:
        return None
    items: dict[str, list[str]] = {"duty": [], "standard": [], "appraisal": []}
    sources: list[str] = []
    for item in (DepartmentItem.select().where(DepartmentItem.department == department,
                                               DepartmentItem.retired.is_null())
                 .order_by(DepartmentItem.source_doc, DepartmentItem.key, DepartmentItem.kind, DepartmentItem.seq)):
        items.setdefault(item.kind, []).append(item.text)
        source = f"{item.source_doc} {item.source_section}".strip()
        if source not in sources:
            sources.append(source)
    lines = sum(len(v) for v in items.values())
    row = DepartmentRow(department.id, department.name_zh, department.name_en, department.local_note, lines)
    return DepartmentDetail(row, sources, items["duty"], items["standard"], items["appraisal"])


def list_positions() -> list[PositionRow]:
    """Every position, grouped by department (in seed order), then by document and key."""
    query = (Position.select(Position, Department).join(Department).where(Position.retired.is_null())
             .order_by(Department.sort, Department.id, Position.source_doc, Position.id))
    return [_row(p, p.department) for p in query]


def scheme_info(scheme: Scheme, inherited: bool) -> SchemeInfo:
    criteria = [CriterionRow(c.group_zh, c.group_en, c.name_zh, c.name_en, c.max_points, c.measure)
                for c in Criterion.select().where(Criterion.scheme == scheme).order_by(Criterion.seq)]
    bands = [BandRow(b.name_zh, b.name_en, b.min_score)
             for b in Band.select().where(Band.scheme == scheme).order_by(Band.min_score.desc())]
    return SchemeInfo(scheme.key, scheme.name_zh, scheme.name_en, scheme.period, scheme.min_score,
                      scheme.max_score,
                      {"self": scheme.weight_self, "supervisor": scheme.weight_supervisor,
                       "peer": scheme.weight_peer},
                      criteria, bands, inherited)


def scheme_for(position: Position) -> Scheme | None:
    """The position's own scheme, or the default 10-item sheet."""
    if position.scheme_id is not None:
        return position.scheme
    return Scheme.get_or_none(Scheme.key == DEFAULT_SCHEME)


def position_detail(position_id: int) -> PositionDetail | None:
    position = (Position.select(Position, Department).join(Department)
                .where(Position.id == position_id).first())
    if position is None:
        return None
    items = {"duty": [], "standard": [], "appraisal": []}
    for item in (PositionItem.select().where(PositionItem.position == position, PositionItem.retired.is_null())
                 .order_by(PositionItem.kind, PositionItem.seq)):
        items[item.kind].append(item.text)
    rules = [RuleRow(r.seq, r.fact, r.kind, r.points, r.unit, r.cap, r.fine, r.code)
             for r in Rule.select().where(Rule.position == position, Rule.retired.is_null()).order_by(Rule.seq)]
    scheme = scheme_for(position)
    info = scheme_info(scheme, position.scheme_id is None) if scheme else None
    return PositionDetail(_row(position, position.department), position.period or (scheme.period if scheme else None),
                          items["duty"], items["standard"], items["appraisal"], rules, info)


# -- an administrator's own values ---------------------------------------------------------
# A seeded value changed here is a local change: a later seed load keeps it and reports a
# conflict when the files change the same value (seed/loader.py).

@writes
def set_rule_points(rule_id: int, points: float) -> None:
    """An administrator sets the points a rule gives per fact."""
    require("org.edit")
    if points is None or points != points or not 0 < points <= 100:
        raise ValidationError(N_("Points per fact must be above 0 and at most 100."), field="points")
    if Rule.update(points=points).where(Rule.id == rule_id, Rule.retired.is_null()).execute() != 1:
        raise DutyError(N_("That rule no longer exists."))


@writes
def set_position_title(position_id: int, title_zh: str, title_en: str | None = None) -> None:
    """An administrator renames a position (the Chinese title, and the English one if given)."""
    require("org.edit")
    title_zh = (title_zh or "").strip()
    if not title_zh:
        raise ValidationError(N_("A position needs a title."), field="title")
    values = {Position.title_zh: title_zh}
    if title_en is not None:
        values[Position.title_en] = title_en.strip()
    if Position.update(values).where(Position.id == position_id).execute() != 1:
        raise DutyError(N_("That position no longer exists."))
