"""Base classes for screens: translated bindings and database work off the UI thread."""

from __future__ import annotations

import logging
from typing import Any, Callable

from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from models.errors import DutyError
from models.safe_text import printable

from .i18n import _, error_text, translate_bindings

log = logging.getLogger("duty")


class DatabaseWork:
    """Run blocking database calls in a thread worker and hand the result back.

    ``self.fetch(fn, *args, then=callback)`` runs ``fn(*args)`` on a thread; ``callback``
    runs on the UI thread with the result. A ``DutyError`` becomes a notification in the
    person's language; anything else becomes one sentence too, never a traceback.
    """

    def fetch(self, fn: Callable[..., Any], *args, then: Callable[[Any], None] | None = None,
              group: str = "db", exclusive: bool = True, on_error: Callable[[BaseException], None] | None = None):
        app = self.app

        def job():
            worker = get_current_worker()
            try:
                result = fn(*args)
            except Exception as exc:  # shown as a sentence; only the unexpected is logged in full
                if not isinstance(exc, DutyError):
                    log.exception("database work failed")
                if not worker.is_cancelled:
                    app.call_from_thread(on_error or self.show_error, exc)
                return None
            if then is not None and not worker.is_cancelled:
                app.call_from_thread(then, result)
            return result

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive,
                               exit_on_error=False, description=getattr(fn, "__name__", "db"))

    def show_error(self, error: BaseException) -> None:
        self.notify(error_text(error), severity="error", timeout=8)

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """A notification is plain text: ours carry names, log text and paths, and as markup
        ``[@click=app.quit]`` in one would be a live action. Nothing of ours uses markup."""
        self.app.notify(printable(str(message), multiline=True), title=printable(str(title)), severity=severity,
                        timeout=timeout, markup=False)


class DutyScreen(DatabaseWork, Screen):
    """A working screen of the app."""

    # msgid of the screen's title, shown in the header beside "signed in as …"
    TITLE_MSGID = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    def on_mount(self) -> None:  # Textual runs this as well as a subclass's own on_mount
        if self.TITLE_MSGID:
            self.title = _(self.TITLE_MSGID)


class DutyModal(DatabaseWork, ModalScreen):
    """A dialog over a screen; ``dismiss(value)`` returns its answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translate_bindings(self)
