"""Appraisal period keys: 2026-09 (month), 2026-Q3 (quarter), 2026-H2 (half-year), 2026 (year)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from duty_desk.models.errors import N_, ValidationError

KINDS = ("month", "quarter", "half", "year")
KIND_NAMES = {"month": N_("month"), "quarter": N_("quarter"), "half": N_("half-year"), "year": N_("year")}
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class PeriodSpan:
    key: str
    kind: str
    starts: dt.date
    ends: dt.date  # exclusive

    def contains(self, day: dt.date) -> bool:
        return self.starts <= day < self.ends


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse(key: str) -> PeriodSpan:
    """The span a period key names; a ``ValidationError`` at field "period" otherwise."""
    text = (key or "").strip().upper()
    match = re.fullmatch(r"(\d{4})(?:-(?:(\d{1,2})|Q([1-4])|H([12])))?", text)
    if not match:
        raise ValidationError(N_("{key} is not a period: write 2026-09, 2026-Q3, 2026-H2 or 2026."),
                              field="period", key=key)
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(N_("{key} is not a period: write 2026-09, 2026-Q3, 2026-H2 or 2026."),
                                  field="period", key=key)
        kind, first, canonical = "month", month, f"{year}-{month:02d}"
    elif match.group(3):
        kind, first, canonical = "quarter", (int(match.group(3)) - 1) * 3 + 1, f"{year}-Q{match.group(3)}"
    elif match.group(4):
        kind, first, canonical = "half", (int(match.group(4)) - 1) * 6 + 1, f"{year}-H{match.group(4)}"
    else:
        kind, first, canonical = "year", 1, f"{year}"
    starts = dt.date(year, first, 1)
    return PeriodSpan(canonical, kind, starts, _add_months(starts, _MONTHS[kind]))


def containing(kind: str, day: dt.date) -> PeriodSpan:
    """The period of *kind* that *day* falls in."""
    if kind == "month":
        return parse(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse(f"{day.year}-H{1 if day.month <= 6 else 2}")
    return parse(f"{day.year}")


def last_completed(kind: str, today: dt.date) -> PeriodSpan:
    """The most recent period of *kind* that has ended by *today*."""
    current = containing(kind, today)
    return containing(kind, current.starts - dt.timedelta(days=1))


def previous(span: PeriodSpan) -> PeriodSpan:
    return containing(span.kind, span.starts - dt.timedelta(days=1))
