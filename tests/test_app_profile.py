"""The district profile page (区县画像) through app.py: the district from the link (the first of
several), the picker, both languages, and numbers equal to the Funding check's and the Index page's
for the same release."""

from __future__ import annotations

import json

import pytest
from app_harness import charts, go, make_app, shown_link

YEAR = "2024"


@pytest.fixture(scope="module")
def yinzhou():
    return make_app("profile", deep_link=True, district="330212~330203", year=YEAR)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_profile_shows_the_first_district_with_headline_sentences_table_and_charts(yinzhou):
    at = yinzhou
    assert at.title[0].value == "海曙区画像 · 2024年"  # 330203 comes first in registry order
    assert at.query_params["district"] == "330203~330212"
    assert metric(at, "人均社区教育经费") == "8.95 元/人"
    table = at.dataframe[0].value
    assert list(table.columns) == ["指标", "数值", "数据状态", "全市", "排名", "较上年", "趋势", "来源"]
    assert set(table["排名"]) <= {f"{n}/10" for n in range(1, 11)}
    assert any("全市第" in m.value for m in at.markdown)
    assert len(charts(at)) == 2
    assert at.warning  # illustrative values are said to be illustrative
    assert [b.key for b in at.get("download_button")] == ["profile_download"]


def test_picker_changes_the_district_and_the_url(yinzhou):
    at = yinzhou
    at.selectbox(key="_w_districts_profile").set_value("330212").run()
    assert at.title[0].value == "鄞州区画像 · 2024年"
    assert at.query_params["district"] == "330212"
    assert metric(at, "人均社区教育经费") == "3.70 元/人"
    assert any("人均社区教育经费 3.70 元/人，全市第 10，低于全市" in m.value for m in at.markdown)


def test_profile_in_english():
    at = make_app("profile", deep_link=True, district="330212", year=YEAR, lang="en")
    assert at.title[0].value == "Yinzhou District profile · 2024"
    assert list(at.dataframe[0].value.columns)[:2] == ["Indicator", "Value"]
    assert any("rank 10 of 10 in the city" in m.value for m in at.markdown)


def test_profile_numbers_equal_the_funding_check_and_the_index_page():
    at = make_app("profile", deep_link=True, district="330212", year=YEAR)
    per_capita = metric(at, "人均社区教育经费")
    index_score = metric(at, "综合指数")
    rank_note = next(c.value for c in at.caption if "全市第" in c.value and "共" in c.value)
    go(at, "funding")
    funding = next(d.value for d in at.dataframe if "人均经费 (元/人)" in d.value.columns)
    row = funding[funding.iloc[:, 0].map(shown_link) == "鄞州区"].iloc[0]
    ratio = row["人均经费 (元/人)"]
    assert per_capita == f"{ratio:.2f} 元/人"
    go(at, "index")
    ranking = at.dataframe[0].value
    mine = ranking[ranking["区（县、市）"] == "鄞州区"].iloc[0]
    assert mine["综合指数"] == index_score
    assert f"全市第 {mine['排名']}（共10个）" == rank_note


def test_dimension_reference_is_the_index_pages_median_with_the_same_name():
    """One rule: the profile's dimension bars and the Index page's radar read each score against the
    same reference (the median district, composite.dimension_reference), named the same way."""
    at = make_app("profile", deep_link=True, district="330212", year=YEAR)
    bars = next(c for c in charts(at) if c["data"][0]["type"] == "bar")
    reference = bars["data"][1]
    assert reference["name"] == "各区县市中位数"
    profile_values = dict(zip(reference["y"], reference["x"], strict=True))
    go(at, "index")
    radar = next(c for c in charts(at) if any(t["type"] == "scatterpolar" for t in c["data"]))
    line = next(t for t in radar["data"] if t["name"] == "各区县市中位数")
    index_values = {names[0]: r for names, r in zip(line["customdata"], line["r"], strict=True)}
    assert len(profile_values) == 4
    for dim, score in profile_values.items():
        assert score == pytest.approx(index_values[dim])


def test_district_names_on_other_pages_link_to_their_profile():
    """The Funding check table, the Data tables and the Overview's list of districts below the minimum:
    each name opens its profile with the same language, year and release (URLs built by the app)."""
    from urllib.parse import parse_qs, urlsplit

    at = make_app("funding", deep_link=True, year=YEAR, lang="en")
    detail = at.dataframe[0].value
    cells = list(detail.iloc[:, 0])
    assert [shown_link(c) for c in cells][:2] == ["Haishu District", "Jiangbei District"]
    link = urlsplit(cells[0])
    assert link.path == "./profile"
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    assert query.items() >= {"lang": "en", "year": YEAR, "district": "330203"}.items()
    config = json.loads(at.dataframe[0].proto.columns)
    assert config[detail.columns[0]]["type_config"]["type"] == "link"

    go(at, "data")
    table = at.dataframe[0].value
    assert all(shown_link(c) == n for c, n in zip(table["District"], ["Haishu District"] * 3, strict=False))
    assert all(c.startswith("./profile?") for c in table["District"])
    change = next(d.value for d in at.dataframe if "Change" in " ".join(d.value.columns))
    assert change["District"].map(shown_link).tolist()[0] == "Haishu District"

    go(at, "overview")
    below = next(c.value for c in [*at.caption, *at.markdown] if c.value.startswith("Below the minimum"))
    assert "[Yinzhou District](./profile?" in below
    assert "district=330212" in below


def test_the_map_click_gets_the_profile_link_without_year_or_district():
    """map.js adds the clicked region's code and the year on screen (which may have moved without a rerun)."""
    at = make_app("map", deep_link=True, year=YEAR, lang="en")
    data = next(json.loads(e.proto.json) for e in at.get("bidi_component") if '"map"' in e.proto.json)
    base = data["profile"]["base"]
    assert base.startswith("./profile?")
    assert "lang=en" in base
    assert "district=" not in base
    assert "year=" not in base
    assert data["profile"]["hint"] == "Click for the district profile"
