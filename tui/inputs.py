"""An input line that takes Enter in order with the keys around it.

Textual runs a widget's key bindings only after the key has bubbled up to the app, so in a
burst of typing the keys after Enter reach the box before its "submit" binding runs: the
line handed in would hold the next line's first letters. Here Enter submits as the box
reads it, between the keys typed before and after.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class LineInput(Input):
    """*clear_on_submit*: the line handed in leaves the box with Enter, so the keys typed
    next are the next line (the ``Submitted`` message carries the line)."""

    def __init__(self, *args, clear_on_submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.clear_on_submit = clear_on_submit

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            if self.clear_on_submit:
                self.value = ""
            return
        await super()._on_key(event)
