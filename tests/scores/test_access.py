"""Appraisal results are personal: what each role reads, opens and exports, in models terms.

The office: 林晓东 (officer) with 马志强 and 宋丽娟 (officers) and 周建军 (shift lead) in the
warehouse; 高海燕 (supervisor), 管理员 (admin) and 赵一鸣 (officer) in the duty office.
"""

import pytest

from duty_desk.models.appraisal.access import FULL, NOT_EXPORTER, NOT_YOURS, PEER
from duty_desk.models.appraisal.export import form_html, form_text, results_csv, results_xlsx
from duty_desk.models.appraisal.review import period_results, sheet_detail, sheets_of, trend
from duty_desk.models.appraisal.scoresheets import rate, sheet_id_for
from duty_desk.models.accounts.session import PermissionDenied, acting_as, sign_in
from duty_desk.tui import i18n

from .conftest import detail_for, results_for


def rows_by_name(results):
    return {r.name: r for r in results.rows}


def test_the_period_table_per_role(team):
    office, lead, outsider = team
    everyone = {"林晓东", "高海燕", "马志强", "宋丽娟", "管理员", "周建军", "赵一鸣"}
    for reader in (office.supervisor, office.admin):
        results = results_for(reader, "2026-09")
        assert results.everyone and set(rows_by_name(results)) == everyone
        assert sum(n for _zh, _en, n in results.spread) == 1  # the one scored sheet, in its band
        assert rows_by_name(results)["林晓东"].rank == 1

    results = results_for(office.officer, "2026-09")
    rows = rows_by_name(results)
    assert not results.everyone and results.spread == []
    assert set(rows) == {"林晓东", "马志强", "宋丽娟", "周建军"}  # self, and warehouse colleagues to rate
    own = rows["林晓东"]
    assert (own.access, own.score, own.band_en, own.state) == (FULL, 88.6, "Good", "approved")
    assert own.rank is None  # a rank would tell how the colleagues did
    assert results.rows[0] is own
    for name in ("马志强", "宋丽娟", "周建军"):
        r = rows[name]
        assert r.access == PEER and r.state == "" and r.score is None and r.band_zh == r.band_en == ""
        assert (r.rated, r.deductions, r.bonuses, r.open_proposals, r.rank) == (0, 0, 0, 0, None)

    rows = rows_by_name(results_for(lead, "2026-09"))  # a shift lead is no supervisor
    assert set(rows) == {"周建军", "林晓东", "马志强", "宋丽娟"}
    assert rows["林晓东"].access == PEER and rows["林晓东"].score is None and rows["林晓东"].state == ""

    # The duty office's month is a self-appraisal (002 五(一) 月度自評): no colleague rates it, and
    # none of the warehouse's is theirs to rate.
    rows = rows_by_name(results_for(outsider, "2026-09"))
    assert set(rows) == {"赵一鸣"}

    sign_in(None)
    with pytest.raises(PermissionDenied, match="Sign in first"):
        period_results("2026-09")


def test_opening_a_sheet_per_role(team):
    office, lead, outsider = team
    sid = sheet_id_for("2026-09", office.officer.id)

    # The person: every side (peers anonymous), the deductions with their reasons, the band.
    own = detail_for(office.officer, sid)
    assert own.access == FULL and own.total.score == 88.6 and own.total.band == ("良好", "Good")
    item = own.items[0]
    assert (item.parts.self, item.parts.supervisor, item.parts.peer, item.parts.peer_count) == (10, 9, 8.5, 2)
    assert item.comments == {"self": ["mine"], "supervisor": ["good year"], "peer": ["steady"]}
    assert [(a.status, a.reason) for a in own.adjustments] == [("rejected", "on an errand")]
    assert own.state == "approved" and own.trend and own.events
    names = repr(own)
    assert office.peer.name not in names and office.peer2.name not in names

    # A peer: only the criteria and their own points; nothing else of the sheet.
    for reader, points in ((office.peer, 7), (lead, None)):
        seen = detail_for(reader, sid)
        assert seen.access == PEER and len(seen.items) == 10 and seen.items[0].name_zh == "工作任务"
        assert all(i.parts.self is None and i.parts.supervisor is None and i.parts.score is None for i in seen.items)
        assert [i.parts.peer for i in seen.items] == [points] * 10
        assert seen.state == "" and seen.weights == {} and seen.total.score == 0 and seen.total.band is None
        assert seen.adjustments == [] and seen.events == [] and seen.trend == [] and seen.rules == []
        assert seen.peer_count == 0 and "good year" not in repr(seen) and "on an errand" not in repr(seen)
    assert detail_for(office.peer, sid).items[0].comments == {"peer": ["steady"]}

    # Anyone else is refused with a sentence of the catalog; so are their trend and sheets.
    with acting_as(outsider):
        for read in (lambda: sheet_detail(sid), lambda: trend(office.officer.id), lambda: sheets_of(office.officer.id)):
            with pytest.raises(PermissionDenied) as refused:
                read()
            assert refused.value.msgid == NOT_YOURS
        with pytest.raises(PermissionDenied):  # nor may they rate it
            rate(sid, 1, 5, as_peer=True)
    assert i18n.catalog("zh_CN")[NOT_YOURS] and i18n.catalog("zh_CN")[NOT_EXPORTER]
    with acting_as(office.officer):  # one's own trend, and nobody else's
        assert [p.period_key for p in trend(office.officer.id)] == ["2026-09"]
        with pytest.raises(PermissionDenied):
            trend(office.peer.id)

    # Supervisors and administrators see it all.
    for reader in (office.supervisor, office.admin):
        seen = detail_for(reader, sid)
        assert seen.access == FULL and seen.total.score == 88.6 and seen.adjustments


def test_peers_rate_only_open_sheets_of_their_department(team):
    office, lead, outsider = team
    peer_sheet = sheet_id_for("2026-09", office.peer.id)
    with acting_as(lead):
        assert rate(peer_sheet, 1, 6, "helpful", as_peer=True) == "peer"
    assert detail_for(lead, peer_sheet).items[0].parts.peer == 6
    with acting_as(office.peer):  # the officer's sheet is approved: a peer learns only that it is closed
        with pytest.raises(Exception, match="closed: peer scores can no longer change"):
            rate(sheet_id_for("2026-09", office.officer.id), 1, 2, as_peer=True)
    with acting_as(outsider), pytest.raises(PermissionDenied):
        rate(peer_sheet, 1, 6, as_peer=True)


def test_exports_per_role(team):
    office, lead, outsider = team
    sid = sheet_id_for("2026-09", office.officer.id)
    for reader in (office.officer, lead, outsider):
        with acting_as(reader):
            for export in (results_csv, results_xlsx):
                with pytest.raises(PermissionDenied) as refused:
                    export("2026-09")
                assert refused.value.msgid == NOT_EXPORTER
    # one's own form: yes; a colleague's (even a sheet read by a supervisor first): no
    own = detail_for(office.officer, sid)
    with acting_as(office.officer):
        assert "88.6" in form_text(own) and "<b>88.6</b>" in form_html(own)
    full = detail_for(office.supervisor, sid)
    as_peer = detail_for(lead, sid)
    with acting_as(lead):
        for form in (form_text, form_html):
            for detail in (full, as_peer):
                with pytest.raises(PermissionDenied):
                    form(detail)
    for reader in (office.supervisor, office.admin):
        with acting_as(reader):
            assert office.officer.name in results_csv("2026-09") and results_xlsx("2026-09")[:2] == b"PK"
            assert "88.6" in form_text(full)


def test_exports_from_the_command_line_per_person(team, seeded_db, capsys, monkeypatch):
    from duty_desk.tui.cli import main

    monkeypatch.setenv("DUTY_DEV", "1")  # rights by role here; proof of identity: tests/accounts/test_cli_proof.py
    office, lead, _outsider = team
    base = ["--db", str(seeded_db), "--lang", "en", "export"]
    assert main(base + ["scores", "--period", "2026-09", "--as", office.officer.name]) == 1
    captured = capsys.readouterr()
    assert "Only a supervisor or an administrator exports" in captured.err and captured.out == ""
    assert main(base + ["form", "--period", "2026-09", "--person", office.officer.name,
                        "--as", office.officer.name]) == 0
    assert "88.6" in capsys.readouterr().out
    assert main(base + ["form", "--period", "2026-09", "--person", office.officer.name, "--as", lead.name]) == 1
    captured = capsys.readouterr()
    assert "Only a supervisor" in captured.err and "88.6" not in captured.out
    assert main(base + ["scores", "--period", "2026-09", "--as", office.supervisor.name]) == 0
    assert office.officer.name in capsys.readouterr().out
    assert main(base + ["scores", "--period", "2026-09", "--as", "无此人"]) == 1
    assert "No one on the staff is called “无此人”" in capsys.readouterr().err
