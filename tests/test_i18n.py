"""Every user-facing string has a zh_CN translation, and the language switch works."""

import ast
from pathlib import Path

import pytest

from tui import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tui", "screens", "models", "seed")


def msgids_in_source() -> dict[str, str]:
    """msgid → where it is used: ``_("…")``, ``N_("…")`` and Binding descriptions."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
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


def test_the_scanner_finds_strings():
    found = msgids_in_source()
    assert "Positions" in found and "Help" in found


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
    bad.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    with pytest.raises(ValueError, match="x.po:2"):
        i18n.read_po(bad)
