"""The help screen (F1 or ?): the keys that work on the screen below, with what they do."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from duty_desk.tui.base import DutyModal, who_may
from duty_desk.tui.i18n import _, bindings_of
from duty_desk.tui.text import plain


class HelpScreen(DutyModal):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help-close"),
        Binding("f1", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, under):
        super().__init__()
        self._under = under

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, what it does, style) for every key of the screen below, in its order."""
        rows = []
        seen = set()
        for _key, (_node, binding, enabled, _tip) in self._under.active_bindings.items():
            # Our own bindings carry ids (so people can remap them); the arrows, Tab and
            # Enter of Textual's widgets work as anyone expects and would crowd the list.
            if binding.id is None or binding.action in seen:
                continue
            seen.add(binding.action)
            rows.append((self.app.get_key_display(binding),
                         _(binding.description) if binding.description else binding.action,
                         "" if enabled else "dim"))
        # Keys this role may not use are not in the footer; here they are, dim, with who may.
        role_allows = getattr(self._under, "role_allows", None)
        needs = getattr(self._under, "ROLE_ACTIONS", {})
        for bindings in bindings_of(self._under).key_to_bindings.values():
            for binding in bindings:
                action = binding.action.split("(")[0]
                if binding.id is None or binding.action in seen or role_allows is None or role_allows(action):
                    continue
                seen.add(binding.action)
                rows.append((self.app.get_key_display(binding),
                             _(binding.description) + " — " + who_may(needs[action]), "dim"))
        rows.append(("ctrl+p", _("Command palette: every screen and action by name"), ""))
        return rows

    def compose(self) -> ComposeResult:
        rows = self.rows()
        # A list longer than the terminal is tall (80×24) goes in two columns, read unscrolled.
        fits = len(rows) + 8 <= self.app.size.height
        halves = [rows] if fits else [rows[:(len(rows) + 1) // 2], rows[(len(rows) + 1) // 2:]]
        table = Table.grid(expand=True, padding=(0, 2))
        for _half in halves:
            table.add_column(ratio=1)
        columns = []
        for half in halves:
            part = Table(box=None, show_header=True, header_style="bold", expand=True, padding=(0, 1))
            part.add_column(_("Key"), no_wrap=True)
            part.add_column(_("What it does"))
            for key, what, style in half:
                # plain: a Rich table reads a str cell as markup, and keys such as "[" are brackets
                part.add_row(plain(key), plain(what), style=style)
            columns.append(part)
        table.add_row(*columns)
        with VerticalScroll(id="help-body"):
            yield Static(_("Keys on this screen"), classes="dialog-title")
            yield Static(table)
            yield Static(_("Press Escape to close."), classes="hint")
