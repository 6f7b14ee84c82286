"""Load the seed positions and keep the database in step with the files.

``read`` checks every file before anything is written; a mistake names the file, the line
and what is wrong. ``sync`` compares the files with what earlier loads put in (each row's
``seeded`` values, migration 0009) and applies the difference in one transaction, recorded
in the audit trail as one seed event:

- departments, schemes and positions are matched by key (a position may say
  ``renamed_from``); lines and rules within a position (and a department's own lines within
  their passage, ``department_duties``) by their text, so an inserted or moved line keeps the
  identity of the others, and an edited one (similar text) is changed in place;
- what the files dropped is retired, not deleted: a rule past scoresheets used stays
  attached to them but proposes nothing new;
- a value an administrator changed in the program is kept when the files change it too,
  and reported as a conflict (``take_files`` takes the files' value);
- a rule's basis and parameters (how ``models.appraisal.rules`` applies it), a position's schemes (one
  per period, ``position_scheme``) and the patrol a rule requires at its ``post``
  (``models.logbook.patrols``) are values like any other.

Running it twice leaves the database as it was.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from duty_desk.models import clock
from duty_desk.models.accounts.audit import bulk
from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.appraisal.facts import FACT_CODES
from duty_desk.models.organisation.org import (
    BASES, EVERY, PERIODS, Band, Criterion, Department, DepartmentItem, Position, PositionItem,
                        PositionScheme, Rule, Scheme)
from duty_desk.models.logbook.patrols import PatrolRule
from duty_desk.models.organisation.positions import DEFAULT_SCHEME
from duty_desk.models.appraisal.rules import parse_due

DATA_DIR = Path(__file__).parent / "data"
RULE_KINDS = ("deduction", "bonus")
ITEM_KINDS = {"duties": "duty", "standards": "standard", "appraisal": "appraisal"}
COUNTED = ("departments", "positions", "duties", "standards", "appraisal", "rules")
SIMILAR = 0.6  # an edited line (a typo fixed, a clause added) stays this close to the old one
RATERS = ("self", "supervisor", "peer")
DEFAULT_RATERS = "self,supervisor,peer"
# The log categories a rule may count (migrations 0004 and 0011 make them).
ACTIVITIES = ("patrol", "stocktake", "stocktake_full", "dispatch", "study", "mine_visit", "inspection",
              "work_check", "end_check", "report_daily", "report_monthly", "plan_weekly", "plan_monthly",
              "plan_yearly", "training", "incident")
# The parameters each basis uses; any other one given is refused (it would be silently ignored).
PARAMETERS = {
    "occurrence": set(),
    "shortfall": {"activity", "every", "times", "post"},
    "late": {"activity", "every", "due"},
    "graded": {"grades"},
    "measured": {"every", "step", "target"},
}
PATROL_MINUTES = {"hour": 60, "day": 24 * 60}

# What each table of a seed file may hold: anything else is a typo that would be lost.
ALLOWED = {
    "document": {"code", "file", "title", "counts", "left_out"},
    "departments": {"key", "zh", "en", "local_choice", "note"},
    "department_duties": {"key", "department", "section", "duties", "standards", "appraisal"},
    "schemes": {"key", "zh", "en", "period", "min", "max", "weights", "criteria", "bands", "raters", "feeds",
                "criteria_from"},
    "criteria": {"group_zh", "group_en", "zh", "en", "max", "measure"},
    "bands": {"zh", "en", "min"},
    "positions": {"key", "zh", "en", "department", "section", "period", "scheme", "schemes", "duties",
                  "standards", "appraisal", "rules", "renamed_from", "local_choice", "note"},
    "rules": {"fact", "kind", "points", "unit", "cap", "fine", "code", "basis", "activity", "every", "times",
              "grades", "step", "target", "due", "line", "local", "post"},
    "left_out": {"lines", "text", "reason"},
}


class SeedError(DutyError):
    """A seed file has a mistake; nothing was loaded."""


@dataclass
class SeedData:
    documents: list[dict] = field(default_factory=list)
    departments: dict[str, dict] = field(default_factory=dict)
    schemes: dict[str, dict] = field(default_factory=dict)
    positions: dict[str, dict] = field(default_factory=dict)
    department_duties: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    action: str  # added | changed | retired | renamed | conflict
    what: str  # "001-warehouse-director rule 3", "department office"
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.what}: {self.detail}" if self.detail else self.what


@dataclass
class Report:
    # Rows added, by table (what the first version reported).
    departments: int = 0
    schemes: int = 0
    positions: int = 0
    items: int = 0
    rules: int = 0
    kept: int = 0  # rows the files still hold as they are
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False

    @property
    def nothing(self) -> bool:
        """Nothing was (or would be) written; a standing conflict writes nothing."""
        return all(c.action == "conflict" for c in self.changes)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.action == "conflict"]


# -- reading and checking --------------------------------------------------------------

def _fail(path: Path, entry: str, problem: str, line: int | None = None) -> SeedError:
    if line is None:
        return SeedError(N_("Seed file {file}, entry {entry}: {problem}"),
                         file=path.name, entry=entry, problem=problem)
    return SeedError(N_("Seed file {file}, line {line}, entry {entry}: {problem}"),
                     file=path.name, line=line, entry=entry, problem=problem)


def _line(path: Path, *patterns: str) -> int | None:
    """The line (from 1) of the last pattern, each searched after the previous one's match."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start, found = 0, None
    for pattern in patterns:
        rx = re.compile(pattern)
        found = next((n for n in range(start, len(lines)) if rx.search(lines[n])), None)
        if found is None:
            return None
        start = found + 1
    return found + 1


def _key_line(key: str) -> str:
    return rf'^\s*key\s*=\s*"{re.escape(key)}"'


def _where(path: Path, key: str | None, rule: int | None = None, name: str | None = None) -> int | None:
    patterns = [_key_line(key)] if key else []
    patterns += [r"^\s*\[\[positions\.rules\]\]"] * (rule or 0)
    if name:
        patterns.append(rf"^\s*{re.escape(name)}\s*=")
    return _line(path, *patterns) if patterns else None


def read(directory: Path = DATA_DIR) -> SeedData:
    """Read and check every seed file; raise ``SeedError`` naming the file, line and entry."""
    data = SeedData()
    files = sorted(Path(directory).glob("*.toml"))
    if not files:
        raise SeedError(N_("No seed files in {folder}."), folder=str(directory))
    for path in files:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            found = re.search(r"at line (\d+)", str(exc))
            raise _fail(path, "-", str(exc), int(found.group(1)) if found else None) from exc
        _read_file(path, doc, data)
    for key, position in data.positions.items():
        path = position["_file"]
        if position["department"] not in data.departments:
            raise _fail(path, key, f"unknown department {position['department']!r}",
                        _where(path, key, name="department"))
        _check_position_schemes(path, key, position, data.schemes)
        old = position.get("renamed_from")
        if old is not None and old in data.positions:
            raise _fail(path, key, f"renamed_from {old!r} is still a position of the files",
                        _where(path, key, name="renamed_from"))
    for key, passage in data.department_duties.items():
        if passage["department"] not in data.departments:
            path = passage["_file"]
            raise _fail(path, key, f"unknown department {passage['department']!r}",
                        _where(path, key, name="department"))
    for key, scheme in data.schemes.items():
        _resolve_scheme(key, scheme, data.schemes)
    if DEFAULT_SCHEME not in data.schemes:
        raise SeedError(N_("The default appraisal scheme {key} is missing from the seed files."),
                        key=DEFAULT_SCHEME)
    return data


def _need(path, entry, record, name, kind, key=None, rule=None):
    value = record.get(name)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise _fail(path, entry, f"{name!r} is missing or not a {kind.__name__}", _where(path, key, rule))
    return value


def _known(path, entry, record, table, key=None, rule=None):
    if not isinstance(record, dict):
        raise _fail(path, entry, f"an entry of {table} must be a table", _where(path, key, rule))
    unknown = sorted(set(record) - ALLOWED[table])
    if unknown:
        raise _fail(path, entry, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(ALLOWED[table]))})",
                    _where(path, key, rule, unknown[0]))


def _read_file(path: Path, doc: dict, data: SeedData) -> None:
    meta = doc.get("document")
    if not isinstance(meta, dict):
        raise _fail(path, "[document]", "the [document] table is missing")
    unknown = sorted(set(doc) - {"document", "departments", "department_duties", "schemes", "positions"})
    if unknown:
        raise _fail(path, unknown[0], "unknown table", _line(path, rf"^\s*\[*{re.escape(unknown[0])}\]"))
    _known(path, "[document]", meta, "document")
    code = _need(path, "[document]", meta, "code", str)
    for n, gap in enumerate(meta.get("left_out", []), 1):
        _known(path, f"[document] left_out {n}", gap, "left_out")
        _need(path, f"[document] left_out {n}", gap, "reason", str)
    data.documents.append({**meta, "_file": path})

    for dept in doc.get("departments", []):
        key = _need(path, "departments", dept, "key", str)
        _known(path, key, dept, "departments", key)
        _need(path, key, dept, "zh", str, key)
        _need(path, key, dept, "en", str, key)
        dept["_note"] = _local_note(path, key, dept)
        # One key, one department: the same key in another file must carry the same names.
        other = data.departments.get(key)
        if other is None:
            data.departments[key] = {**dept, "_file": path, "_files": [path.name]}
        elif (other["zh"], other["en"]) != (dept["zh"], dept["en"]):
            first, name = other["_file"], "zh" if other["zh"] != dept["zh"] else "en"
            raise _fail(path, key, f"department {key!r} is named {dept['zh']}/{dept['en']} here but "
                        f"{other['zh']}/{other['en']} in {first.name} line {_where(first, key, name=name)}",
                        _where(path, key, name=name))
        else:
            other["_files"].append(path.name)

    for passage in doc.get("department_duties", []):
        key = _need(path, "department_duties", passage, "key", str)
        if key in data.department_duties or key in data.positions:
            raise _fail(path, key, "this key is used twice", _where(path, key))
        _known(path, key, passage, "department_duties", key)
        _need(path, key, passage, "department", str, key)
        _lines(path, key, passage)
        data.department_duties[key] = {**passage, "_file": path, "_doc": code}

    for scheme in doc.get("schemes", []):
        key = _need(path, "schemes", scheme, "key", str)
        if key in data.schemes:
            raise _fail(path, key, "this scheme key is used twice", _where(path, key))
        _check_scheme(path, key, scheme)
        data.schemes[key] = {**scheme, "_doc": code, "_file": path}

    for position in doc.get("positions", []):
        key = _need(path, "positions", position, "key", str)
        if key in data.department_duties:
            raise _fail(path, key, "this key is used twice", _where(path, key))
        if key in data.positions:
            first = data.positions[key]["_file"]
            raise _fail(path, key, f"this position key is used twice (also {first.name} line "
                        f"{_where(first, key)})", _where(path, key))
        _check_position(path, key, position)
        data.positions[key] = {**position, "_file": path, "_doc": code}

    declared = meta.get("counts")
    if declared is not None:
        # Only its form is checked: an edited file may hold more or less than it declares,
        # and ``duty seed --summary`` shows both (tests/seed/test_counts.py holds ours to it).
        if not isinstance(declared, dict) or set(declared) - set(COUNTED) or \
                not all(isinstance(v, int) and v >= 0 for v in declared.values()):
            raise _fail(path, "[document] counts", f"counts gives whole numbers for {', '.join(COUNTED)}",
                        _line(path, r"^\s*counts\s*="))


def file_counts(doc: dict) -> dict[str, int]:
    """What one parsed seed file holds, counted as ``[document] counts`` declares it."""
    positions = doc.get("positions", [])
    counts = {"departments": len(doc.get("departments", [])), "positions": len(positions),
              "rules": sum(len(p.get("rules", [])) for p in positions)}
    # A department's own lines count with the positions' lines of their kind: the counts
    # say what the document gives, and ``duty seed --summary`` prints these six.
    lines = positions + doc.get("department_duties", [])
    for name in ITEM_KINDS:
        counts[name] = sum(len(p.get(name, [])) for p in lines)
    return counts


def _check_scheme(path, key, scheme):
    _known(path, key, scheme, "schemes", key)
    for name in ("zh", "en"):
        _need(path, key, scheme, name, str, key)
    if scheme.get("period", "month") not in PERIODS:
        raise _fail(path, key, f"period must be one of {', '.join(PERIODS)}", _where(path, key, name="period"))
    low, high = scheme.get("min", 0), scheme.get("max", 100)
    if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and low < high):
        raise _fail(path, key, "min must be below max", _where(path, key, name="min"))
    weights = scheme.get("weights", {"self": 20, "supervisor": 60, "peer": 20})
    if set(weights) != {"self", "supervisor", "peer"} or abs(sum(weights.values()) - 100) > 1e-6:
        raise _fail(path, key, "weights must give self, supervisor and peer, adding up to 100",
                    _where(path, key, name="weights"))
    raters = scheme.get("raters", DEFAULT_RATERS)
    names = _csv(raters) if isinstance(raters, str) else []
    if not names or len(set(names)) != len(names) or not set(names) <= set(RATERS):
        raise _fail(path, key, f"raters must name some of {', '.join(RATERS)}, comma-separated",
                    _where(path, key, name="raters"))
    idle = [r for r in RATERS if r not in names and weights[r]]
    if idle:  # a weight for someone who does not rate the sheet would count a score never given
        raise _fail(path, key, f"weight of {idle[0]} must be 0: {idle[0]} is not one of the raters",
                    _where(path, key, name="weights"))
    scheme["raters"] = ",".join(names)
    for name in ("feeds", "criteria_from"):
        if name in scheme and not (isinstance(scheme[name], str) and scheme[name].strip()):
            raise _fail(path, key, f"{name} must be a scheme key", _where(path, key, name=name))
    if "criteria_from" in scheme and (scheme.get("criteria") or scheme.get("bands")):
        raise _fail(path, key, "criteria_from takes the criteria and bands of another scheme: give them "
                    "there, not here", _where(path, key, name="criteria_from"))
    for n, criterion in enumerate(scheme.get("criteria", []), 1):
        _known(path, f"{key} criterion {n}", criterion, "criteria", key)
        _need(path, f"{key} criterion {n}", criterion, "zh", str, key)
        points = criterion.get("max")
        if not isinstance(points, (int, float)) or points <= 0:
            raise _fail(path, f"{key} criterion {n}", "max must be a positive number", _where(path, key))
    for n, band in enumerate(scheme.get("bands", []), 1):
        _known(path, f"{key} band {n}", band, "bands", key)
        _need(path, f"{key} band {n}", band, "zh", str, key)
        if not isinstance(band.get("min"), (int, float)):
            raise _fail(path, f"{key} band {n}", "min must be a number", _where(path, key))


def _resolve_scheme(key: str, scheme: dict, schemes: dict[str, dict]) -> None:
    """Check what a scheme names in other schemes (they may stand in another file)."""
    path = scheme["_file"]
    feeds = scheme.get("feeds")
    if feeds is not None:
        longer = schemes.get(feeds)
        if longer is None:
            raise _fail(path, key, f"feeds names unknown scheme {feeds!r}", _where(path, key, name="feeds"))
        order = PERIODS.index
        if order(longer.get("period", "month")) <= order(scheme.get("period", "month")):
            raise _fail(path, key, f"feeds {feeds!r}, whose period is not longer than this one's",
                        _where(path, key, name="feeds"))
    source = scheme.get("criteria_from")
    if source is not None:
        other = schemes.get(source)
        if other is None or other is scheme or "criteria_from" in other:
            raise _fail(path, key, f"criteria_from must name a scheme with its own criteria, not {source!r}",
                        _where(path, key, name="criteria_from"))
        scheme["criteria"], scheme["bands"] = other.get("criteria", []), other.get("bands", [])


def _check_position_schemes(path, key, position, schemes: dict[str, dict]) -> None:
    """``schemes`` (the first is the default) and/or ``scheme``: known keys, one per period."""
    listed = position.get("schemes")
    if listed is not None and (not isinstance(listed, list) or not listed
                               or not all(isinstance(k, str) for k in listed) or len(set(listed)) != len(listed)):
        raise _fail(path, key, "schemes must be a list of different scheme keys", _where(path, key, name="schemes"))
    for name, keys in (("scheme", [position["scheme"]] if position.get("scheme") is not None else []),
                       ("schemes", listed or [])):
        for scheme in keys:
            if scheme not in schemes:
                raise _fail(path, key, f"unknown scheme {scheme!r}", _where(path, key, name=name))
    default = position.get("scheme")
    if listed and default is not None and default not in listed:
        raise _fail(path, key, f"scheme {default!r} is not one of its schemes", _where(path, key, name="scheme"))
    periods = [schemes[k].get("period", "month") for k in listed or []]
    if len(set(periods)) != len(periods):
        raise _fail(path, key, "two of its schemes have the same period (one scheme per period)",
                    _where(path, key, name="schemes"))
    position["_schemes"] = list(listed) if listed else ([default] if default is not None else [])
    position["_scheme"] = default if default is not None else (listed[0] if listed else None)


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_rule(path, key: str, n: int, rule: dict) -> None:
    """How a rule applies: its basis and the parameters that basis needs (``models.appraisal.rules``)."""
    entry = f"{key} rule {n}"

    def fail(problem, name):
        # At the key in question, or at the basis that asks for a missing one.
        at = name if name in rule else "basis" if "basis" in rule else None
        return _fail(path, entry, problem, _where(path, key, n, at))

    basis = rule.get("basis")
    if basis not in BASES:
        raise fail(f"basis must be one of {', '.join(BASES)}", "basis")
    line = rule.get("line")
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise fail("line must be the line (from 1) of the document where the rule stands", "line")
    stray = sorted({"activity", "every", "times", "grades", "step", "target", "due", "post"} & set(rule)
                   - PARAMETERS[basis])
    if stray:
        raise fail(f"{stray[0]!r} does not apply to a rule of basis {basis}", stray[0])
    for name in ("activity", "every", "grades", "due", "local", "post"):
        if name in rule and not (isinstance(rule[name], str) and rule[name].strip()):
            raise fail(f"{name} must be a non-empty text", name)
    activity = _csv(rule["activity"]) if "activity" in rule else []
    unknown = [a for a in activity if a not in ACTIVITIES]
    if unknown or len(set(activity)) != len(activity):
        raise fail(f"activity must name different log categories among {', '.join(ACTIVITIES)}", "activity")
    every = _csv(rule["every"]) if "every" in rule else []
    if any(e not in EVERY for e in every):
        raise fail(f"every must be one of {', '.join(EVERY)}", "every")
    if len(every) > 1 and len(every) != len(activity):
        raise fail("every gives one period, or one per activity", "every")
    dues = _csv(rule["due"]) if "due" in rule else []
    for due in dues:
        try:
            parse_due(due)
        except DutyError:
            raise fail(f"due {due!r} must read +14d 24:00 (days after the period starts) or +1wd 24:00 "
                       "(a working day of the period)", "due") from None
    if len(dues) > 1 and len(dues) != len(every):
        raise fail("due gives one time, or one per period of every", "due")
    times = rule.get("times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise fail("times must be a whole number from 1", "times")
    if basis == "shortfall" and not (activity and every):
        raise fail("a shortfall rule needs the activity it counts and how often (every)", "basis")
    if basis == "late" and activity and not (every and dues):
        raise fail("a late rule that counts an activity needs its period (every) and its due time", "basis")
    if basis == "late" and not activity and (every or dues):
        raise fail("a late rule without an activity is recorded with its days: it takes no every or due", "every")
    if basis == "graded":
        grades = _csv(rule.get("grades", ""))
        try:
            values = [float(g) for g in grades]
        except ValueError:
            values = []
        if len(values) < 2 or any(v <= 0 for v in values) or values != sorted(set(values)):
            raise fail("a graded rule needs its grades, rising positive numbers such as \"2,4,6,8,10\"", "grades")
        if float(rule["points"]) not in values:
            raise fail("points must be one of the grades (the lowest, by custom)", "points")
    if basis == "measured":
        if not _number(rule.get("step")) or rule["step"] <= 0:
            raise fail("a measured rule needs its step, a positive number", "step")
        if not _number(rule.get("target")):
            raise fail("a measured rule needs its target, a number (a local choice where no document gives it)",
                       "target")
    post = rule.get("post")
    if post is None and "hour" in every:  # hourly counting is the patrols' (models.logbook.patrols), at a post
        raise fail("an hourly rule is a patrol: give its post", "every")
    if post is not None:
        if activity != ["patrol"] or len(every) != 1 or every[0] not in PATROL_MINUTES:
            raise fail("post goes with a patrol rule: activity \"patrol\", every hour or day", "post")
        minutes = PATROL_MINUTES[every[0]] / times
        if minutes != int(minutes) or not 5 <= minutes <= 24 * 60:
            raise fail("a patrol interval is whole minutes, between 5 minutes and 24 hours", "times")
    # Stored as written, with the spaces of a comma list taken out.
    for name, parts in (("activity", activity), ("every", every), ("due", dues)):
        if parts:
            rule[name] = ",".join(parts)
    if "grades" in rule:
        rule["grades"] = ",".join(_csv(rule["grades"]))


def _local_note(path, key, record) -> str | None:
    """The note of a name or mapping chosen here (``local_choice = true``), or None."""
    flag, note = record.get("local_choice", False), record.get("note")
    if not isinstance(flag, bool):
        raise _fail(path, key, "local_choice must be true or false", _where(path, key, name="local_choice"))
    if flag and not (isinstance(note, str) and note.strip()):
        raise _fail(path, key, "local_choice = true needs a note saying what was chosen here and why",
                    _where(path, key, name="local_choice"))
    if not flag and note is not None:
        raise _fail(path, key, "a note goes with local_choice = true", _where(path, key, name="note"))
    return note.strip() if flag else None


def _lines(path, key, record) -> None:
    lines = 0
    for kind in ITEM_KINDS:
        items = record.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise _fail(path, key, f"{kind} must be a list of non-empty texts", _where(path, key, name=kind))
        lines += len(items)
    if not lines:
        raise _fail(path, key, "needs at least one duty, standard or appraisal line", _where(path, key))


def _check_position(path, key, position):
    _known(path, key, position, "positions", key)
    _need(path, key, position, "zh", str, key)
    _need(path, key, position, "department", str, key)
    if position.get("period") is not None and position["period"] not in PERIODS:
        raise _fail(path, key, f"period must be one of {', '.join(PERIODS)}", _where(path, key, name="period"))
    old = position.get("renamed_from")
    if old is not None and (not isinstance(old, str) or not old.strip() or old == key):
        raise _fail(path, key, "renamed_from must be the position's earlier key",
                    _where(path, key, name="renamed_from"))
    position["_note"] = _local_note(path, key, position)
    _lines(path, key, position)
    for n, rule in enumerate(position.get("rules", []), 1):
        entry = f"{key} rule {n}"
        _known(path, entry, rule, "rules", key, n)
        _need(path, entry, rule, "fact", str, key, n)
        if rule.get("kind", "deduction") not in RULE_KINDS:
            raise _fail(path, entry, "kind must be deduction or bonus", _where(path, key, n, "kind"))
        points = rule.get("points")
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            raise _fail(path, entry, "points must be a positive number",
                        _where(path, key, n, "points" if "points" in rule else None))
        for name in ("cap", "fine"):
            if name in rule and (not isinstance(rule[name], (int, float)) or rule[name] <= 0):
                raise _fail(path, entry, f"{name} must be a positive number", _where(path, key, n, name))
        if rule.get("code") is not None and rule["code"] not in FACT_CODES:
            raise _fail(path, entry, f"unknown fact code {rule['code']!r}", _where(path, key, n, "code"))
        _check_rule(path, key, n, rule)
    # A fact names its rule by code: two rules of one position with one code would compete.
    codes = [rule.get("code") for rule in position.get("rules", []) if rule.get("code") is not None]
    for n, rule in enumerate(position.get("rules", []), 1):
        if rule.get("code") is not None and codes.count(rule["code"]) > 1:
            raise _fail(path, f"{key} rule {n}", f"code {rule['code']!r} is given to two rules of the position",
                        _where(path, key, n, "code"))


# -- comparing and applying ------------------------------------------------------------

def _same(a, b) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return a == b


def _dump(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def _show(value) -> str:
    if isinstance(value, list):
        value = ", ".join(map(str, value)) if value else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


class _DryRun(Exception):
    def __init__(self, report: Report):
        super().__init__("dry run")
        self.report = report


class _Sync:
    def __init__(self, data: SeedData, take_files: bool, report: Report):
        self.data, self.take_files, self.report = data, take_files, report
        self.now = clock.now()

    def change(self, action: str, what: str, detail: str = "") -> None:
        self.report.changes.append(Change(action, what, detail))

    def merge(self, what: str, current: dict, seeded: dict | None, wanted: dict) -> tuple[dict, dict]:
        """(values to write, values to record as seeded) for one row.

        A value the files changed is written unless the row holds a local one (it differs
        from what the last load wrote); then the local value stays, the conflict is
        reported, and the old seeded value is kept so the next load reports it again.
        """
        base = current if seeded is None else seeded
        write, record = {}, dict(wanted)
        for name, want in wanted.items():
            have, was = current.get(name), base.get(name, current.get(name))
            if _same(want, was) or _same(want, have):
                continue
            if _same(have, was) or self.take_files:
                write[name] = want
                self.change("changed", what, f"{name}: {_show(have)} → {_show(want)}")
            else:
                record[name] = was
                self.change("conflict", what, f"{name}: kept {_show(have)} (changed here); "
                            f"the files say {_show(want)}")
        return write, record

    # departments --------------------------------------------------------------------
    def departments(self) -> dict[str, Department]:
        have = {d.key: d for d in Department.select()}
        for sort, (key, spec) in enumerate(self.data.departments.items()):
            wanted = {"zh": spec["zh"], "en": spec["en"], "note": spec["_note"]}
            dept = have.get(key)
            if dept is None:
                have[key] = Department.create(key=key, name_zh=spec["zh"], name_en=spec["en"], sort=sort,
                                              local_note=spec["_note"], seeded=_dump(wanted))
                self.report.departments += 1
                self.change("added", f"department {key}")
                continue
            current = {"zh": dept.name_zh, "en": dept.name_en, "note": dept.local_note}
            write, record = self.merge(f"department {key}", current, _load(dept.seeded), wanted)
            columns = {"zh": "name_zh", "en": "name_en", "note": "local_note"}
            update = {columns[k]: v for k, v in write.items()}
            if update or dept.seeded != _dump(record):
                Department.update(seeded=_dump(record), **update).where(Department.id == dept.id).execute()
            if not write:
                self.report.kept += 1
        return have

    # schemes ------------------------------------------------------------------------
    SCHEME_COLUMNS = {"zh": "name_zh", "en": "name_en", "period": "period", "min": "min_score",
                      "max": "max_score", "self": "weight_self", "supervisor": "weight_supervisor",
                      "peer": "weight_peer", "raters": "raters", "feeds": "feeds"}

    def schemes(self) -> dict[str, Scheme]:
        have = {s.key: s for s in Scheme.select()}
        for key, spec in self.data.schemes.items():
            weights = spec.get("weights", {"self": 20, "supervisor": 60, "peer": 20})
            wanted = {"zh": spec["zh"], "en": spec["en"], "period": spec.get("period", "month"),
                      "min": spec.get("min", 0), "max": spec.get("max", 100), **weights,
                      "raters": spec.get("raters", DEFAULT_RATERS), "feeds": spec.get("feeds")}
            scheme = have.get(key)
            new = scheme is None
            if new:
                scheme = have[key] = Scheme.create(
                    key=key, source_doc=spec["_doc"], seeded=_dump(wanted),
                    **{self.SCHEME_COLUMNS[k]: v for k, v in wanted.items()})
                self.report.schemes += 1
                self.change("added", f"scheme {key}")
            else:
                current = {k: getattr(scheme, c) for k, c in self.SCHEME_COLUMNS.items()}
                write, record = self.merge(f"scheme {key}", current, _load(scheme.seeded), wanted)
                update = {self.SCHEME_COLUMNS[k]: v for k, v in write.items()}
                if update or scheme.seeded != _dump(record):
                    Scheme.update(seeded=_dump(record), **update).where(Scheme.id == scheme.id).execute()
                self.report.kept += not write
            self.criteria(key, scheme, spec, new)
        return have

    def criteria(self, key: str, scheme: Scheme, spec: dict, new: bool) -> None:
        # Criteria and bands have no edit in the program: the files' values are simply taken.
        rows = {c.seq: c for c in Criterion.select().where(Criterion.scheme == scheme)}
        for seq, c in enumerate(spec.get("criteria", []), 1):
            values = {"group_zh": c.get("group_zh", ""), "group_en": c.get("group_en", ""),
                      "name_zh": c["zh"], "name_en": c.get("en", ""), "max_points": c["max"],
                      "measure": c.get("measure", "")}
            row = rows.get(seq)
            if row is None:
                Criterion.create(scheme=scheme, seq=seq, **values)
                if not new:
                    self.change("added", f"scheme {key} criterion {seq}")
            elif any(not _same(getattr(row, k), v) for k, v in values.items()):
                Criterion.update(**values).where(Criterion.id == row.id).execute()
                self.change("changed", f"scheme {key} criterion {seq}", _show(c["zh"]))
        bands = [(b["zh"], b.get("en", b["zh"]), float(b["min"])) for b in spec.get("bands", [])]
        have = sorted((b.name_zh, b.name_en, float(b.min_score)) for b in Band.select().where(Band.scheme == scheme))
        if sorted(bands) != have:
            if have:
                self.change("changed", f"scheme {key} bands")
            Band.delete().where(Band.scheme == scheme).execute()
            for zh, en, low in bands:
                Band.create(scheme=scheme, name_zh=zh, name_en=en, min_score=low)

    # positions ----------------------------------------------------------------------
    def positions(self, departments: dict[str, Department], schemes: dict[str, Scheme]) -> None:
        rows = {p.key: p for p in Position.select()}
        seen: set[int] = set()
        for key, spec in self.data.positions.items():
            wanted = {"zh": spec["zh"], "en": spec.get("en", ""), "department": spec["department"],
                      "section": spec.get("section", ""), "period": spec.get("period"),
                      "scheme": spec["_scheme"], "schemes": sorted(spec["_schemes"]), "note": spec["_note"]}
            position = rows.get(key)
            old = spec.get("renamed_from")
            if position is None and old and old in rows and rows[old].id not in seen:
                position = rows[old]
                Position.update(key=key).where(Position.id == position.id).execute()
                self.change("renamed", f"position {key}", f"{old} → {key}")
            if position is None:
                position = Position.create(
                    key=key, title_zh=wanted["zh"], title_en=wanted["en"],
                    department=departments[wanted["department"]], source_doc=spec["_doc"],
                    source_section=wanted["section"], period=wanted["period"],
                    scheme=schemes.get(wanted["scheme"] or ""), local_note=wanted["note"], seeded=_dump(wanted))
                self.link_schemes(position, [], wanted["schemes"], schemes)
                self.report.positions += 1
                self.change("added", f"position {key}", spec["zh"])
                new = True
            else:
                new = False
                if position.retired is not None:
                    Position.update(retired=None).where(Position.id == position.id).execute()
                    self.change("added", f"position {key}", "in the files again")
                self.position_fields(key, position, wanted, departments, schemes, spec["_doc"])
            seen.add(position.id)
            for list_name, kind in ITEM_KINDS.items():
                self.items(key, position, kind, spec.get(list_name, []), new)
            self.rules(key, position, spec.get("rules", []), new)
        for key, position in rows.items():
            if position.id in seen or position.retired is not None or position.seeded is None:
                continue
            Position.update(retired=self.now).where(Position.id == position.id).execute()
            for model in (PositionItem, Rule):
                model.update(retired=self.now).where(model.position == position.id, model.retired.is_null()).execute()
            self.change("retired", f"position {key}", position.title_zh)

    def position_fields(self, key, position, wanted, departments, schemes, doc) -> None:
        dept_keys = {d.id: k for k, d in departments.items()}
        scheme_keys = {s.id: k for k, s in schemes.items()}
        linked = sorted(scheme_keys[link.scheme_id] for link in
                        PositionScheme.select().where(PositionScheme.position == position))
        current = {"zh": position.title_zh, "en": position.title_en,
                   "department": dept_keys.get(position.department_id), "section": position.source_section,
                   "period": position.period, "scheme": scheme_keys.get(position.scheme_id),
                   "schemes": linked, "note": position.local_note}
        write, record = self.merge(f"position {key}", current, _load(position.seeded), wanted)
        columns = {"zh": "title_zh", "en": "title_en", "section": "source_section", "period": "period",
                   "note": "local_note"}
        update = {columns[k]: v for k, v in write.items() if k in columns}
        if "department" in write:
            update["department"] = departments[write["department"]].id
        if "scheme" in write:
            update["scheme"] = schemes[write["scheme"]].id if write["scheme"] else None
        if "schemes" in write:
            self.link_schemes(position, linked, write["schemes"], schemes)
        if position.source_doc != doc:
            update["source_doc"] = doc
        if update or position.seeded != _dump(record):
            Position.update(seeded=_dump(record), **update).where(Position.id == position.id).execute()
        self.report.kept += not write

    @staticmethod
    def link_schemes(position: Position, have: list[str], want: list[str], schemes: dict[str, Scheme]) -> None:
        """The position's schemes (``position_scheme``), one per period, as the files list them."""
        gone = [schemes[k].id for k in have if k not in want]
        if gone:
            PositionScheme.delete().where(PositionScheme.position == position,
                                          PositionScheme.scheme.in_(gone)).execute()
        for key in want:
            if key not in have:
                PositionScheme.insert(position=position, scheme=schemes[key]).on_conflict_ignore().execute()

    # lines and rules ----------------------------------------------------------------
    def items(self, key: str, position: Position, kind: str, texts: list[str], new: bool) -> None:
        rows = list(PositionItem.select().where(PositionItem.position == position, PositionItem.kind == kind)
                    .order_by(PositionItem.seq))

        def create(seq, values):
            PositionItem.create(position=position, kind=kind, seq=seq, text=values["text"], seeded=_dump(values))

        self.lines(PositionItem, rows, key, kind, texts, new, create)

    def department_items(self, departments: dict[str, Department]) -> None:
        """A department's own lines, per passage of the files (``department_duties``)."""
        seen = set()
        for key, spec in self.data.department_duties.items():
            seen.add(key)
            department = departments[spec["department"]]
            section = spec.get("section", "")
            rows = list(DepartmentItem.select().where(DepartmentItem.key == key).order_by(DepartmentItem.seq))
            new = not rows
            # Where the passage stands is the files' alone (there is no edit for it here).
            elsewhere = ((DepartmentItem.department != department) | (DepartmentItem.source_doc != spec["_doc"])
                         | (DepartmentItem.source_section != section))
            moved = DepartmentItem.update(department=department, source_doc=spec["_doc"], source_section=section) \
                .where(DepartmentItem.key == key, elsewhere).execute()
            if moved and not new:
                self.change("changed", f"department lines {key}", f"{spec['department']}, {_show(section)}")
            for list_name, kind in ITEM_KINDS.items():
                def create(seq, values, kind=kind, department=department, key=key, spec=spec, section=section):
                    DepartmentItem.create(department=department, key=key, source_doc=spec["_doc"],
                                          source_section=section, kind=kind, seq=seq, text=values["text"],
                                          seeded=_dump(values))

                self.lines(DepartmentItem, [r for r in rows if r.kind == kind], key, kind,
                           spec.get(list_name, []), new, create)
        gone = list(DepartmentItem.select().where(DepartmentItem.key.not_in(list(seen) or [""]),
                                                  DepartmentItem.retired.is_null()))
        for row in gone:
            self.change("retired", f"{row.key} {row.kind} {row.seq}", _show(row.text))
        DepartmentItem.update(retired=self.now).where(DepartmentItem.id.in_([r.id for r in gone])).execute()

    def lines(self, model, rows: list, key: str, kind: str, texts: list[str], new: bool, create) -> None:
        active = [(r, (_load(r.seeded) or {}).get("text", r.text)) for r in rows if r.retired is None]
        spare = [(r, (_load(r.seeded) or {}).get("text", r.text)) for r in rows if r.retired is not None]
        matched, unmatched = _match(texts, active, spare)
        for row, _text in unmatched:
            model.update(retired=self.now).where(model.id == row.id).execute()
            self.change("retired", f"{key} {kind} {row.seq}", _show(row.text))
        final = []
        for seq, (text, row) in enumerate(zip(texts, matched), 1):
            if row is None:
                final.append((None, seq, {"text": text}))
                continue
            what = f"{key} {kind} {seq}"
            if row.retired is not None:
                self.change("added", what, _show(text) + " (again)")
            current = {"text": row.text}
            write, record = self.merge(what, current, _load(row.seeded), {"text": text})
            self.report.kept += not write and row.retired is None
            final.append((row, seq, {**write, "seeded": _dump(record)}))
        self._place(model, key, kind, final, new, create)

    RULE_FIELDS = ("fact", "kind", "points", "unit", "cap", "fine", "code", "basis", "activity", "every", "times",
                   "grades", "step", "target", "due", "line", "local")

    def rules(self, key: str, position: Position, specs: list[dict], new: bool) -> None:
        rows = list(Rule.select().where(Rule.position == position).order_by(Rule.seq))
        # "post" (a patrol rule's place) has no column: the rule's seeded values keep it.
        current = {r.id: {**{f: getattr(r, f) for f in self.RULE_FIELDS}, "post": (_load(r.seeded) or {}).get("post")}
                   for r in rows}
        active = [(r, (_load(r.seeded) or {}).get("fact", r.fact)) for r in rows
                  if r.retired is None and r.seeded is not None]
        # An administrator's rule (seeded NULL) is adopted only when a file holds its very text:
        # a database loaded before migration 0009 has no other mark of what the files gave.
        spare = [(r, (_load(r.seeded) or {}).get("fact", r.fact)) for r in rows
                 if r.retired is not None or r.seeded is None]
        matched, unmatched = _match([s["fact"] for s in specs], active, spare)
        for row, _fact in unmatched:
            Rule.update(retired=self.now).where(Rule.id == row.id).execute()
            self.change("retired", f"{key} rule {row.seq}", _show(row.fact))
        final = []
        for seq, (spec, row) in enumerate(zip(specs, matched), 1):
            wanted = {"fact": spec["fact"], "kind": spec.get("kind", "deduction"), "points": spec["points"],
                      "unit": spec.get("unit", "次"), "cap": spec.get("cap"), "fine": spec.get("fine"),
                      "code": spec.get("code"), "basis": spec["basis"], "times": spec.get("times", 1),
                      **{name: spec.get(name) for name in ("activity", "every", "grades", "step", "target", "due",
                                                           "line", "local", "post")}}
            seeded = _load(row.seeded) if row is not None else None
            if row is None:
                record, write = dict(wanted), {}
            else:
                what = f"{key} rule {seq}"
                if row.retired is not None:
                    self.change("added", what, _show(spec["fact"]) + " (again)")
                write, record = self.merge(what, current[row.id], seeded, wanted)
                self.report.kept += not write and row.retired is None
            if spec.get("post"):
                minutes = PATROL_MINUTES[spec["every"]] // spec.get("times", 1)
                was = (seeded or {}).get("patrol_minutes") if (seeded or {}).get("post") == spec["post"] else None
                record["patrol_minutes"] = self.patrol(spec["post"], minutes, was)
            if row is None:
                final.append((None, seq, record))
            else:
                columns = {k: v for k, v in write.items() if k in self.RULE_FIELDS}
                final.append((row, seq, {**columns, "seeded": _dump(record)}))
        used = {row.id for row, _seq, _values in final if row is not None}
        local = [r for r in rows if r.retired is None and r.seeded is None and r.id not in used]
        for n, row in enumerate(local, len(final) + 1):  # an administrator's rules follow the files'
            final.append((row, n, {}))
        self._place(Rule, key, "rule", final, new,
                    lambda seq, values: Rule.create(position=position, seq=seq, seeded=_dump(values),
                                                    **{k: v for k, v in values.items() if k in self.RULE_FIELDS}))

    def patrol(self, post: str, minutes: int, was: int | None) -> int:
        """The patrol a rule requires at *post* (``models.logbook.patrols``): made, or brought in step as
        any seeded value is (an interval an administrator set stays). Returns the value to
        record as seeded. A patrol the files drop stays required: it is switched off in the
        program, like one an administrator made."""
        row = PatrolRule.get_or_none(PatrolRule.post == post)
        if row is None:
            PatrolRule.create(post=post, every_minutes=minutes, active=True)
            self.change("added", f"patrol {post}", f"every {minutes} min")
            return minutes
        if was is None:  # a patrol an administrator required before the files did: adopted as it is
            return minutes
        write, record = self.merge(f"patrol {post}", {"every": row.every_minutes}, {"every": was},
                                   {"every": minutes})
        if write:
            PatrolRule.update(every_minutes=write["every"]).where(PatrolRule.id == row.id).execute()
        return record["every"]

    def _place(self, model, key: str, kind: str, final: list, new: bool, create) -> None:
        """Write lines or rules in the files' order: numbers first moved aside, then set, so the
        unique number of the lines in force never clashes half-way."""
        moving = [(row, seq, values) for row, seq, values in final
                  if row is not None and (row.seq != seq or row.retired is not None)]
        for row, _seq, _values in moving:
            model.update(seq=-row.id, retired=None).where(model.id == row.id).execute()
        for row, seq, values in final:
            if row is None:
                continue
            update = dict(values)
            if row.seq != seq or row.retired is not None:
                update["seq"] = seq
            if update:
                model.update(**update).where(model.id == row.id).execute()
        for _row, seq, values in (x for x in final if x[0] is None):
            create(seq, values)
            if model is not Rule:
                self.report.items += 1
                if not new:
                    self.change("added", f"{key} {kind} {seq}", _show(values["text"]))
            else:
                self.report.rules += 1
                if not new:
                    self.change("added", f"{key} rule {seq}", _show(values["fact"]))


def _load(text: str | None) -> dict | None:
    return json.loads(text) if text else None


def _match(new: list[str], active: list[tuple], spare: list[tuple]) -> tuple[list, list]:
    """Pair each new text with an old row: the same text first (rows in force, then retired
    or unadopted ones), then the most similar of the rows in force left. Returns the row (or
    None) for each new text, and the rows in force left over."""
    matched: list = [None] * len(new)
    free = list(active)
    for pool in (free, list(spare)):
        for i, text in enumerate(new):
            if matched[i] is not None:
                continue
            for j, (row, old) in enumerate(pool):
                if old == text:
                    matched[i] = row
                    del pool[j]
                    break
    pairs = sorted(((difflib.SequenceMatcher(None, old, text).ratio(), -i, -j)
                    for i, text in enumerate(new) if matched[i] is None
                    for j, (_row, old) in enumerate(free)), reverse=True)
    taken_new, taken_old = set(), set()
    for ratio, i, j in pairs:
        i, j = -i, -j
        if ratio < SIMILAR:
            break
        if i in taken_new or j in taken_old:
            continue
        matched[i] = free[j][0]
        taken_new.add(i)
        taken_old.add(j)
    left = [entry for j, entry in enumerate(free) if j not in taken_old]
    return matched, left


@writes
def _sync(data: SeedData, dry_run: bool, take_files: bool) -> Report:
    report = Report(dry_run=dry_run)
    tables = ("department", "department_item", "scheme", "criterion", "band", "position", "position_item", "rule",
              "position_scheme", "patrol_rule")
    with bulk(tables, what="seed") as summary:
        sync = _Sync(data, take_files, report)
        departments = sync.departments()
        schemes = sync.schemes()
        sync.positions(departments, schemes)
        sync.department_items(departments)
        actions = Counter(c.action for c in report.changes)
        kinds = ("added", "changed", "retired", "renamed", "conflict")
        summary.update(take_files=take_files, kept=report.kept, **{a: actions.get(a, 0) for a in kinds},
                       rows_added={"departments": report.departments, "schemes": report.schemes,
                                   "positions": report.positions, "lines": report.items, "rules": report.rules},
                       changes=[f"{c.action} {c}" for c in report.changes if c.action != "added"])
    if dry_run:
        raise _DryRun(report)  # roll the whole transaction back: the report is what would happen
    return report


def sync(data: SeedData, *, dry_run: bool = False, take_files: bool = False) -> Report:
    """Bring the database in step with *data*; with *dry_run*, only report what that would do."""
    try:
        return _sync(data, dry_run, take_files)
    except _DryRun as done:
        return done.report


def apply(data: SeedData) -> Report:
    return sync(data)


def load(directory: Path = DATA_DIR, *, dry_run: bool = False, take_files: bool = False) -> Report:
    """Check every seed file, then bring the database in step. Nothing is written if any file is wrong."""
    return sync(read(directory), dry_run=dry_run, take_files=take_files)


# -- a count anyone can check ------------------------------------------------------------

@dataclass
class DocumentCount:
    code: str
    files: list[str]
    declared: dict[str, int]  # what the files hold
    loaded: dict[str, int]  # what the database holds in force, from those files
    left_out: list[dict]  # {"lines", "text", "reason"} as the files give them


def summary(directory: Path = DATA_DIR) -> list[DocumentCount]:
    """Per document: what its files hold, what the open database holds of it, what was left out."""
    data = read(directory)
    out: dict[str, DocumentCount] = {}
    for meta in data.documents:
        path = meta["_file"]
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        entry = out.setdefault(meta["code"], DocumentCount(meta["code"], [], Counter(), {}, []))
        entry.files.append(path.name)
        entry.declared.update(file_counts(doc))
        entry.left_out += meta.get("left_out", [])
    for code, entry in out.items():
        entry.declared = dict(entry.declared)
        keys = {k for k, d in data.departments.items() if set(d["_files"]) & set(entry.files)}
        entry.declared["departments"] = len(keys)  # a department two parts both declare counts once
        entry.loaded = loaded_counts(code, keys)
    return list(out.values())


def loaded_counts(code: str, department_keys: set[str]) -> dict[str, int]:
    """What the database holds in force of document *code* (an administrator's rules apart)."""
    positions = Position.select(Position.id).where(Position.source_doc == code, Position.retired.is_null())
    own = DepartmentItem.select().where(DepartmentItem.source_doc == code, DepartmentItem.retired.is_null())
    counts = {"departments": Department.select().where(Department.key.in_(list(department_keys))).count(),
              "positions": positions.count(),
              "rules": Rule.select().where(Rule.position.in_(positions), Rule.retired.is_null(),
                                           Rule.seeded.is_null(False)).count()}
    for name, kind in ITEM_KINDS.items():
        counts[name] = PositionItem.select().where(PositionItem.position.in_(positions), PositionItem.kind == kind,
                                                   PositionItem.retired.is_null()).count() \
            + own.where(DepartmentItem.kind == kind).count()  # as file_counts counts them
    return counts
