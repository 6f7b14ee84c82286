"""Item 9: at 80 columns, in English and Chinese, every footer ends with the palette key whole
and every key label in it is whole (keys that do not fit are left to F1, not cut)."""

from __future__ import annotations

import pytest

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor
from duty_desk.screens.handover import HandoverScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle, wait_until
from duty_desk.tui.footer import DeskFooter

PALETTE = {"en": "^p palette", "zh_CN": "^p 命令面板"}
WORKSPACES = ("roster", "log", "scores", "positions", "staff", "audit")


def demo_admin() -> Actor:
    person = Person.select().where(Person.role == "admin").order_by(Person.id).first()
    return Actor(person.id, person.name, "admin")


async def visit(app, pilot, where: str) -> None:
    """Open a working screen of the demo as a person would: a workspace key, then h or Enter."""
    await app.switch_mode("scores" if where == "scoresheet" else "log" if where == "handover" else where)
    await settle(app, pilot)
    if where == "handover":
        await pilot.press("h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
    elif where == "scoresheet":
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail is not None)
    await settle(app, pilot)


def labels(app) -> set[str]:
    """Each key as the footer writes it: the key, a space, its description."""
    return {f"{app.get_key_display(b.binding)} {b.binding.description}".strip()
            for b in app.screen.active_bindings.values()}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_every_footer_is_whole_at_80_columns(demo_db, make_app, lang):
    app = make_app(actor=demo_admin(), start="log", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        for where in (*WORKSPACES, "handover", "scoresheet"):
            await visit(app, pilot, where)
            assert app.screen.query(DeskFooter), where
            last = screen_text(app).splitlines()[-1]
            assert last.rstrip().endswith(PALETTE[lang]), (where, last)
            keys = [part.strip() for part in last.split("▏")[0].split("  ") if part.strip()]
            assert keys, (where, last)
            whole = labels(app)
            cut = [k for k in keys if k not in whole]
            assert not cut, (where, last, cut)
            assert any(k.startswith("f1 ") for k in keys), (where, last)  # the rest is in F1
            if where in ("handover", "scoresheet"):
                await pilot.press("escape")
                await settle(app, pilot)


async def test_the_roster_warnings_title_is_not_cut(demo_db, make_app):
    for lang in ("en", "zh_CN"):
        app = make_app(actor=demo_admin(), start="roster", lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            title = next(line for line in screen_text(app).splitlines() if line.startswith("╭"))
            assert "…" not in title and title.rstrip().endswith("─╮"), title
            assert ("Warnings: " if lang == "en" else "提醒: ") in title
