"""Base classes for screens: translated bindings and database work off the UI thread."""

from __future__ import annotations

import logging
from typing import Any, Callable

from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from duty_desk.models.errors import DutyError
from duty_desk.models.safe_text import printable
from duty_desk.models.errors import N_
from duty_desk.models.accounts.session import PERMISSIONS, ROLE_NAMES, PermissionDenied, acting_as, current_actor

from duty_desk.tui.i18n import _, bindings_of, error_text, translate_bindings

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
        actor = current_actor()  # the work is this person's, even if the terminal switches user

        def job():
            worker = get_current_worker()
            try:
                with acting_as(actor):
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


def refusal(permission: str) -> PermissionDenied:
    """A refusal that says who may: "A duty officer may not do this; it needs the role shift lead or higher."."""
    actor = current_actor()
    if actor is None:
        return PermissionDenied(N_("Sign in first."))
    return PermissionDenied(N_("A {yours} may not do this; it needs the role {role} or higher."),
                            yours=_(ROLE_NAMES.get(actor.role, actor.role)),
                            role=_(ROLE_NAMES[PERMISSIONS[permission]]))


def who_may(permission: str) -> str:
    return error_text(refusal(permission))


class DutyScreen(DatabaseWork, Screen):
    """A working screen of the app."""

    # msgid of the screen's title, shown in the header beside "signed in as …"
    TITLE_MSGID = ""
    # action → the permission it needs (models/accounts/session.py). A key the role may not use is
    # not offered in the footer; F1 lists it dimmed with who may, and pressing it says so.
    ROLE_ACTIONS: dict[str, str] = {}

    def role_allows(self, action: str) -> bool:
        needed = self.ROLE_ACTIONS.get(action)
        if needed is None:
            return True
        actor = current_actor()
        return actor is not None and actor.can(needed)

    def check_action(self, action: str, parameters) -> bool | None:
        return self.role_allows(action)

    def on_key(self, event) -> None:
        """A key hidden from this role does nothing, but says who may rather than nothing."""
        for binding in bindings_of(self).key_to_bindings.get(event.key, ()):
            action = binding.action.split("(")[0]
            if not self.role_allows(action):
                event.stop()
                self.show_error(refusal(self.ROLE_ACTIONS[action]))
                return

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
