"""Errors a person can read.

Messages are English msgids marked with ``N_`` and translated where they are shown
(``tui.i18n``), so ``models`` stays free of any interface code.
"""


def N_(msgid: str) -> str:
    """Mark a string for translation without translating it here."""
    return msgid


class DutyError(Exception):
    """A refusal or failure to show to a person as one sentence.

    ``field`` names the input the message belongs to, so a form can show it at that field.
    """

    def __init__(self, msgid: str, field: str | None = None, **params: object) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.field = field
        self.params = params


class ValidationError(DutyError):
    """What a person typed cannot be accepted as it is."""


class DatabaseUnavailable(DutyError):
    """The database file cannot be opened, is locked, read-only or damaged."""
