"""The command palette (ctrl+p): every workspace and the current screen's main actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from duty_desk.models.safe_text import printable

from duty_desk.tui.i18n import N_, _, catalog, is_zh


def _content(text: str) -> Content:
    """The palette reads a ``str`` name or help line as markup; a ``Content`` is shown as it is."""
    return Content(printable(text))


def _highlight(matcher: Matcher, name: str) -> Content:
    """``Matcher.highlight`` without its markup parse: the matched letters stand out."""
    name = printable(name)
    content = Content(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def both_languages(msgid: str) -> str:
    """"Roster · 值班表": a name in the interface language, then in the other one."""
    zh = catalog("zh_CN").get(msgid, "")
    first, second = (zh, msgid) if is_zh() else (msgid, zh)
    return f"{first} · {second}" if first and second and first != second else (first or second)


class DutyCommands(Provider):
    """Builds its commands from what the app and the current screen can do right now."""

    def _commands(self):
        from duty_desk.tui.workspaces import WORKSPACES

        app = self.app
        for w in WORKSPACES:
            yield (both_languages(w.title), partial(app.switch_mode, w.mode),
                   _("Open the {name} screen ({key})").format(name=_(w.title), key=w.key.upper()))
        from duty_desk.tui.app import SETTINGS

        yield (both_languages(SETTINGS.title), partial(app.switch_mode, SETTINGS.mode),
               _("Local choices: values no document gives, set by an administrator ({key})").format(
                   key=SETTINGS.key.upper()))
        yield (both_languages(N_("Help")), app.action_help, _("Keys and what they do (F1)"))
        yield (both_languages(N_("Toggle light and dark theme")), app.action_toggle_dark,
               _("Light or dark colours (ctrl+t)"))
        screen = self.screen
        for title, callback, help_text in getattr(screen, "palette_commands", lambda: [])():
            yield both_languages(title), callback, _(help_text) if help_text else ""

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(_content(name), callback, text=name, help=_content(help_text) if help_text else None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), callback, text=name,
                          help=_content(help_text) if help_text else None)
