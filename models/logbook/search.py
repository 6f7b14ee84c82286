"""Full-text search over the logbook that finds Chinese words of any length.

SQLite's trigram tokenizer matches nothing shorter than three characters, so 巡逻 would
never be found. We index our own tokens instead, with FTS5's plain ``unicode61``
tokenizer: Latin words as they are, and every run of Chinese characters as overlapping
character pairs (夜间巡逻 → 夜间 间巡 巡逻) plus its last character. A two-character
query is then one token, a longer one a phrase of pairs, and a single character a prefix
query over the pairs.
"""

from __future__ import annotations

import re

# CJK ideographs (with extension A and compatibility ideographs), kana and hangul.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(f"([{_CJK}]+)|([^\\W{_CJK}]+)")


def _pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(*texts: str) -> str:
    """The token text stored in ``log_search`` for an entry's text and post."""
    tokens: list[str] = []
    for text in texts:
        for cjk, word in _RUNS.findall(text):
            tokens.extend(_pairs(cjk) if cjk else [word.lower()])
    return " ".join(tokens)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_query(query: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed (all words must occur); None if empty.

    The last Latin word matches as a prefix, so "patr" finds "patrol" while typing.
    """
    parts: list[str] = []
    runs = _RUNS.findall(query)
    for n, (cjk, word) in enumerate(runs):
        last = n == len(runs) - 1
        if cjk:
            if len(cjk) == 1:
                parts.append(_quote(cjk) + "*")
            else:
                pairs = [cjk[i:i + 2] for i in range(len(cjk) - 1)]
                parts.append(_quote(" ".join(pairs)))
        else:
            parts.append(_quote(word.lower()) + ("*" if last else ""))
    return " AND ".join(parts) if parts else None
