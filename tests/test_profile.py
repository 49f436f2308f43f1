"""The district profile (lcity_data/profile.py): its numbers are the Funding check's, the Index's and
the map's ranks, and its sentences come from the briefing's builder in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from lcity_data.composite import compute_index, default_config
from lcity_data.funding import funding_check
from lcity_data.loading import load_release
from lcity_data.numbers import decimals
from lcity_data.profile import build_profile, sentences, to_json
from lcity_data.ranking import competition_rank
from lcity_data.registry import load_registry

YEAR = 2024


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_release(None)[0]


@pytest.mark.parametrize("adcode", load_registry().adcodes)
def test_profile_numbers_equal_the_funding_check_and_the_index(table, adcode):
    profile = build_profile(table, adcode, YEAR)
    check = funding_check(table, YEAR).set_index("adcode").loc[adcode]
    assert profile.per_capita == check["per_capita"]
    assert profile.funding_status == check["status"]
    index = compute_index(table, default_config(), YEAR).set_index("adcode").loc[adcode]
    assert profile.index == pytest.approx(float(index["index"]))
    assert profile.index_rank == int(index["rank"])
    assert profile.row("funding_per_capita").value == pytest.approx(float(check["per_capita"]))


def test_dimensions_are_read_against_the_median_ranked_district(table):
    profile = build_profile(table, "330212", YEAR)
    index = compute_index(table, default_config(), YEAR)
    ranked = index[index["status"] == "ok"]
    assert profile.dimensions_reference.keys() == profile.dimensions.keys()
    for dim, reference in profile.dimensions_reference.items():
        assert reference == pytest.approx(float(ranked[f"dim_{dim}"].median()))
    assert to_json(profile)["index"]["dimensions_median"] == {
        k: pytest.approx(v, abs=0.005) for k, v in profile.dimensions_reference.items()}


def test_ranks_use_the_one_tie_rule_and_text_reads_3_of_10(table):
    profile = build_profile(table, "330212", YEAR)
    rows = table[(table["indicator"] == "participation_rate") & (table["year"] == YEAR)]
    values = rows.set_index("adcode")["value"].reindex(load_registry().adcodes)
    ranks = competition_rank(values.to_numpy(), decimals("percent"))
    expected = int(ranks[load_registry().adcodes.index("330212")])
    record = next(r for r in to_json(profile)["indicators"] if r["indicator"] == "participation_rate")
    assert record["rank"] == expected
    assert record["rank_text"] == f"{expected}/10"


def test_strengths_and_gaps_are_sentences_in_both_languages_marked_illustrative(table):
    profile = build_profile(table, "330212", YEAR)
    strengths_zh, gaps_zh = sentences(profile, "zh")
    strengths_en, gaps_en = sentences(profile, "en")
    assert gaps_zh[0].startswith("人均社区教育经费 3.70 元/人，全市第 10，低于全市")
    assert gaps_zh[0].endswith("（示例数据）")
    assert "rank 10 of 10" in gaps_en[0]
    assert len(strengths_zh) == len(strengths_en) >= 1
    assert any("个百分点" in s for s in gaps_zh + strengths_zh)


def test_status_counts_and_origins_cover_every_value(table):
    profile = build_profile(table, "330212", YEAR)
    n = int(table[(table["adcode"] == "330212") & (table["year"] == YEAR)]["value"].notna().sum())
    assert sum(profile.status_counts.values()) == n
    assert sum(count for _, _, count in profile.origins) == n
    assert profile.status_counts["official"] >= 1
    assert profile.illustrative


def test_profile_command_prints_json_and_writes_a_printable_page(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "lcity_data", "profile", *args], cwd=root, capture_output=True,
                              text=True, timeout=300, check=False)

    done = cli("--district", "330212", "--year", str(YEAR))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["district_zh"], data["funding"]["per_capita"], data["funding"]["status"]) == ("鄞州区", 3.7,
                                                                                              "below_minimum")
    assert data["release"] >= 1
    out = tmp_path / "p.html"
    assert cli("--district", "鄞州区", "--format", "html", "--lang", "en", "-o", str(out)).returncode == 0
    page = out.read_text("utf-8")
    assert "@page { size: A4 portrait" in page
    assert "Yinzhou District profile" in page
    assert "<script" not in page
    bad = cli("--district", "高新区")
    assert bad.returncode == 2
    assert "功能区" in bad.stderr
    assert "Traceback" not in bad.stderr
