"""The keys that move a cursor through a list of rows, the same in every list.

LineTable and LogView (and any later list) bind up/down, page up/down, home and end to the
same actions (``move``, ``page``, ``first``, ``last``); each names its rows in its own words
and keeps its own binding ids, which people's keymaps refer to.
"""

from __future__ import annotations

from textual.binding import Binding

from duty_desk.tui.i18n import N_


def cursor_bindings(id_prefix: str, previous: str, following: str, first: str, last: str) -> list[Binding]:
    """Hidden bindings for moving the cursor; *previous* … *last* are msgids (``N_``)."""
    return [
        Binding("up", "move(-1)", previous, show=False, id=f"{id_prefix}-up"),
        Binding("down", "move(1)", following, show=False, id=f"{id_prefix}-down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id=f"{id_prefix}-pageup"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id=f"{id_prefix}-pagedown"),
        Binding("home", "first", first, show=False, id=f"{id_prefix}-first"),
        Binding("end", "last", last, show=False, id=f"{id_prefix}-last"),
    ]
