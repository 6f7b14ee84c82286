"""One week of one post, as the roster screen draws it: one query set, plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from duty_desk.models.roster import coverage
from duty_desk.models.roster.duties import (
    Duty, NeedRow, PostRow, ShiftRow, duties_between, holidays_between, needs, posts, shifts,
                     week_of)


@dataclass
class WeekView:
    monday: dt.date
    post: PostRow | None
    posts: list[PostRow]
    shifts: list[ShiftRow]
    needs: dict[int, NeedRow]  # shift id → what this post needs
    cells: dict[tuple[dt.date, int], list[Duty]] = field(default_factory=dict)
    cover: coverage.Coverage | None = None
    holidays: dict[dt.date, str] = field(default_factory=dict)

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(7)]

    def cell(self, day: dt.date, shift_id: int) -> list[Duty]:
        return self.cells.get((day, shift_id), [])


def week(day: dt.date, post_id: int | None = None) -> WeekView:
    """The week holding *day* for *post_id* (the first post when None or gone)."""
    monday = week_of(day)
    sunday = monday + dt.timedelta(days=6)
    post_rows, shift_rows, need_rows = posts(), shifts(), needs()
    post = next((p for p in post_rows if p.id == post_id), post_rows[0] if post_rows else None)
    view = WeekView(monday, post, post_rows, shift_rows, {})
    if post is None:
        return view
    view.needs = {s: n for (s, p), n in need_rows.items() if p == post.id}
    for d in duties_between(monday, sunday, post_id=post.id):
        view.cells.setdefault((d.day, d.shift_id), []).append(d)
    for items in view.cells.values():
        items.sort(key=lambda d: (d.role != "lead", d.person_name))
    view.cover = coverage.check(monday, sunday, post_id=post.id, shift_rows=shift_rows, post_rows=post_rows,
                                need_rows=need_rows)
    view.holidays = holidays_between(monday, sunday)
    return view


def busiest_post(first_day: dt.date, last_day: dt.date) -> int | None:
    from duty_desk.models.storage.db import db

    row = db.execute_sql("SELECT post_id, count(*) AS n FROM assignment WHERE day >= ? AND day <= ? "
                         "GROUP BY post_id ORDER BY n DESC LIMIT 1",
                         (first_day.isoformat(), last_day.isoformat())).fetchone()
    return row[0] if row else None
