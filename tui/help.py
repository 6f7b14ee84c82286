"""The help screen (F1 or ?): the keys that work on the screen below, with what they do."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .base import DutyModal, who_may
from .i18n import _
from .text import plain


class HelpScreen(DutyModal):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help-close"),
        Binding("f1", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, under):
        super().__init__()
        self._under = under

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True, padding=(0, 1))
        table.add_column(_("Key"), no_wrap=True)
        table.add_column(_("What it does"))
        seen = set()
        for _key, (_node, binding, enabled, _tip) in self._under.active_bindings.items():
            # Our own bindings carry ids (so people can remap them); the arrows, Tab and
            # Enter of Textual's widgets work as anyone expects and would crowd the list.
            if binding.id is None or binding.action in seen:
                continue
            seen.add(binding.action)
            # plain: a Rich table reads a str cell as markup, and keys such as "[" are brackets
            table.add_row(plain(self.app.get_key_display(binding)),
                          plain(_(binding.description) if binding.description else binding.action),
                          style="" if enabled else "dim")
        # Keys this role may not use are not in the footer; here they are, dim, with who may.
        role_allows = getattr(self._under, "role_allows", None)
        needs = getattr(self._under, "ROLE_ACTIONS", {})
        for bindings in self._under._bindings.key_to_bindings.values():
            for binding in bindings:
                action = binding.action.split("(")[0]
                if binding.id is None or binding.action in seen or role_allows is None or role_allows(action):
                    continue
                seen.add(binding.action)
                table.add_row(plain(self.app.get_key_display(binding)),
                              plain(_(binding.description) + " — " + who_may(needs[action])), style="dim")
        table.add_row("ctrl+p", _("Command palette: every screen and action by name"))
        with VerticalScroll(id="help-body"):
            yield Static(_("Keys on this screen"), classes="dialog-title")
            yield Static(table)
            yield Static(_("Press Escape to close."), classes="hint")
