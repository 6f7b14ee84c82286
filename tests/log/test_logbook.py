"""The logbook in models/ terms: entries, amendments, append-only, the hash chain."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from duty_desk.models.logbook import chain as log_chain
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.storage.checks import run_all
from duty_desk.models.storage.db import db
from duty_desk.models.errors import DutyError, ValidationError
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.accounts.session import PermissionDenied, acting_as
from duty_desk.models import clock


def test_entries_are_stamped_with_author_time_shift_and_post(office):
    with acting_as(office.officer):
        first = log_entries.add("14:05 p: @东门 夜间巡逻正常", at_now=dt.datetime(2026, 11, 20, 14, 30))
        second = log_entries.add("v: visitor from 财务部 signed in", at_now=dt.datetime(2026, 11, 20, 14, 40))
    a, b = log_query.row(first), log_query.row(second)
    assert (a.seq, b.seq) == (1, 2)
    assert a.author == "王晓东" and a.category == "patrol" and a.post == "东门"
    assert a.at == dt.datetime(2026, 11, 20, 14, 5)
    assert a.shift == "2026-11-20 day"
    assert b.category == "visitor" and b.post == "东门"  # the writer's usual post carries on
    assert b.text == "visitor from 财务部 signed in"
    assert log_query.total() == 2


def test_quick_entry_refuses_bad_lines_at_the_line(office):
    with acting_as(office.officer):
        for line, words in (("", "empty"), ("   ", "empty"), ("25:61 p: late", "no time 25:61"),
                            ("zz: something", "Unknown category"), ("x: 打印纸", "amount"),
                            ("14:05 p:", "after the time"), ("a" * 2001, "too long")):
            with pytest.raises(ValidationError) as err:
                log_entries.add(line)
            assert err.value.field == "line"
            assert words in str(err.value), line
    assert log_query.total() == 0


def test_any_unicode_goes_in(office):
    text = "火警 🔥 Ünïcödé\x07 العربية " + "长" * 500
    with acting_as(office.officer):
        entry = log_entries.add(text)
    saved = log_query.row(entry).text
    assert "🔥" in saved and "\x07" not in saved and saved.endswith("长")


def test_the_system_and_roles_cannot_sign(office):
    with pytest.raises(PermissionDenied):
        log_entries.add("p: nobody signed in")
    with acting_as(office.officer), pytest.raises(PermissionDenied):
        log_entries.set_expense_limit(100)


def test_append_only_in_sqlite_itself(office):
    with acting_as(office.officer):
        entry = log_entries.add("p: 巡逻正常")
    for sql in ("UPDATE log_entry SET text = 'rewritten' WHERE id = ?", "DELETE FROM log_entry WHERE id = ?"):
        with pytest.raises(peewee.IntegrityError, match="append-only"):
            db.execute_sql(sql, (entry,))
    assert log_query.row(entry).text == "巡逻正常"
    # models/ has no way to change an entry either: no update or delete function exists.
    assert not [n for n in dir(log_entries) if n.startswith(("update", "delete", "edit", "remove"))]


def test_amendment_points_at_and_keeps_the_original(office):
    with acting_as(office.officer):
        original = log_entries.add("10:00 f: @机房 空调漏水", at_now=dt.datetime(2026, 11, 20, 10, 5))
        fix = log_entries.amend(original, "机房空调漏水, 已报修")
        fix2 = log_entries.amend(fix, "t: 机房空调漏水, 已电话报修")
    chain = log_query.amendment_chain(fix2)
    assert [r.id for r in chain] == [original, fix, fix2]
    assert chain[0].text == "空调漏水" and chain[0].amended
    assert chain[1].amends_seq == chain[0].seq and chain[1].category == "fault"
    assert chain[1].at == chain[0].at and chain[1].post == "机房"
    assert chain[2].category == "phone"
    with acting_as(office.officer), pytest.raises(DutyError):
        log_entries.amend(9999, "nothing")


def _check_problems():
    return dict(run_all())["duty log hash chain"]


def _drop_guards():
    for name in ("log_entry_no_update", "log_entry_no_delete"):
        db.execute_sql(f"DROP TRIGGER {name}")


def _three(office):
    with acting_as(office.officer):
        return [log_entries.add(t) for t in ("p: one 巡逻", "v: two", "t: three")]


def test_the_chain_is_sound_as_written(office):
    _three(office)
    assert _check_problems() == []


def test_the_chain_catches_a_direct_edit(office):
    ids = _three(office)
    _drop_guards()
    db.execute_sql("UPDATE log_entry SET text = 'two (edited)' WHERE id = ?", (ids[1],))
    problems = " ".join(_check_problems())
    assert "entry 2" in problems and "changed" in problems
    assert "guard log_entry_no_update is missing" in problems


def test_the_chain_catches_a_deletion_in_the_middle_and_at_the_end(office):
    ids = _three(office)
    _drop_guards()
    db.execute_sql("DELETE FROM log_entry WHERE id = ?", (ids[1],))
    assert "missing" in " ".join(_check_problems())
    db.execute_sql("DELETE FROM log_entry WHERE id = ?", (ids[2],))
    problems = " ".join(_check_problems())
    assert "should end at entry 3" in problems


def test_the_chain_catches_a_rewritten_hash(office):
    ids = _three(office)
    _drop_guards()
    digest = log_chain.entry_hash(1, "2026-01-01 00:00:00", "2026-01-01 00:00:00", office.officer.id, 1,
                                  "normal", "", "", "forged", None, None, False, "")
    db.execute_sql("UPDATE log_entry SET text = 'forged', hash = ? WHERE id = ?", (digest, ids[0]))
    assert any("does not follow" in p or "changed" in p for p in _check_problems())


def test_duty_check_exits_non_zero_on_a_tampered_log(office, capsys):
    from duty_desk.tui.cli import main

    _three(office)
    _drop_guards()
    db.execute_sql("UPDATE log_entry SET text = 'x' WHERE seq = 3")
    path = str(office.path)
    assert main(["--db", path, "check"]) == 1
    assert "entry 3" in capsys.readouterr().out


def test_emergency_needs_a_lead_to_acknowledge(office):
    with acting_as(office.officer):
        fire = log_entries.add("e: @仓库 烟雾报警")
        calm = log_entries.add("p: 正常")
        with pytest.raises(PermissionDenied):
            log_entries.acknowledge(fire)
    assert [r.id for r in log_query.unacknowledged_emergencies()] == [fire]
    with acting_as(office.lead):
        with pytest.raises(DutyError):
            log_entries.acknowledge(calm)
        log_entries.acknowledge(fire)
        with pytest.raises(DutyError):
            log_entries.acknowledge(fire)
    assert log_query.unacknowledged_emergencies() == []
    assert log_query.row(fire).acknowledged


def test_double_bang_makes_any_entry_an_emergency(office):
    with acting_as(office.officer):
        entry = log_entries.add("s: !! 有人翻墙")
    assert log_query.row(entry).severity == "emergency"


def test_expenses_below_the_limit_settle_above_wait_for_a_lead(office):
    with acting_as(office.admin):
        log_entries.set_expense_limit(10000)  # ¥100
    with acting_as(office.officer):
        small = log_entries.add("x: ¥35.5 打印纸")
        big = log_entries.add("x: ¥880 更换门锁")
    assert not log_query.row(small).needs_approval
    assert log_query.row(small).amount_cents == 3550
    assert [r.id for r in log_query.waiting_expenses()] == [big]
    with acting_as(office.officer), pytest.raises(PermissionDenied):
        log_entries.decide_expense(big, True)
    with acting_as(office.lead):
        log_entries.decide_expense(big, True, "ok")
        with pytest.raises(DutyError):
            log_entries.decide_expense(big, False)
    assert log_query.waiting_expenses() == []
    assert log_query.row(big).decision is True


def test_search_finds_two_character_chinese_words_and_english(office):
    with acting_as(office.officer):
        a = log_entries.add("p: @东门 夜间巡逻正常")
        b = log_entries.add("t: Phone call from the fire brigade")
        c = log_entries.add("o: 巡查完毕")
    assert log_query.next_hit("巡逻", 0) == log_query.row(a).seq
    assert log_query.next_hit("巡", 0) == 1 and log_query.next_hit("巡", 1) == 3
    assert log_query.next_hit("巡", 3, backwards=True) == 1
    assert log_query.next_hit("brigade", 0) == log_query.row(b).seq
    assert log_query.next_hit("FIRE brig", 0) == 2
    assert log_query.next_hit("东门", 0) == 1  # the post is searchable too
    assert log_query.next_hit("巡逻正常", 0) == 1
    assert log_query.next_hit("逻巡", 0) is None
    assert list(log_query.filtered_seqs(log_query.LogFilter(text="巡查"))) == [log_query.row(c).seq]


def test_filters(office):
    with acting_as(office.officer):
        log_entries.add("p: @东门 巡逻")
        log_entries.add("v: @西门 visitor")
    with acting_as(office.lead):
        log_entries.add("e: @西门 fire")
    F = log_query.LogFilter
    assert list(log_query.filtered_seqs(F(categories=("visitor", "patrol")))) == [1, 2]
    assert list(log_query.filtered_seqs(F(post="西门"))) == [2, 3]
    assert list(log_query.filtered_seqs(F(severity="emergency"))) == [3]
    assert list(log_query.filtered_seqs(F(author_id=office.lead.id))) == [3]
    today = clock.today()
    assert len(log_query.filtered_seqs(F(start=today, end=today))) == 3
    assert len(log_query.filtered_seqs(F(end=today - dt.timedelta(days=2)))) == 0
    assert [r.seq for r in log_query.rows_for([1, 3])] == [1, 3]


def test_an_admin_extends_the_categories(office):
    with acting_as(office.admin):
        log_entries.add_category("drill", "d", "演练", "Drill")
        with pytest.raises(ValidationError):
            log_entries.add_category("drill2", "d", "演练", "Drill")
    with acting_as(office.officer):
        entry = log_entries.add("d: 消防演练")
    assert log_query.row(entry).category_en == "Drill"
    assert LogEntry.select().count() == 1


def _reforge(text: str, seq: int) -> None:
    """What an attacker with the file does: rewrite an entry, then every later hash and the head."""
    _drop_guards()
    db.execute_sql("UPDATE log_entry SET text = ? WHERE seq = ?", (text, seq))
    prev = log_chain.GENESIS
    for row in db.execute_sql("SELECT " + ", ".join(log_chain.FIELDS) + " FROM log_entry ORDER BY seq").fetchall():
        digest = log_chain.entry_hash(*row[:12], prev)
        db.execute_sql("UPDATE log_entry SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0]))
        prev = digest
    db.execute_sql("UPDATE log_head SET hash = ? WHERE id = 1", (prev,))
    _restore_guards()  # as a careful attacker would


def _restore_guards() -> None:
    for verb in ("UPDATE", "DELETE"):
        db.execute_sql(f"CREATE TRIGGER log_entry_no_{verb.lower()} BEFORE {verb} ON log_entry "
                       "BEGIN SELECT RAISE(ABORT, 'the duty log is append-only'); END")


def test_a_reforged_chain_passes_the_chain_but_not_an_anchor(office):
    _three(office)
    anchor = log_chain.anchor()
    assert anchor.startswith("3:") and len(anchor) == 2 + log_chain.ANCHOR_DIGITS
    assert log_chain.check_anchor(anchor) == []
    _reforge("two (quietly rewritten)", 2)
    assert log_chain.verify() == []  # the chain alone cannot tell
    problems = log_chain.check_anchor(anchor)
    assert len(problems) == 1 and "entry 3" in problems[0] and "rewritten" in problems[0]


def test_an_anchor_catches_a_logbook_cut_back_and_refuses_a_typo(office):
    _three(office)
    anchor = log_chain.anchor()
    _drop_guards()
    db.execute_sql("DELETE FROM log_entry WHERE seq = 3")
    db.execute_sql("UPDATE log_head SET seq = 2, hash = (SELECT hash FROM log_entry WHERE seq = 2) WHERE id = 1")
    assert "gone" in " ".join(log_chain.check_anchor(anchor))
    assert "is not an anchor" in log_chain.check_anchor("3:xyz")[0]


def test_duty_check_prints_an_anchor_and_holds_the_logbook_to_it(office, capsys):
    from duty_desk.tui.cli import main

    _three(office)
    path = str(office.path)
    assert main(["--db", path, "check", "--anchor"]) == 0
    anchor = capsys.readouterr().out.strip().splitlines()[-1].split(": ")[1]
    assert main(["--db", path, "check", "--anchor-was", anchor]) == 0
    capsys.readouterr()
    db.connect(reuse_if_open=True)
    _reforge("one, rewritten", 1)
    db.close()
    assert main(["--db", path, "check", "--full", "--anchor-was", anchor]) == 1
    out = capsys.readouterr().out
    assert "hash chain: ok" in out and "rewritten" in out  # the chain alone was fooled; the anchor was not


def test_the_quick_check_reads_only_what_came_since_the_last_sound_one(office, capsys, monkeypatch):
    from duty_desk.tui.cli import main

    _three(office)
    path = str(office.path)
    assert main(["--db", path, "check"]) == 0  # no mark yet: every entry, then the mark at entry 3
    with acting_as(office.officer):
        log_entries.add("p: four")
    read = []
    real = log_chain.entry_hash
    monkeypatch.setattr(log_chain, "entry_hash", lambda *row: read.append(row[0]) or real(*row))
    db.connect(reuse_if_open=True)
    assert log_chain.verify_quick() == [] and read == [3, 4]  # the mark's entry and the new one
    read.clear()
    _drop_guards()
    db.execute_sql("UPDATE log_entry SET text = 'one, edited in place' WHERE seq = 1")
    _restore_guards()
    assert log_chain.verify_quick() == [] and read == [4]  # an old entry edited in place: not read ...
    assert any("changed" in p for p in log_chain.verify())  # ... the full check finds it
    db.close()
    capsys.readouterr()
    assert main(["--db", path, "check", "--full"]) == 1
