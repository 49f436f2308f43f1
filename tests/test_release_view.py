"""The release line, sample labelling and provenance columns (dashboard/releases/release_view.py,
charts/tables.py): pure parts."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from dashboard.charts import tables
from dashboard.data_access import RunRelease
from dashboard.releases import release_view, report_view
from lcity_data.store import ReleaseInfo
from lcity_data.store.store import SEED_PUBLISHER


def info(n: int, by: str = "市终身教育指导中心") -> ReleaseInfo:
    return ReleaseInfo(release=n, created_at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC), published_by=by, note="",
                       files=[], values=10, report={})


def table(statuses: list[str]) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame({"adcode": ["330203"] * n, "year": list(range(2020, 2020 + n)),
                         "indicator": ["funding_community_edu"] * n, "value": [1.0] * n, "unit": ["yuan"] * n,
                         "status": statuses, "source": ["s"] * n, "note": [""] * n,
                         "release": pd.array([3] * n, dtype="Int64"), "file": ["r.xlsx"] * n,
                         "sheet": ["2024年"] * n, "row": pd.array([5 + i for i in range(n)], dtype="Int64")})


def test_release_line_names_release_date_and_publisher():
    run = RunRelease("sqlite://", info(3), info(3))
    assert release_view.release_line(run, table(["official"]), "zh") == "数据版本 3 · 2026-12-01 · 市终身教育指导中心"
    line = release_view.release_line(run, table(["official"]), "en")
    assert line == "Data release 3 · 2026-12-01 · 市终身教育指导中心"


def test_release_line_says_pinned_and_sample():
    run = RunRelease("sqlite://", info(1), info(3))
    assert release_view.release_line(run, table(["illustrative"]), "en").endswith(
        " (pinned by the link) · sample data, not official statistics")
    assert release_view.release_line(run, table(["illustrative", "official"]), "zh").endswith("含示例数据")


def test_publisher_text_is_shown_literally():
    run = RunRelease("sqlite://", info(2, by="[x](javascript:alert(1)) **b**"), info(2))
    line = release_view.release_line(run, table(["official"]), "en")
    assert "`[x](javascript:alert(1)) **b**`" in line


def test_long_table_and_download_carry_provenance():
    long = tables.long_table(table(["official", "official"]), "en")
    assert long[["Release", "File", "Sheet", "Row"]].astype(object).values.tolist() == [
        [3, "r.xlsx", "2024年", 5], [3, "r.xlsx", "2024年", 6]]
    assert "Release" not in tables.long_table(table(["official"]).drop(columns=["release", "file", "sheet", "row"]),
                                              "en")


def test_wide_table_lists_the_releases_of_a_row():
    rows = table(["official", "official"])
    rows.loc[1, "release"] = 5
    wide = tables.wide_table(rows, "en", [2020, 2021])
    assert wide["Release"].tolist() == ["3; 5"]


def test_history_is_newest_first():
    hist = release_view.history_table([info(1), info(2)], "en")
    assert hist["Release"].tolist() == [2, 1]
    # the store's 08:30 UTC is 16:30 in Ningbo (Asia/Shanghai), and the header says which clock
    assert hist["Published (Beijing time)"].tolist() == ["2026-12-01 16:30", "2026-12-01 16:30"]


def test_the_seed_publisher_and_the_report_read_in_one_language():
    seed = info(1, by=SEED_PUBLISHER)
    assert release_view.publisher(seed, "en") == "shipped sample"
    assert release_view.publisher(seed, "zh") == "内置示例数据"
    assert "内置" not in release_view.release_line(RunRelease("sqlite://", seed, seed), table(["official"]), "en")
    report = {"files": [{"file": "r.xlsx", "sheet": None, "accepted": 3, "values": 6, "rows_total": 4,
                         "layout": "wide", "header_row": 2, "encoding": None,
                         "rejected": [{"row": 5, "column": "经费", "value": "abc", "reason_zh": "不是数字",
                                       "reason_en": "not a number"}], "warnings": []}],
              "accepted": 3, "rejected": 1}
    summary = report_view.summary_table(report, "en")
    assert summary.values.tolist() == [["Rows accepted", "3"], ["Rejected", "1"]]
    files = report_view.files_table(report, "zh")
    assert files.iloc[0]["工作表"] == ""  # blank, never "None"
    assert files.iloc[0]["拒绝"] == 1
    issues = report_view.issues_table(report, "en")
    assert issues.values.tolist() == [["Rejected", "r.xlsx", "", "5", "经费", "abc", "not a number"]]
