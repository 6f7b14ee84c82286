"""Which shift a moment belongs to, and who is on duty: the roster's answer when there is one.

The roster area provides ``models.roster.on_duty(at)`` and ``shift_at(person_id, at)``.
The log works without them (a new install, or before the roster is set up): shifts are
then the duty office's two twelve-hour shifts, day 08:00–20:00 and night 20:00–08:00.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass

log = logging.getLogger("duty")

DAY_START = dt.time(8, 0)
SHIFT_HOURS = 12


@dataclass(frozen=True)
class ShiftInfo:
    start: dt.datetime
    end: dt.datetime
    label: str
    post: str = ""
    lead_id: int | None = None


def _roster():
    try:
        return importlib.import_module("models.roster")
    except ImportError:
        return None


def _get(obj, *names, default=None):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def standard_shift(at: dt.datetime) -> ShiftInfo:
    """The twelve-hour shift holding *at* (day from 08:00, night from 20:00)."""
    day_start = dt.datetime.combine(at.date(), DAY_START)
    if at < day_start:
        day_start -= dt.timedelta(days=1)
    start = day_start if at < day_start + dt.timedelta(hours=SHIFT_HOURS) else day_start + dt.timedelta(hours=SHIFT_HOURS)
    kind = "day" if start.time() == DAY_START else "night"
    return ShiftInfo(start, start + dt.timedelta(hours=SHIFT_HOURS), f"{start:%Y-%m-%d} {kind}")


def shift_for(person_id: int | None, at: dt.datetime) -> ShiftInfo:
    """The shift *person_id* works at *at*, from the roster if it knows, else the standard one."""
    roster = _roster()
    if roster is not None and person_id is not None and hasattr(roster, "shift_at"):
        try:
            found = roster.shift_at(person_id, at)
        except Exception:  # the roster is another area: never let it stop a log entry
            log.exception("roster.shift_at failed")
            found = None
        if found is not None:
            start = _get(found, "start", "starts_at", "start_at")
            end = _get(found, "end", "ends_at", "end_at")
            if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
                label = _get(found, "label", "shift_zh", "shift_key", "name", default="")
                label = f"{start:%Y-%m-%d} {label}" if label else f"{start:%Y-%m-%d %H:%M}"
                post = _get(found, "post", "post_zh", "post_name", "location", default="") or ""
                return ShiftInfo(start, end, str(label), str(post) if isinstance(post, str) else "")
    return standard_shift(at)


def people_on_duty(at: dt.datetime) -> list[tuple[int, str]]:
    """(person id, role) of everyone on duty at *at*, or [] when no roster says."""
    roster = _roster()
    if roster is None or not hasattr(roster, "on_duty"):
        return []
    try:
        found = roster.on_duty(at) or []
    except Exception:
        log.exception("roster.on_duty failed")
        return []
    out = []
    for item in found:
        pid = item if isinstance(item, int) else _get(item, "person_id", "id")
        if isinstance(pid, int):
            out.append((pid, str(_get(item, "role", default="") or "")))
    return out
