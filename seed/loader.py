"""Load the seed positions into a database: check everything first, then add what is missing.

Running it twice leaves the database as it was: departments, schemes and positions are
matched by key, their lines by number, and nothing that exists is changed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from models.db import writes
from models.errors import N_, DutyError
from models.facts import FACT_CODES
from models.org import (PERIODS, Band, Criterion, Department, Position, PositionItem, Rule,
                        Scheme)
from models.positions import DEFAULT_SCHEME

DATA_DIR = Path(__file__).parent / "data"
RULE_KINDS = ("deduction", "bonus")


class SeedError(DutyError):
    """A seed file has a mistake; nothing was loaded."""


@dataclass
class SeedData:
    documents: list[dict] = field(default_factory=list)
    departments: dict[str, dict] = field(default_factory=dict)
    schemes: dict[str, dict] = field(default_factory=dict)
    positions: dict[str, dict] = field(default_factory=dict)


@dataclass
class Report:
    departments: int = 0
    schemes: int = 0
    positions: int = 0
    items: int = 0
    rules: int = 0

    @property
    def nothing(self) -> bool:
        return not any(vars(self).values())


def _fail(path: Path, entry: str, problem: str) -> SeedError:
    return SeedError(N_("Seed file {file}, entry {entry}: {problem}"),
                     file=path.name, entry=entry, problem=problem)


def read(directory: Path = DATA_DIR) -> SeedData:
    """Read and check every seed file; raise ``SeedError`` naming the file and entry."""
    data = SeedData()
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SeedError(N_("No seed files in {folder}."), folder=str(directory))
    for path in files:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _fail(path, "-", str(exc)) from exc
        _read_file(path, doc, data)
    for key, position in data.positions.items():
        path = position["_file"]
        if position["department"] not in data.departments:
            raise _fail(path, key, f"unknown department {position['department']!r}")
        scheme = position.get("scheme")
        if scheme is not None and scheme not in data.schemes:
            raise _fail(path, key, f"unknown scheme {scheme!r}")
    if DEFAULT_SCHEME not in data.schemes:
        raise SeedError(N_("The default appraisal scheme {key} is missing from the seed files."),
                        key=DEFAULT_SCHEME)
    return data


def _need(path, entry, record, name, kind):
    value = record.get(name)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise _fail(path, entry, f"{name!r} is missing or not a {kind.__name__}")
    return value


def _read_file(path: Path, doc: dict, data: SeedData) -> None:
    meta = doc.get("document")
    if not isinstance(meta, dict):
        raise _fail(path, "[document]", "the [document] table is missing")
    code = _need(path, "[document]", meta, "code", str)
    data.documents.append({**meta, "_file": path})

    for dept in doc.get("departments", []):
        key = _need(path, "departments", dept, "key", str)
        _need(path, key, dept, "zh", str)
        _need(path, key, dept, "en", str)
        # The same department may be declared by several documents, in either script.
        data.departments.setdefault(key, dept)

    for scheme in doc.get("schemes", []):
        key = _need(path, "schemes", scheme, "key", str)
        if key in data.schemes:
            raise _fail(path, key, "this scheme key is used twice")
        _check_scheme(path, key, scheme)
        data.schemes[key] = {**scheme, "_doc": code}

    for position in doc.get("positions", []):
        key = _need(path, "positions", position, "key", str)
        if key in data.positions:
            raise _fail(path, key, "this position key is used twice")
        _check_position(path, key, position)
        data.positions[key] = {**position, "_file": path, "_doc": code}


def _check_scheme(path, key, scheme):
    for name in ("zh", "en"):
        _need(path, key, scheme, name, str)
    if scheme.get("period", "month") not in PERIODS:
        raise _fail(path, key, f"period must be one of {', '.join(PERIODS)}")
    low, high = scheme.get("min", 0), scheme.get("max", 100)
    if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and low < high):
        raise _fail(path, key, "min must be below max")
    weights = scheme.get("weights", {"self": 20, "supervisor": 60, "peer": 20})
    if set(weights) != {"self", "supervisor", "peer"} or abs(sum(weights.values()) - 100) > 1e-6:
        raise _fail(path, key, "weights must give self, supervisor and peer, adding up to 100")
    for n, criterion in enumerate(scheme.get("criteria", []), 1):
        _need(path, f"{key} criterion {n}", criterion, "zh", str)
        points = criterion.get("max")
        if not isinstance(points, (int, float)) or points <= 0:
            raise _fail(path, f"{key} criterion {n}", "max must be a positive number")
    for n, band in enumerate(scheme.get("bands", []), 1):
        _need(path, f"{key} band {n}", band, "zh", str)
        if not isinstance(band.get("min"), (int, float)):
            raise _fail(path, f"{key} band {n}", "min must be a number")


def _check_position(path, key, position):
    _need(path, key, position, "zh", str)
    _need(path, key, position, "department", str)
    if position.get("period") is not None and position["period"] not in PERIODS:
        raise _fail(path, key, f"period must be one of {', '.join(PERIODS)}")
    lines = 0
    for kind in ("duties", "standards", "appraisal"):
        items = position.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise _fail(path, key, f"{kind} must be a list of non-empty texts")
        lines += len(items)
    if not lines:
        raise _fail(path, key, "a position needs at least one duty, standard or appraisal line")
    for n, rule in enumerate(position.get("rules", []), 1):
        entry = f"{key} rule {n}"
        _need(path, entry, rule, "fact", str)
        if rule.get("kind", "deduction") not in RULE_KINDS:
            raise _fail(path, entry, "kind must be deduction or bonus")
        points = rule.get("points")
        if not isinstance(points, (int, float)) or points <= 0:
            raise _fail(path, entry, "points must be a positive number")
        for name in ("cap", "fine"):
            if name in rule and (not isinstance(rule[name], (int, float)) or rule[name] <= 0):
                raise _fail(path, entry, f"{name} must be a positive number")
        if rule.get("code") is not None and rule["code"] not in FACT_CODES:
            raise _fail(path, entry, f"unknown fact code {rule['code']!r}")


ITEM_KINDS = {"duties": "duty", "standards": "standard", "appraisal": "appraisal"}


@writes
def apply(data: SeedData) -> Report:
    """Add what the database lacks, in one transaction; change nothing that is there."""
    report = Report()
    departments = {d.key: d for d in Department.select()}
    for sort, (key, dept) in enumerate(data.departments.items()):
        if key not in departments:
            departments[key] = Department.create(key=key, name_zh=dept["zh"], name_en=dept["en"], sort=sort)
            report.departments += 1

    schemes = {s.key: s for s in Scheme.select()}
    for key, spec in data.schemes.items():
        if key in schemes:
            continue
        weights = spec.get("weights", {"self": 20, "supervisor": 60, "peer": 20})
        scheme = schemes[key] = Scheme.create(
            key=key, name_zh=spec["zh"], name_en=spec["en"], period=spec.get("period", "month"),
            min_score=spec.get("min", 0), max_score=spec.get("max", 100),
            weight_self=weights["self"], weight_supervisor=weights["supervisor"],
            weight_peer=weights["peer"], source_doc=spec["_doc"])
        for seq, c in enumerate(spec.get("criteria", []), 1):
            Criterion.create(scheme=scheme, seq=seq, group_zh=c.get("group_zh", ""),
                             group_en=c.get("group_en", ""), name_zh=c["zh"], name_en=c.get("en", ""),
                             max_points=c["max"], measure=c.get("measure", ""))
        for b in spec.get("bands", []):
            Band.create(scheme=scheme, name_zh=b["zh"], name_en=b.get("en", b["zh"]), min_score=b["min"])
        report.schemes += 1

    positions = {p.key: p for p in Position.select()}
    for key, spec in data.positions.items():
        position = positions.get(key)
        if position is None:
            scheme = schemes.get(spec.get("scheme") or "")
            position = Position.create(
                key=key, title_zh=spec["zh"], title_en=spec.get("en", ""),
                department=departments[spec["department"]], source_doc=spec["_doc"],
                source_section=spec.get("section", ""), period=spec.get("period"), scheme=scheme)
            report.positions += 1
        have = {(i.kind, i.seq) for i in PositionItem.select(PositionItem.kind, PositionItem.seq)
                .where(PositionItem.position == position)}
        for list_name, kind in ITEM_KINDS.items():
            for seq, text in enumerate(spec.get(list_name, []), 1):
                if (kind, seq) not in have:
                    PositionItem.create(position=position, kind=kind, seq=seq, text=text)
                    report.items += 1
        have_rules = {r.seq for r in Rule.select(Rule.seq).where(Rule.position == position)}
        for seq, r in enumerate(spec.get("rules", []), 1):
            if seq not in have_rules:
                Rule.create(position=position, seq=seq, fact=r["fact"], kind=r.get("kind", "deduction"),
                            points=r["points"], unit=r.get("unit", "次"), cap=r.get("cap"),
                            fine=r.get("fine"), code=r.get("code"))
                report.rules += 1
    return report


def load(directory: Path = DATA_DIR) -> Report:
    """Check every seed file, then load what is missing. Nothing is loaded if any file is wrong."""
    return apply(read(directory))
