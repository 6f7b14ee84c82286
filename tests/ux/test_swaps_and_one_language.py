"""Items 4 and 10, second round: a swap offers only one's own duty, then the colleague's to
take; a refusal says who may before a dialog is filled in; one language on every screen."""

from __future__ import annotations

import datetime as dt
import re

from duty_desk.models import clock
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster import duties as roster
from duty_desk.models.roster import swaps
from duty_desk.models.roster.duties import Post
from duty_desk.models.accounts.session import Actor
from duty_desk.screens.audit import AuditScreen
from duty_desk.screens.roster import RosterScreen
from duty_desk.screens.roster_dialogs import ChooseDuty, SwapDialog
from duty_desk.tui import labels
from duty_desk.tui.i18n import set_language
from tests.helpers import screen_text, settle

MONDAY = dt.date(2026, 11, 16)


def _actor(name: str) -> Actor:
    p = Person.get(Person.name == name)
    return Actor(p.id, p.name, p.role)


def _swap_case():
    """My Monday day duty at the command desk, a free colleague, and their first later duty I can take."""
    command, day_shift = roster.posts()[0], roster.shifts()[0]
    mine = next(d for d in roster.duties_between(MONDAY, MONDAY, post_id=command.id)
                if d.shift_id == day_shift.id and d.role == "officer")
    span = dt.timedelta(days=SwapDialog.EXCHANGE_DAYS)
    for p in roster.people():
        if p.role != "officer" or p.id == mine.person_id or roster.clash(p.id, mine.starts_at, mine.ends_at):
            continue
        theirs = [d for d in roster.duties_between(mine.day - span, mine.day + span, person_id=p.id)
                  if d.starts_at > clock.now()]
        if theirs and roster.clash(mine.person_id, theirs[0].starts_at, theirs[0].ends_at) is None:
            return mine, p, theirs[0]
    raise AssertionError("the demo has no colleague to swap with")


async def test_a_swap_offers_only_my_duty_then_the_colleagues_to_take(demo_db, make_app):
    mine, colleague, taken = _swap_case()
    me = _actor(mine.person_name)
    command, day_shift = roster.posts()[0], roster.shifts()[0]
    away = next(n for n in range(1, 7) if not any(
        d.person_id == me.id for d in roster.duties_between(MONDAY + dt.timedelta(days=n),
                                                            MONDAY + dt.timedelta(days=n), post_id=command.id)
        if d.shift_id == day_shift.id))
    app = make_app(start="roster", actor=me)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # On a cell without me: no dialog to fill in, and who may arrange others' duties.
        await pilot.press(*["right"] * away, "s")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert "You are not on this shift" in screen_text(app)
        assert "Only the administrator arranges other people's duties." in screen_text(app)
        # On my own duty: the form, then the colleague's duties to take in exchange.
        await pilot.press(*["left"] * away, "s")
        await settle(app, pilot)
        assert isinstance(app.screen, SwapDialog)
        await pilot.press(*colleague.name, "enter", *"家里有事", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChooseDuty)
        text = screen_text(app)
        assert f"No exchange: {colleague.name} takes mine" in text
        assert colleague.name in text and mine.person_name not in text.split("exchange?")[1]
        assert swaps.swaps() == []  # nothing asked until the exchange is chosen
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    [asked] = swaps.swaps()
    assert (asked.colleague_id, asked.colleague_assignment_id, asked.reason) == (colleague.id, taken.assignment_id,
                                                                                  "家里有事")


async def test_escape_from_the_exchange_goes_back_to_the_form(demo_db, make_app):
    mine, colleague, _taken = _swap_case()
    app = make_app(start="roster", actor=_actor(mine.person_name))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press(*colleague.name, "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChooseDuty)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SwapDialog)
        assert app.screen.query_one("#field-colleague").value == colleague.name
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        await pilot.press("enter")  # "No exchange" is first: the colleague just takes mine
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    [asked] = swaps.swaps()
    assert (asked.colleague_id, asked.colleague_assignment_id) == (colleague.id, None)


async def test_a_refusal_in_chinese_names_the_roles_in_chinese_and_who_may(demo_db, make_app):
    lead = next(p for p in roster.people() if p.role == "lead")
    app = make_app(start="audit", lang="zh_CN", actor=_actor(lead.name))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, AuditScreen)
        text = screen_text(app)
        assert "值班长不能执行此操作；需要" in text
        assert "shift lead" not in text


async def test_the_log_detail_names_post_and_shift_in_the_interface_language(demo_db, make_app):
    lead = next(p for p in roster.people() if p.role == "lead")
    for lang in ("en", "zh_CN"):
        app = make_app(start="log", lang=lang, actor=_actor(lead.name))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            detail = next(line for line in screen_text(app).splitlines() if re.match(r" #\d+ \d{4}-", line))
            entry = LogEntry.get(LogEntry.seq == int(detail.split()[0][1:]))
            post = Post.get(Post.name_zh == entry.post)  # the demo's newest entry: at a roster post, its shift
            assert entry.shift.endswith(("白班", "夜班"))
            if lang == "en":
                assert f" · {post.name_en} · " in detail and entry.post not in detail
                assert f"{entry.at:%Y-%m-%d} Day" in detail or f"{entry.at:%Y-%m-%d} Night" in detail
                assert "白班" not in detail and "夜班" not in detail
            else:
                assert f" · {post.name_zh} · " in detail and entry.shift in detail


def test_stored_standard_shifts_and_unknown_posts(demo_db):
    labels.forget()
    try:
        assert labels.shift_label("2026-06-01 day") == "2026-06-01 Day"
        assert labels.post_name("东门") == "东门"  # a word the writer chose stays as written
        set_language("zh_CN")
        assert labels.shift_label("2026-06-01 night") == "2026-06-01 夜班"
        assert labels.post_name("Command desk") == "值班指挥台"
        assert labels.shift_label("no date here") == "no date here"
    finally:
        set_language("en")
        labels.forget()
