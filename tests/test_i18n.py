"""Every user-facing string has a zh_CN translation, and the language switch works."""

import ast
from pathlib import Path

import pytest

from duty_desk.tui import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tui", "screens", "models", "seed")


def _calls():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    yield path, node, getattr(node.func, "id", getattr(node.func, "attr", None))


def plurals_in_source() -> dict[tuple[str, str], str]:
    """(singular, plural) → where it is used: ``ngettext("…", "…", n)``."""
    found: dict[tuple[str, str], str] = {}
    for path, node, name in _calls():
        owner = getattr(node.func, "value", None)  # ngettext(…) or i18n.ngettext(…), not gettext's own
        if name == "ngettext" and (owner is None or getattr(owner, "id", None) == "i18n"):
            args = node.args[:2]
            assert len(args) == 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args), \
                f"{path.relative_to(ROOT)}:{node.lineno}: ngettext takes two literal msgids"
            found.setdefault((args[0].value, args[1].value), f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def msgids_in_source() -> dict[str, str]:
    """msgid → where it is used: ``_("…")``, ``N_("…")`` and Binding descriptions."""
    found: dict[str, str] = {}
    for path, node, name in _calls():
        args = []
        if name in ("_", "N_") and node.args:
            args = [node.args[0]]
        elif name == "Binding":
            args = node.args[2:3] + \
                [k.value for k in node.keywords if k.arg == "description"]
        for arg in args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                found.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_string_has_a_zh_cn_translation():
    catalog = i18n.catalog("zh_CN")
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(msgids_in_source().items(), key=lambda x: x[1])
               if not catalog.get(msgid)]
    assert not missing, "no zh_CN translation for:\n" + "\n".join(missing)


def test_every_plural_has_zh_cn_forms():
    plurals = i18n.plural_catalog("zh_CN")
    forms = i18n.plural_forms("zh_CN")
    assert forms.replace(" ", "") == "nplurals=1;plural=0;"
    missing = [f"{where}: {pair!r}" for pair, where in sorted(plurals_in_source().items(), key=lambda x: x[1])
               if len(plurals.get(pair[0], ())) != 1 or not all(plurals[pair[0]])]
    assert not missing, "no zh_CN plural entry (one form) for:\n" + "\n".join(missing)


def test_the_scanner_finds_strings():
    found = msgids_in_source()
    assert "Positions" in found and "Help" in found
    plurals = plurals_in_source()
    assert ("{count} entry", "{count} entries") in plurals and ("{count} line", "{count} lines") in plurals
    assert "{count} entry" not in found  # a plural's msgid is checked as a plural


def test_plural_forms_in_both_languages():
    try:
        i18n.set_language("en")
        assert i18n.ngettext("{count} entry", "{count} entries", 1).format(count=1) == "1 entry"
        assert i18n.ngettext("{count} entry", "{count} entries", 2).format(count=2) == "2 entries"
        assert i18n.ngettext("{count} entry", "{count} entries", 0).format(count=0) == "0 entries"
        assert i18n.ngettext("{count} line", "{count} lines", 1).format(count=1) == "1 line"
        i18n.set_language("zh_CN")
        for n in (0, 1, 2, 21):
            assert i18n.ngettext("{count} entry", "{count} entries", n).format(count=n) == f"{n} 条记录"
            assert i18n.ngettext("{count} line", "{count} lines", n).format(count=n) == f"{n} 条"
        # a plural without a translation falls back to English, with the English rule
        assert i18n.ngettext("{count} widget", "{count} widgets", 1) == "{count} widget"
        assert i18n.ngettext("{count} widget", "{count} widgets", 3) == "{count} widgets"
        assert i18n._("Positions") == "岗位"  # singular messages from the same catalogs
    finally:
        i18n.set_language("en")


def test_plural_placeholders_survive_translation():
    import string

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    wrong = [msgid for msgid, forms in i18n.plural_catalog("zh_CN").items()
             if any(fields(form) != fields(msgid) for form in forms)]
    assert not wrong, f"plural translations with other placeholders: {wrong}"


def test_the_catalogs_must_agree_on_the_plural_rule(tmp_path, monkeypatch):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {}\\n"\n\n'
    (folder / "a.po").write_text(header.format("nplurals=1; plural=0;"), encoding="utf-8")
    (folder / "b.po").write_text(header.format("nplurals=2; plural=(n != 1);"), encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with pytest.raises(ValueError, match="Plural-Forms"):
        i18n._merged("xx")
    i18n._merged.cache_clear()


def test_placeholders_survive_translation():
    catalog = i18n.catalog("zh_CN")
    import string

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    wrong = [msgid for msgid, text in catalog.items() if fields(msgid) != fields(text)]
    assert not wrong, f"translations with other placeholders: {wrong}"


def test_language_choice(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.detect_language() == "zh_CN"
    assert i18n.detect_language("en") == "en"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert i18n.detect_language() == "en"
    try:
        i18n.set_language("zh_CN")
        assert i18n._("Positions") == "岗位"
        assert i18n.pick("值班室", "Duty Office") == "值班室"
    finally:
        i18n.set_language("en")
    assert i18n._("Positions") == "Positions"
    assert i18n.pick("值班室", "Duty Office") == "Duty Office"


def test_a_broken_catalog_is_named(tmp_path):
    bad = tmp_path / "x.po"
    bad.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgtsr "d"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="x.po:5"):
        i18n.read_po(bad)
    good = tmp_path / "y.po"
    good.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr ""\n', encoding="utf-8")
    assert i18n.read_po(good) == {"a": "b"}  # an untranslated entry is left out
