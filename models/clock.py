"""The desk's one clock: every "now" and "today" of the program comes from here.

Times are stored as naive wall-clock times of the desk's zone (the duty office reads its
logbook in local time, and a shift "20:00–08:00" means the clock on the wall). The zone
is explicit: ``DUTY_TZ`` (an IANA name such as ``Asia/Shanghai`` or ``Europe/Berlin``),
else ``TZ``, else the machine's own.

Tests and the demo set the clock; nothing else reads the wall clock for domain time (a
test scans the source for it). Two ways to set it:

- ``freeze(moment)``: "now" stays at *moment* (a demo is built at one instant, so two
  builds of the same day are identical);
- ``start_at(moment)``: "now" starts at *moment* and runs on with real time (tests, and
  ``DUTY_NOW`` for a whole process: ``DUTY_NOW=2027-03-31T23:30 duty``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_UTC = dt.timezone.utc

# (moment, monotonic reading when set, frozen?) or None for the real clock
_setting: tuple[dt.datetime, float, bool] | None = None
_zone: dt.tzinfo | None = None


class ClockError(ValueError):
    """A moment or zone the clock cannot take (a bad ``DUTY_NOW`` or ``DUTY_TZ``)."""


def zone() -> dt.tzinfo:
    """The desk's time zone: ``DUTY_TZ``, else ``TZ``, else the machine's local zone."""
    global _zone
    if _zone is None:
        name = os.environ.get("DUTY_TZ") or os.environ.get("TZ", "").lstrip(":")
        if name:
            try:
                _zone = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ClockError(f"unknown time zone {name!r}") from exc
        else:
            _zone = dt.datetime.now(_UTC).astimezone().tzinfo or _UTC  # the machine's local zone
    return _zone


def set_zone(name: str | None) -> None:
    """Use zone *name* (None: read ``DUTY_TZ``/``TZ`` again on next use)."""
    global _zone
    _zone = None if name is None else ZoneInfo(name)


def now() -> dt.datetime:
    """The wall-clock time in the desk's zone, naive (as stored)."""
    if _setting is None:
        return dt.datetime.now(_UTC).astimezone(zone()).replace(tzinfo=None)
    moment, since, frozen = _setting
    return moment if frozen else moment + dt.timedelta(seconds=time.monotonic() - since)


def now_utc() -> dt.datetime:
    """The same instant as ``now()``, as an aware UTC time (for exports that need one)."""
    return to_utc(now())


def to_utc(local: dt.datetime) -> dt.datetime:
    """A stored (naive, desk-zone) time as an aware UTC time."""
    return local.replace(tzinfo=zone()).astimezone(_UTC)


def today() -> dt.date:
    return now().date()


def freeze(moment: dt.datetime | dt.date) -> None:
    """Stop the clock at *moment* (a date means its midnight)."""
    global _setting
    _setting = (_as_datetime(moment), time.monotonic(), True)


def start_at(moment: dt.datetime | dt.date) -> None:
    """Set the clock to *moment* and let it run on from there."""
    global _setting
    _setting = (_as_datetime(moment), time.monotonic(), False)


def reset() -> None:
    """Back to the real clock (``DUTY_NOW`` is read again)."""
    global _setting
    _setting = None
    _from_environment()


@contextmanager
def frozen_at(moment: dt.datetime | dt.date) -> Iterator[None]:
    """``freeze`` for the length of a block, then the clock as it was."""
    global _setting
    saved = _setting
    freeze(moment)
    try:
        yield
    finally:
        _setting = saved


def parse_moment(text: str) -> dt.datetime:
    """``2027-03-31``, ``2027-03-31 23:30`` or ``2027-03-31T23:30:00`` as a naive datetime."""
    try:
        return _as_datetime(dt.datetime.fromisoformat(text.strip()))
    except ValueError as exc:
        raise ClockError(f"not a date and time: {text!r}") from exc


def _as_datetime(moment: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone()).replace(tzinfo=None)
        return moment
    return dt.datetime.combine(moment, dt.time())


def from_environment() -> None:
    """Take ``DUTY_NOW`` and ``DUTY_TZ`` from the environment; ``ClockError`` names a bad one."""
    set_zone(None)
    zone()
    text = os.environ.get("DUTY_NOW")
    if text:
        start_at(parse_moment(text))


def _from_environment() -> None:
    try:
        from_environment()
    except ClockError:  # the command line reports it (tui/cli.py); the real clock meanwhile
        pass


_from_environment()
