"""The app on a real release store through app.py with AppTest (a temporary SQLite file; the pinned-release
tests also on a throwaway PostgreSQL): the release line on every page, `release=N` links pinned to their
release after newer publishes, the newer-data notice and its link, the release history and provenance,
the store-unreachable message, and publishing from the Import page behind an editor sign-in (more on signing
in: test_app_sign_in.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from app_harness import go, make_app
from hash_cost import FAST
from streamlit.testing.v1 import AppTest

from lcity_data import cli, editors
from lcity_data.store import open_store
from lcity_data.validation import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "map", "trends", "funding", "data", "import_data", "index", "briefing", "about"]
CELL = {"adcode": "330203", "year": 2024, "indicator": "funding_community_edu"}
RELEASE_VALUES = {2: 12_000_000.0, 3: 13_000_000.0}
PUBLISHER = "市终身教育指导中心"
RETURN_CSV = (b"year,district,indicator,value,unit,status,source\n"
              b"2024,Haishu,Community education funding,1400,10k yuan,official,Haishu return 2024\n")


def publish_value(url: str, value: float, *, by: str = PUBLISHER, note: str = "") -> int:
    """Publish a one-cell return (海曙区 2024 funding) into the store at `url`; the new release id."""
    store = open_store(url)
    current = store.read()
    row = current[(current["adcode"] == CELL["adcode"]) & (current["year"] == CELL["year"])
                  & (current["indicator"] == CELL["indicator"])]
    table = row[COLUMNS].assign(value=value, status="official", source="海曙区 2024 年报表 / Haishu return",
                                file="haishu_2024.xlsx", sheet="2024年", row=5)
    files = [{"name": "haishu_2024.xlsx", "sha256": "0" * 64, "size": 1234, "sheet": "2024年"}]
    return store.publish(table, by=by, note=note, files=files, report={"accepted": 1, "rejected": []}).release


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> str:
    """A fresh SQLite store for this test (seeded with the sample as release 1), used by the app."""
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


@pytest.fixture
def three_releases(store_url, monkeypatch) -> str:
    """Releases 1 (the sample), 2 and 3 on a new store, on SQLite and on PostgreSQL (conftest's
    `store_url`), used by the app."""
    monkeypatch.setenv("LCITY_DATABASE_URL", store_url)
    for n, value in RELEASE_VALUES.items():
        assert publish_value(store_url, value, note=f"release {n}") == n
    return store_url


def release_line(at: AppTest) -> str:
    lines = [c.value for c in at.sidebar.caption if "数据版本" in c.value or "Data release" in c.value]
    assert len(lines) == 1, [c.value for c in at.sidebar.caption]
    return lines[0]


def cell_rows(at: AppTest) -> pd.DataFrame:
    """The Data page's long table for the one cell this file publishes (en headers)."""
    table = at.dataframe[0].value
    return table[(table["Adcode"] == CELL["adcode"]) & (table["Year"] == CELL["year"])]


def newer_notices(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "newer release" in m.value or "更新的数据版本" in m.value]


CELL_PARAMS = {"lang": "en", "indicator": CELL["indicator"], "years": "2024..2024", "district": CELL["adcode"]}


def test_release_line_on_every_page(app_store):
    at = make_app()
    for page in PAGES:
        go(at, page)
        line = release_line(at)
        assert line.startswith("数据版本 1 · ")
        assert "含示例数据" in line  # the seeded sample says so, on every page
    publish_value(app_store, RELEASE_VALUES[2])
    at.run()
    assert release_line(at).startswith("数据版本 2 · ")  # a new release shows without a restart
    assert PUBLISHER in release_line(at)


def test_pinned_release_keeps_its_figures_after_a_newer_publish(three_releases):
    pinned = make_app("data", **CELL_PARAMS, release="2")
    rows = cell_rows(pinned)
    assert rows["Value"].tolist() == [RELEASE_VALUES[2]]
    assert rows["Release"].tolist() == [2]
    assert rows["File"].tolist() == ["haishu_2024.xlsx"]
    assert rows["Sheet"].tolist() == ["2024年"]
    assert [str(r) for r in rows["Row"]] == ["5"]  # a blank, not "None", where a value has no row
    assert release_line(pinned).startswith("Data release 2 · ")
    assert "pinned" in release_line(pinned)
    assert pinned.query_params["release"] == ["2"] or pinned.query_params["release"] == "2"
    notice = newer_notices(pinned)
    assert len(notice) == 1
    assert "release 2" in notice[0]
    assert "3" in notice[0]

    go(pinned, "map")  # the pin holds across pages
    assert release_line(pinned).startswith("Data release 2 · ")

    latest = make_app("data", **CELL_PARAMS)
    assert cell_rows(latest)["Value"].tolist() == [RELEASE_VALUES[3]]
    assert release_line(latest).startswith("Data release 3 · ")
    assert newer_notices(latest) == []
    assert "release" not in latest.query_params


def test_newer_data_link_unpins(three_releases):
    at = make_app("data", **CELL_PARAMS, release="2")
    links = at.get("page_link")
    target = next(link for link in links if "latest" in link.proto.label.lower())
    assert "release=latest" in target.proto.page or target.proto.query_string.endswith("release=latest")
    at.query_params["release"] = "latest"  # what following the link does
    at.run()
    assert release_line(at).startswith("Data release 3 · ")
    assert "release" not in at.query_params
    assert cell_rows(at)["Value"].tolist() == [RELEASE_VALUES[3]]


@pytest.mark.parametrize("bad", ["99", "abc"])
def test_invalid_release_is_a_notice_and_the_latest(three_releases, bad):
    at = make_app(**CELL_PARAMS, release=bad)
    assert any(f"release={bad}" in c.value for c in at.caption)
    go(at, "data")
    assert cell_rows(at)["Value"].tolist() == [RELEASE_VALUES[3]]
    assert release_line(at).startswith("Data release 3 · ")
    assert newer_notices(at) == []


def test_release_history_with_notes_files_and_reports(three_releases):
    at = make_app("about", lang="en")
    history = next(d.value for d in at.dataframe if "Release" in d.value.columns)
    assert history["Release"].tolist() == [3, 2, 1]
    assert history["Published by"].tolist()[:2] == [PUBLISHER, PUBLISHER]
    assert history["Note"].tolist()[:2] == ["release 3", "release 2"]
    assert history["Files"].tolist()[0] == "haishu_2024.xlsx"
    assert at.selectbox(key="release_report").options == [
        "Import report of release 3", "Import report of release 2", "Import report of release 1"]
    rows = [r for d in at.dataframe for r in d.value.values.tolist()]
    assert ["Rows accepted", "1"] in rows  # the report as a table, not raw JSON
    assert not [c for c in at.code if '"accepted"' in c.value]
    at.selectbox(key="release_report").set_value(1).run()
    rows = [r for d in at.dataframe for r in d.value.values.tolist()]
    # release 1 is the shipped sample, and says so in the UI language
    note = "shipped illustrative sample, generated by lcity_data/sample_data.py, plus cited official facts"
    assert ["Note", note] in rows


def test_unreachable_store_is_a_clear_message_without_traceback(monkeypatch):
    monkeypatch.setenv("LCITY_DATABASE_URL", "postgresql+psycopg://lcity:s3cret@127.0.0.1:1/lcity?connect_timeout=2")
    at = make_app(lang="en")
    assert not at.exception
    assert at.error[0].value.startswith("The data store cannot be read")
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert at.code[0].value == "postgresql+psycopg://lcity:***@127.0.0.1:1/lcity?connect_timeout=2"
    assert "s3cret" not in at.code[0].value
    assert "s3cret" not in text
    assert "LCITY_DATABASE_URL" in text
    assert "Traceback" not in text


def test_corrupt_store_is_a_clear_message(tmp_path, monkeypatch):
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("LCITY_DATABASE_URL", f"sqlite:///{bad}")
    at = make_app()
    assert not at.exception
    assert at.error[0].value.startswith("无法读取数据库")
    assert at.code[0].value.endswith("corrupt.db")
    assert any("LCITY_DATABASE_URL" in m.value for m in at.markdown)


# ------------------------------------------------------------------------------ publishing (Import page)


def import_page(secrets: dict | None = None, lang: str = "en") -> AppTest:
    at = make_app("import_data", secrets=secrets, lang=lang)
    return at.file_uploader(key="import_file").set_value(("haishu.csv", RETURN_CSV, "text/csv")).run()


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="editor_name").input(name)
    at.text_input(key="editor_password").input(password)
    return at.button(key="FormSubmitter:editor_sign_in-Sign in").click().run()


def test_without_editors_the_import_page_says_how_to_turn_publishing_on(app_store):
    at = import_page()
    assert any("Publishing is off" in i.value and "user add NAME --role reviewer" in i.value for i in at.info)
    assert not [ti for ti in at.text_input if ti.key == "editor_password"]


def test_editor_signs_in_sees_the_dry_run_diff_and_publishes(app_store):
    at = import_page({"editors": {"Chen": editors.hash_password("right pass", **FAST)}})
    assert not [b for b in at.button if b.key == "publish_confirm"]
    sign_in(at, "Chen", "right pass")
    assert any("Signed in as Chen (reviewer)" in c.value for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Changed"] == "1"
    assert metrics["Added"] == "0"
    assert metrics["Unchanged"] == "0"
    changed = next(d.value for d in at.dataframe if "Before → after" in d.value.columns)
    assert changed["Before → after"].tolist() == ["523.2 → 1,400 10k yuan"]  # in the return's unit
    at.text_input(key="publish_note").input("Haishu 2024 return")
    at.checkbox(key="publish_ack_warnings").check().run()  # 1,400 is 2.7 × last year: acknowledged
    at.button(key="publish_confirm").click().run()
    assert not at.exception
    assert any("Published as data release 2" in s.value for s in at.success)
    info = open_store(app_store).latest_release()
    assert (info.release, info.published_by, info.note) == (2, "Chen", "Haishu 2024 return")
    assert info.files[0]["name"] == "haishu.csv"
    assert info.report["accepted"] == 1
    assert release_line(at).startswith("Data release 2 · ")


def test_the_editor_sees_the_same_diff_as_the_cli_dry_run(app_store, capsys):
    messy = ROOT / "tests" / "fixtures" / "messy_return_gbk.csv"
    assert cli.main(["publish", str(messy), "--by", "x", "--allow-rejected", "--dry-run", "--format", "json",
                     "--db", app_store]) == 0
    dry = json.loads(capsys.readouterr().out)

    at = make_app("import_data", secrets={"editors": {"Chen": editors.hash_password("right pass", **FAST)}},
                  lang="en")
    at.file_uploader(key="import_file").set_value((messy.name, messy.read_bytes(), "text/csv")).run()
    sign_in(at, "Chen", "right pass")
    assert any("rejected" in w.value for w in at.warning)  # rejected rows: nothing published by default
    assert not [b for b in at.button if b.key == "publish_confirm"]
    at.checkbox(key="publish_allow_rejected").check().run()
    metrics = {m.label: int(m.value) for m in at.metric if m.label in ("Changed", "Added", "Unchanged",
                                                                         "Now no data reported")}
    assert metrics == {"Changed": len(dry["changed"]), "Added": dry["added"], "Unchanged": dry["unchanged"],
                       "Now no data reported": dry["removed"]}
    changed = next(d.value for d in at.dataframe if "Before → after" in d.value.columns)
    assert len(changed) == len(dry["changed"])
    for box in [c for c in at.checkbox if c.key == "publish_ack_warnings"]:
        box.check().run()
    at.button(key="publish_confirm").click().run()
    assert open_store(app_store).latest_release().published_by == "Chen"
