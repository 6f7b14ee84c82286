"""The one-line quick entry: ``14:05 p: @东门 !! ¥35 what happened``, every part but the text optional.

``+李明`` names someone present (a meeting's attendees, ``dm: +李明 +王芳 …``).

Leading tokens, in any order, set the time (default now), the category by its short
prefix or name followed by a colon, the post or location, the severity (``!`` important,
``!!`` emergency) and an amount for an expense; the rest is the text, in any language.
A Chinese input method's ``：`` and ``！`` count as ``:`` and ``!``, a category's Chinese
name (or its first characters, ``巡:``) is a prefix too, and a token typed in brackets as
an older README wrote the form (``[02:10] [p:]``) is read without them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from duty_desk.models.errors import N_, ValidationError

MAX_TEXT = 2000
FIELD = "line"

_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_LOOKS_TIME = re.compile(r"^\d{1,3}[:：]\d{1,3}$")
_PREFIX = re.compile(r"^([^\s:：@!¥￥\d][^\s:：]{0,11})[:：](.*)$", re.S)
_AMOUNT = re.compile(r"^[¥￥](\d{1,7})(?:\.(\d{1,2}))?$")
_BRACKETED = re.compile(r"^[\[【]([^\[\]【】\s]+)[\]】]$")
_SEVERITY = re.compile(r"^[!！]{1,2}$")
_ATTENDEE = re.compile(r"^[+＋]([^\d\s+＋][^\s]{0,30})$")  # +李明: present at a meeting
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class CategoryRef:
    key: str
    prefix: str
    name_zh: str
    name_en: str
    severity: str


@dataclass(frozen=True)
class ParsedEntry:
    at: dt.datetime
    category: str  # key
    severity: str
    post: str | None  # None: the writer's usual post
    text: str
    amount_cents: int | None
    attendees: tuple[str, ...] = ()  # names after "+", kept in the text as typed


def clean(text: str) -> str:
    """Any Unicode is welcome; control characters become spaces, broken surrogates a mark."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))


def find_category(word: str, categories: list[CategoryRef]) -> CategoryRef | None:
    word = word.strip().lower()
    for c in categories:
        if word in (c.prefix.lower(), c.key.lower(), c.name_zh.lower(), c.name_en.lower()):
            return c
    # A Chinese name's part or its first characters (巡: 巡逻：, 火警: for 火警/紧急): an input
    # method makes typing the Latin prefix a detour. Where several start so (巡逻, 巡查), the
    # first in the list's order is meant: the everyday one comes first.
    if word and not word.isascii():
        found = [c for c in categories
                 if any(part.startswith(word) for part in c.name_zh.lower().split("/"))]
        if found:
            return found[0]
    return None


def _is_token(word: str) -> bool:
    """Whether *word* is one of the leading tokens (so ``[word]`` is the form's brackets)."""
    return bool(_LOOKS_TIME.match(word) or _SEVERITY.match(word) or _AMOUNT.match(word) or _ATTENDEE.match(word)
                or (word.startswith("@") and len(word) > 1) or _PREFIX.match(word))


def parse(line: str, categories: list[CategoryRef], now: dt.datetime,
          default_category: str = "other") -> ParsedEntry:
    """Read one quick-entry line; a ``ValidationError`` at field "line" says what is wrong."""
    rest = clean(line).strip()
    if not rest:
        raise ValidationError(N_("Type what happened: the line is empty."), field=FIELD)
    at = now.replace(microsecond=0)
    category = None
    post = None
    severity = None
    amount = None
    attendees: list[str] = []
    while rest:
        head, _, tail = rest.partition(" ")
        tail = tail.lstrip()
        bracketed = _BRACKETED.match(head)
        if bracketed and _is_token(bracketed.group(1)):
            rest = (bracketed.group(1) + " " + tail).strip()  # [02:10] as the old form wrote it
            continue
        if _LOOKS_TIME.match(head):
            found = _TIME.match(head)
            hour, minute = (int(found.group(1)), int(found.group(2))) if found else (99, 99)
            if hour > 23 or minute > 59:
                raise ValidationError(N_("There is no time {time}: use hours 00–23 and minutes 00–59."),
                                      field=FIELD, time=head)
            at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if at > now + dt.timedelta(minutes=5):  # 23:50 typed at 00:10 means last night
                at -= dt.timedelta(days=1)
            rest = tail
        elif head.startswith("@") and len(head) > 1:
            post = head[1:][:60]
            rest = tail
        elif found := _ATTENDEE.match(head):
            name = found.group(1)
            if name not in attendees:
                attendees.append(name)
            rest = tail
        elif _SEVERITY.match(head):
            severity = "important" if len(head) == 1 else "emergency"
            rest = tail
        elif found := _AMOUNT.match(head):
            amount = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
            rest = tail
        elif category is None and (found := _PREFIX.match(rest)):
            category = find_category(found.group(1), categories)
            if category is None:
                raise ValidationError(N_("Unknown category “{prefix}”: use one of {known}."), field=FIELD,
                                      prefix=found.group(1),
                                      known=", ".join(f"{c.prefix}:" for c in categories))
            rest = found.group(2).lstrip()
        else:
            break
    if category is None:
        category = find_category(default_category, categories) or categories[-1]
    text = " ".join(rest.split())
    if not text:
        raise ValidationError(N_("Type what happened after the time and category."), field=FIELD)
    if attendees:  # the names stay in the text, so the hash chain covers who was there
        text = " ".join(f"+{name}" for name in attendees) + " " + text
    if len(text) > MAX_TEXT:
        raise ValidationError(N_("The entry is too long ({length} characters); keep it under {limit}."),
                              field=FIELD, length=len(text), limit=MAX_TEXT)
    if category.key == "expense" and amount is None:
        raise ValidationError(N_("An expense needs an amount, such as ¥35."), field=FIELD)
    return ParsedEntry(at, category.key, severity or category.severity, post, text, amount, tuple(attendees))
