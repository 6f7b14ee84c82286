"""The interface language: gettext-style ``.po`` catalogs, read at start-up.

Every user-facing string is an English msgid passed through ``_`` where it is shown.
Strings defined at import time (bindings, model errors) are marked with ``N_`` or kept as
msgids and translated when they are displayed, so the language can be chosen per app.
Catalogs live in ``tui/locale/<lang>/LC_MESSAGES/*.po``, one file per area of the program,
merged at load.
"""

from __future__ import annotations

import ast
import dataclasses
import locale
import os
from functools import lru_cache
from pathlib import Path

from models.errors import N_, DutyError
from models.safe_text import printable

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")

_state = {"lang": "en"}

__all__ = ["_", "N_", "set_language", "language", "is_zh", "pick", "error_text", "detect_language"]


def detect_language(requested: str | None = None) -> str:
    """``--lang`` first, then the locale variables; Chinese locales get zh_CN, others English."""
    candidates = [requested] if requested else []
    candidates += [os.environ.get(v) for v in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    if not requested:
        try:
            candidates.append(locale.getlocale()[0])
        except ValueError:
            pass
    for value in candidates:
        if not value:
            continue
        value = value.lower()
        if value.startswith("zh"):
            return "zh_CN"
        if value.startswith(("en", "c", "posix")):
            return "en"
    return "en"


def set_language(lang: str) -> None:
    _state["lang"] = "zh_CN" if lang.lower().startswith("zh") else "en"


def language() -> str:
    return _state["lang"]


def is_zh() -> bool:
    return _state["lang"] == "zh_CN"


def _(msgid: str) -> str:
    """Translate *msgid* into the current language (English is the msgid itself)."""
    if _state["lang"] == "en" or not msgid:
        return msgid
    return catalog(_state["lang"]).get(msgid) or msgid


def pick(zh: str, en: str) -> str:
    """Choose between a record's Chinese and English names; fall back to whichever exists."""
    if is_zh():
        return zh or en
    return en or zh


def error_text(error: BaseException) -> str:
    """One translated sentence for an error; anything unexpected is named, never dumped.

    Its values may be stored or typed text (a name, a path): one printable line, whether it
    goes to stderr or to a widget (which must still show it without markup).
    """
    if isinstance(error, DutyError):
        text = _(error.msgid)
        try:
            text = text.format(**error.params) if error.params else text
        except (KeyError, IndexError, ValueError):
            text = str(error)
        return printable(text)
    return printable(_("Something went wrong: {reason}").format(reason=f"{type(error).__name__}: {error}"))


def translate_bindings(node) -> None:
    """Replace a widget's binding descriptions with their translations (per instance)."""
    if _state["lang"] == "en":
        return
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=_(b.description), tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            for b in items
        ]


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """Every msgid → msgstr of *lang*, merged from all its ``.po`` files."""
    merged: dict[str, str] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        merged.update(read_po(path))
    return merged


def read_po(path: Path) -> dict[str, str]:
    """Read the msgid/msgstr pairs of a ``.po`` file (no plurals or contexts: we use none)."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    target = None

    def flush():
        if msgid and msgstr:  # the header (empty msgid) and untranslated entries are skipped
            entries[msgid] = msgstr

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("msgid "):
                flush()
                msgid, msgstr, target = ast.literal_eval(line[6:]), None, "id"
            elif line.startswith("msgstr "):
                msgstr, target = ast.literal_eval(line[7:]), "str"
            elif line.startswith('"') and target == "id":
                msgid += ast.literal_eval(line)
            elif line.startswith('"') and target == "str":
                msgstr += ast.literal_eval(line)
            else:
                raise ValueError(line)
        except (ValueError, SyntaxError) as exc:
            raise ValueError(f"{path.name}:{number}: cannot read {raw!r}") from exc
    flush()
    return entries
