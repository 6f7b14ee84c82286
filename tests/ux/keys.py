"""Keys as a practised hand types them: all at once, before the screen has drawn."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key


def burst(app, *keys: str) -> None:
    """Put every key into the app's queue now, with no pause between them (Pilot's ``press``
    waits for the app to be idle after each key; a person typing ahead does not)."""
    driver = app._driver
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            event = events.Key(name, key)
        else:
            event = events.Key(key, {"enter": "\r", "escape": "\x1b", "tab": "\t"}.get(key))
        event.set_sender(app)
        driver.send_message(event)
