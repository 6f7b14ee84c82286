"""The footer of every working screen: whole key labels only, at any width, in both languages.

Textual's footer lays every shown key in one line and cuts the last ones (and, under the
command palette's key, half a Chinese character). This one draws keys in order while they fit
beside the palette key and leaves the rest to F1, which lists every key of the screen; the
help key itself is always drawn.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"


def key_width(key: FooterKey) -> int:
    """Cells a key takes in the (non-compact) footer: " key " then "description "."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class DeskFooter(Footer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._laid_for = 0  # the width the keys were chosen for
        self._shown_keys: tuple | None = None  # the keys the last compose drew

    def compose(self):
        widgets = list(super().compose())
        self._shown_keys = self._shown() if self._bindings_ready else None
        width = self.size.width or self.app.size.width
        self._laid_for = width
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = [w for w in widgets if not w.has_class("-command-palette")]
        if not all(isinstance(w, FooterKey) for w in keys):  # a binding group: Textual's own layout
            yield from widgets
            return
        # the palette key: docked right, one cell of border and one of padding besides its label
        budget = width - sum(key_width(w) + 2 for w in palette)
        must = [w for w in keys if w.action == HELP_ACTION]
        budget -= sum(key_width(w) for w in must)
        kept = set(map(id, must))
        for key in keys:
            if key.action == HELP_ACTION:
                continue
            if key_width(key) > budget:
                break  # the rest in F1: the keys keep their order of importance
            budget -= key_width(key)
            kept.add(id(key))
        yield from (w for w in keys if id(w) in kept)
        yield from palette

    def _shown(self) -> tuple:
        """What the footer would draw: the keys shown, their labels and whether each is enabled."""
        return tuple((binding.key, binding.description, binding.show, enabled, tip)
                     for (_node, binding, enabled, tip) in self.screen.active_bindings.values())

    def bindings_changed(self, screen) -> None:
        # Textual recomposes the footer on every change of focus; the keys seldom change with it
        # (a field to the next field), and a recompose restyles every key: skip it when nothing shows new.
        if self._bindings_ready and self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = self._shown()
            if shown == self._shown_keys:
                return
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != self._laid_for:
            self.call_after_refresh(self.recompose)
