"""A collection round end to end, on SQLite and on the real PostgreSQL: open, template, fill, submit,
return with a comment, resubmit, approve, publish, and the figures on the funding check; the round's
rules (own cells only, no own approval, one reviewer wins) and the issue's "Done when" scenario, with
10 district reporters and a reviewer as store accounts whose permissions are checked before each write."""

from __future__ import annotations

import threading

import pytest
from rounds_fixtures import fill

from lcity_data import accounts
from lcity_data.accounts import Account
from lcity_data.collection.errors import Refused, ReviewConflict, SubmissionRejected
from lcity_data.collection.publish import publish_round
from lcity_data.collection.review import review
from lcity_data.collection.rounds import history, open_round
from lcity_data.collection.status import diff, reported_count, status_board
from lcity_data.collection.submissions import history_of, submission_file, submit
from lcity_data.collection.template import build_template
from lcity_data.funding import funding_check
from lcity_data.loading import load_release
from lcity_data.registry import load_registry
from lcity_data.store import open_store

HAISHU, JIANGBEI, BEILUN = "330203", "330205", "330206"


@pytest.fixture
def store(store_url):
    return open_store(store_url)


def _template(store, rnd, unit):
    return build_template(rnd, unit, store.read())


def _return(store, rnd, unit, funding, population):
    """A district's filled template: funding in 万元, household population in 万人."""
    return fill(_template(store, rnd, unit), {(unit, "funding_community_edu"): funding,
                                              (unit, "population_household"): population})


def test_whole_round_flow_reaches_the_funding_check(store, store_url):
    rnd = open_round(store, year=2025, by="市教育局 王老师", deadline="2026-03-31")
    before = len(store.releases())
    first = submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 6.263, 62.63), by="海曙 李会计",
                   filename="海曙.xlsx")
    assert first.version == 1
    assert {(m["adcode"], m["indicator"]) for m in first.missing} == {
        (HAISHU, i) for i in rnd.units[HAISHU]["indicators"]} - {(HAISHU, "funding_community_edu"),
                                                                 (HAISHU, "population_household")}
    assert first.warnings  # 6.263 万元 is a hundredth of last year's: the typo is flagged
    review(store, rnd.id, HAISHU, approve=False, by="审核 张", comment="经费单位应为万元，请核对")
    assert history_of(store, rnd.id, HAISHU)[0][1].comment == "经费单位应为万元，请核对"
    second = submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), by="海曙 李会计",
                    filename="海曙v2.xlsx")
    assert second.version == 2
    assert not [w for w in second.warnings if "社区教育经费" in w["column"]]
    changes = diff(store.read(), second)
    assert changes.loc[changes["indicator"] == "社区教育经费", "submitted"].item() == pytest.approx(6_263_000)
    assert len(store.releases()) == before  # nothing a reporter does shows before publishing
    review(store, rnd.id, HAISHU, approve=True, by="审核 张")
    result = publish_round(store, rnd.id, by="审核 张")
    info = store.release(result.release)
    assert rnd.title in info.note
    assert info.report["units"][0]["approved_by"] == "审核 张"
    assert info.report["units"][0]["submitted_by"] == "海曙 李会计"
    table, _ = load_release(url=store_url)
    check = funding_check(table, 2025).set_index("adcode")
    assert float(check.loc[HAISHU, "per_capita"]) == pytest.approx(10.0)
    published = table[(table["adcode"] == HAISHU) & (table["year"] == 2025)
                      & (table["indicator"] == "funding_community_edu")].iloc[0]
    assert published["status"] == "reported"
    assert published["file"] == "海曙v2.xlsx"
    assert "审核 张" in published["note"]
    assert "海曙 李会计" in published["note"]
    assert submission_file(store, second.id)[1][:2] == b"PK"
    actions = [e.action for e in history(store, rnd.id)]
    assert actions == ["opened", "submitted", "returned", "submitted", "approved", "published"]
    again = publish_round(store, rnd.id, by="审核 张")  # the round stays open: another release
    assert again.release == result.release + 1


def test_a_unit_submits_only_its_own_cells(store):
    rnd = open_round(store, year=2025, by="office")
    with pytest.raises(SubmissionRejected, match="330203") as err:  # 海曙's template sent as 江北's
        submit(store, rnd.id, JIANGBEI, _return(store, rnd, HAISHU, 600, 60), by="clerk", filename="x.xlsx")
    assert err.value.exit_code == 1

    def other_district(wb):
        wb["填报表"]["A3"] = "海曙区"  # 江北's own template, its row relabelled as 海曙
    data = fill(_template(store, rnd, JIANGBEI), {(JIANGBEI, "funding_community_edu"): 300}, edit=other_district)
    with pytest.raises(SubmissionRejected) as err:
        submit(store, rnd.id, JIANGBEI, data, by="clerk", filename="x.xlsx")
    assert err.value.rejections[0]["reason_en"] == f"district {HAISHU} is not one unit {JIANGBEI} reports"
    assert status_board(store, rnd.id)[1][1].status == "not_submitted"


def test_approval_rules(store):
    rnd = open_round(store, year=2025, by="office")
    submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), by="Zhang", filename="h.xlsx")
    with pytest.raises(Refused, match="yourself"):
        review(store, rnd.id, HAISHU, approve=True, by=" zhang ")
    with pytest.raises(Refused, match="not submitted anything"):
        review(store, rnd.id, JIANGBEI, approve=True, by="Li")
    with pytest.raises(Refused, match="nothing in this round is approved"):
        publish_round(store, rnd.id, by="Li")
    review(store, rnd.id, HAISHU, approve=True, by="Li")
    with pytest.raises(Refused, match="approved"):
        submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), by="Zhang", filename="h.xlsx")


def test_two_reviewers_at_once_one_wins(store):
    rnd = open_round(store, year=2025, by="office")
    sub = submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), by="clerk", filename="h.xlsx")
    start, outcomes = threading.Barrier(2), []

    def act(name, approve):
        start.wait()
        try:
            outcomes.append(review(store, rnd.id, HAISHU, approve=approve, by=name, comment="请核对",
                                   expected_submission=sub.id).decision)
        except ReviewConflict as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=act, args=("A", True)), threading.Thread(target=act, args=("B", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [o for o in outcomes if isinstance(o, ReviewConflict)]
    assert len(conflicts) == 1
    assert "nothing was changed" in conflicts[0].message_en
    assert [e.action for e in history(store, rnd.id)].count("submitted") == 1


def test_a_reviewer_who_saw_an_older_version_is_told(store):
    rnd = open_round(store, year=2025, by="office")
    old = submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), by="clerk", filename="h.xlsx")
    review(store, rnd.id, HAISHU, approve=False, by="A", comment="请核对", expected_submission=old.id)
    submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.4, 62.63), by="clerk", filename="h.xlsx")
    with pytest.raises(ReviewConflict, match="submitted again"):
        review(store, rnd.id, HAISHU, approve=True, by="B", expected_submission=old.id)


@pytest.fixture
def people(store_url, monkeypatch):
    """The issue's new users, made through lcity_data.accounts: a reporter for each of the 10 districts
    (named by district code) and one reviewer; each signs in with a password."""
    monkeypatch.setattr(accounts, "HASH_COST", {"n": 2**4, "r": 8, "p": 1})
    for adcode in load_registry().adcodes:
        accounts.add_user(f"填报员{adcode}", "pw", "reporter", adcode, by="admin", url=store_url)
    accounts.add_user("审核员", "pw", "reviewer", by="admin", url=store_url)

    def sign_in(name: str) -> Account:
        return accounts.authenticate(name, "pw", "test-client", url=store_url, legacy={})
    return sign_in


def _may(account: Account, action: str, store_url: str, unit: str | None = None) -> str:
    """What the page and a server do right before a write: the account as the store has it now, checked."""
    fresh = accounts.current(account, url=store_url, legacy={})
    assert fresh is not None
    accounts.require(fresh, action, unit)
    return fresh.name


def test_done_when_three_districts_one_typo_one_wrong_district(store, store_url, people):
    assert len(accounts.list_users(store_url)) == 11
    haishu, jiangbei, beilun, reviewer = (people(f"填报员{HAISHU}"), people(f"填报员{JIANGBEI}"),
                                          people(f"填报员{BEILUN}"), people("审核员"))
    with pytest.raises(accounts.PermissionDenied):  # only an admin opens a round
        _may(reviewer, "open_round", store_url)
    rnd = open_round(store, year=2025, by="office")
    before = load_release(url=store_url)[0]
    submit(store, rnd.id, HAISHU, _return(store, rnd, HAISHU, 626.3, 62.63), filename="h.xlsx",
           by=_may(haishu, "submit", store_url, HAISHU))
    typo = submit(store, rnd.id, JIANGBEI, _return(store, rnd, JIANGBEI, 3120.0, 39.4), filename="j.xlsx",
                  by=_may(jiangbei, "submit", store_url, JIANGBEI))
    assert any("社区教育经费" in w["column"] for w in typo.warnings)  # ten times last year: flagged
    with pytest.raises(accounts.PermissionDenied, match="own unit"):  # 北仑's reporter, for 江北: refused
        _may(beilun, "submit", store_url, JIANGBEI)
    with pytest.raises(SubmissionRejected):  # and 北仑's figures sent as 江北's, by whoever: refused too
        submit(store, rnd.id, JIANGBEI, _return(store, rnd, BEILUN, 500.0, 40.0), by="北仑?", filename="b.xlsx")
    submit(store, rnd.id, BEILUN, _return(store, rnd, BEILUN, 430.0, 43.0), filename="b.xlsx",
           by=_may(beilun, "submit", store_url, BEILUN))
    for action in ("review", "publish"):  # a reporter neither reviews nor publishes
        with pytest.raises(accounts.PermissionDenied):
            _may(haishu, action, store_url)
    with pytest.raises(accounts.PermissionDenied):  # a reviewer does not submit
        _may(reviewer, "submit", store_url, HAISHU)
    assert load_release(url=store_url)[0].equals(before)  # nothing a reporter did shows yet
    review(store, rnd.id, JIANGBEI, approve=False, by=_may(reviewer, "review", store_url), comment="经费疑似多输一位")
    review(store, rnd.id, HAISHU, approve=True, by=_may(reviewer, "review", store_url))
    review(store, rnd.id, BEILUN, approve=True, by=_may(reviewer, "review", store_url))
    release = publish_round(store, rnd.id, by=_may(reviewer, "publish", store_url)).release
    table, info = load_release(url=store_url)
    assert info.release == release
    assert store.release(release).published_by == "审核员"
    year = table[(table["year"] == 2025) & (table["indicator"] == "funding_community_edu")].set_index("adcode")
    assert set(year.index) >= {HAISHU, BEILUN}
    assert JIANGBEI not in year.index or year.loc[JIANGBEI, "status"] != "reported"
    assert (year.loc[[HAISHU, BEILUN], "status"] == "reported").all()
    assert f"填报员{HAISHU}" in year.loc[HAISHU, "note"]
    assert "审核员" in year.loc[HAISHU, "note"]
    check = funding_check(table, 2025).set_index("adcode")
    assert float(check.loc[HAISHU, "per_capita"]) == pytest.approx(10.0)
    assert float(check.loc[BEILUN, "per_capita"]) == pytest.approx(10.0)
    assert (check.loc[[HAISHU, BEILUN], ["numerator_status", "denominator_status"]] == "reported").all().all()
    board = {u.unit: u for u in status_board(store, rnd.id)[1]}
    assert board[JIANGBEI].status == "returned"
    assert board[JIANGBEI].comment == "经费疑似多输一位"
    assert board[HAISHU].submitted_by == f"填报员{HAISHU}"
    missing = [u.unit for u in board.values() if u.status == "not_submitted"]
    assert len(missing) == len(rnd.units) - 3
    assert set(load_registry().adcodes) - {HAISHU, JIANGBEI, BEILUN} <= set(missing)
    assert reported_count(store)[1:] == (3, len(rnd.units))
    accounts.disable_user(f"填报员{HAISHU}", by="admin", url=store_url)  # a disabled account: no sign-in, no act
    with pytest.raises(accounts.SignInRefused, match="disabled"):
        people(f"填报员{HAISHU}")
    with pytest.raises(accounts.PermissionDenied, match="disabled"):
        _may(haishu, "submit", store_url, HAISHU)


def test_a_department_reports_its_indicator_for_every_district(store):
    rnd = open_round(store, year=2025, by="office", units="civil_affairs,330203")
    data = fill(_template(store, rnd, "civil_affairs"), {(HAISHU, "elderly_university_enrolment"): 5120,
                                                         (JIANGBEI, "elderly_university_enrolment"): 3300})
    sub = submit(store, rnd.id, "civil_affairs", data, by="民政 王", filename="民政.xlsx")
    assert {v["adcode"] for v in sub.values} == {HAISHU, JIANGBEI}
    assert len(sub.missing) == 8  # the other eight districts: missing, not zero
    other = "年份,地区,指标,数值,单位\n2025,海曙区,老年大学在校学员,5000,人\n2025,海曙区,社区教育经费,600,万元\n"
    with pytest.raises(SubmissionRejected) as err:  # a plain return (no template) is held to the same rule
        submit(store, rnd.id, "civil_affairs", other.encode(), by="民政 王", filename="民政.csv")
    assert [r["reason_en"] for r in err.value.rejections] == [
        "indicator funding_community_edu is not reported by unit civil_affairs"]
