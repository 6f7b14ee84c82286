"""The interface language: gettext ``.po`` catalogs, read at start-up.

Every user-facing string is an English msgid passed through ``_`` where it is shown; a
count goes through ``ngettext(singular, plural, n)``, which picks the language's plural form
("1 entry", "2 entries"; Chinese has one form). Strings defined at import time (bindings,
model errors) are marked with ``N_`` or kept as msgids and translated when they are
displayed, so the language can be chosen per app. Catalogs live in
``tui/locale/<lang>/LC_MESSAGES/*.po``, one file per area of the program, read by Babel and
merged at load into one stdlib ``gettext`` catalog (whose ``ngettext`` applies the
``Plural-Forms`` rule).
"""

from __future__ import annotations

import dataclasses
import gettext
import io
import locale
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError
from babel.messages.pofile import read_po as babel_read_po

from duty_desk.models.errors import N_, DutyError
from duty_desk.models.safe_text import printable

if TYPE_CHECKING:  # the command line loads this module without Textual
    from textual.binding import BindingsMap
    from textual.dom import DOMNode

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")

_state = {"lang": "en"}

__all__ = ["_", "N_", "ngettext", "set_language", "language", "is_zh", "pick", "error_text", "detect_language"]


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


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of *singular*/*plural* (English msgids) for the count *n* in the current language.

    English: *singular* for 1, *plural* otherwise; zh_CN has one form. A message without a
    translation falls back to the English rule.
    """
    return translations(_state["lang"]).ngettext(singular, plural, n)


def pick(zh: str, en: str) -> str:
    """Choose between a record's Chinese and English names; fall back to whichever exists."""
    if is_zh():
        return zh or en
    return en or zh


NAMED_PARAMS = ("role", "yours", "status", "kind")  # a model's refusal names these by their msgid


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """The msgids models put into a refusal's values (a role, a swap's status, a kind of leave):
    translated where shown, so "A 值班长 may not …" never reads "shift lead无权…"."""
    from duty_desk.models.accounts.session import ROLE_NAMES
    from duty_desk.models.roster import duties, swaps
    return frozenset([*ROLE_NAMES.values(), *duties.ROLE_NAMES.values(), *swaps.STATUSES.values(),
                      *duties.LEAVE_KINDS.values()])


def error_text(error: BaseException) -> str:
    """One translated sentence for an error; anything unexpected is named, never dumped.

    Its values may be stored or typed text (a name, a path): one printable line, whether it
    goes to stderr or to a widget (which must still show it without markup).
    """
    if isinstance(error, DutyError):
        text = _(error.msgid)
        params = {key: _(value) if key in NAMED_PARAMS and isinstance(value, str) and value in _names() else value
                  for key, value in (error.params or {}).items()}
        try:
            text = text.format(**params) if params else text
        except (KeyError, IndexError, ValueError):
            text = str(error)
        return printable(text)
    return printable(_("Something went wrong: {reason}").format(reason=f"{type(error).__name__}: {error}"))


def bindings_of(node: DOMNode) -> BindingsMap:
    """Every binding of *node* itself, keymap applied, whether or not it is shown now.

    The one place we read Textual's private ``_bindings``. Textual 8's public views of
    bindings are ``active_bindings`` (App and Screen: only those shown now, so not the keys a
    role hides, which help lists dim and ``on_key`` answers) and the class's ``BINDINGS``
    (without the user's keymap); and nothing public changes a binding's description after
    the class is made (``App.bind`` only adds, ``set_keymap`` changes keys).
    """
    return node._bindings


def translate_bindings(node: DOMNode) -> None:
    """Replace a widget's binding descriptions with their translations (per instance):
    Textual merges a class's ``BINDINGS`` once, when the class is made, before a language is
    chosen."""
    if _state["lang"] == "en":
        return
    bindings = bindings_of(node).key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=_(b.description), tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            for b in items
        ]


@lru_cache(maxsize=None)
def _merged(lang: str) -> Catalog:
    """Every ``.po`` file of *lang*, read by Babel and merged into one catalog.

    Only translated entries are kept (an empty or partly empty plural entry would otherwise
    show as nothing); the files must agree on the plural rule.
    """
    merged = Catalog(locale=lang, charset="utf-8")
    rules: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        read = _read(path, lang)
        rules.setdefault(read.plural_forms, path.name)
        for message in read:
            if not message.id:
                continue  # the header
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(forms):
                merged[message.id] = message
    if len(rules) > 1:
        raise ValueError(f"the catalogs of {lang} disagree on Plural-Forms: {rules}")
    if rules:
        merged.mime_headers = [("Plural-Forms", next(iter(rules)))]
    return merged


def _read(path: Path, lang: str) -> Catalog:
    try:
        with path.open("rb") as handle:
            return babel_read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as exc:
        # Babel counts lines from 0, an editor from 1
        raise ValueError(f"{path.name}:{exc.lineno + 1}: cannot read {exc.line!r}") from exc


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """*lang*'s catalog as stdlib ``gettext`` translations (English: the msgids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, _merged(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """Every singular msgid → msgstr of *lang*, merged from all its ``.po`` files."""
    if lang == "en":
        return {}
    return {m.id: m.string for m in _merged(lang) if isinstance(m.id, str) and m.id}


@lru_cache(maxsize=None)
def plural_catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """Every plural entry of *lang*: its singular msgid → its forms (as many as the language has)."""
    if lang == "en":
        return {}
    return {m.id[0]: tuple(m.string) for m in _merged(lang) if isinstance(m.id, tuple)}


def plural_forms(lang: str) -> str:
    """*lang*'s ``Plural-Forms`` rule, e.g. ``nplurals=1; plural=0;``."""
    return _merged(lang).plural_forms


def read_po(path: Path) -> dict[str, str]:
    """The translated singular msgid/msgstr pairs of one ``.po`` file; a malformed one is named."""
    lang = path.parent.parent.name if path.parent.name == "LC_MESSAGES" else None
    read = _read(path, lang or "en")
    return {m.id: m.string for m in read if isinstance(m.id, str) and m.id and m.string}
