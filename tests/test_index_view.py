"""Composite-index weights and tables (dashboard/charts/index_view.py) and progress display helpers
(dashboard/charts/progress_view.py): pure, no Streamlit."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.charts import index_view, progress_view
from lcity_data.catalog import load_catalog
from lcity_data.composite import NORMALISATIONS, compute_index, default_config, sensitivity
from lcity_data.loading import load_shipped
from lcity_data.progress import rules
from lcity_data.registry import load_registry

DIMS = ["government", "learners", "society", "vitality"]


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_shipped()


# ------------------------------------------------------------------------------------------ shares

@pytest.mark.parametrize("weights", [
    {"a": 1, "b": 1, "c": 1},
    {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1},
    {"a": 25, "b": 25, "c": 25, "d": 25},
    {"a": 100, "b": 1, "c": 1},
    {"a": 7, "b": 0, "c": 13, "d": 99},
    {"a": 0.1, "b": 0.2, "c": 0.3},
    {"a": 3},
])
def test_shown_shares_add_up_to_exactly_100(weights):
    shares = index_view.round_shares(weights)
    assert round(sum(shares.values()), 6) == 100.0
    for k, w in weights.items():
        exact = w / sum(weights.values()) * 100
        assert abs(shares[k] - exact) < 0.1 + 1e-9  # never more than one rounding unit off
        assert shares[k] == round(shares[k], 1)


def test_largest_remainder_breaks_ties_by_order_and_zero_stays_zero():
    assert index_view.round_shares({"a": 1, "b": 1, "c": 1}) == {"a": 33.4, "b": 33.3, "c": 33.3}
    assert index_view.round_shares({"a": 1, "b": 1, "c": 1}, decimals=0) == {"a": 34, "b": 33, "c": 33}
    assert index_view.round_shares({"a": 0, "b": 2})["a"] == 0.0
    assert index_view.round_shares({"a": 0, "b": 0}) == {"a": 0.0, "b": 0.0}


def test_default_raw_weights_are_the_catalog_weights_in_percent():
    dims, inputs = index_view.default_raw()
    assert dims == dict.fromkeys(DIMS, 25)
    assert set(inputs.values()) == {50}
    assert list(inputs) == list(default_config().indicators)
    assert sum(len(v) for v in index_view.dimension_inputs().values()) == len(inputs)


def test_overrides_keep_only_what_differs_from_the_default():
    dims, _ = index_view.default_raw()
    w = index_view.with_weight((), dims, "society", 60)
    assert w == (("society", 60),)
    w = index_view.with_weight(w, dims, "government", 0)
    assert w == (("government", 0), ("society", 60))  # catalog order
    assert index_view.raw_weights(w, dims) == {"government": 0, "learners": 25, "society": 60, "vitality": 25}
    assert index_view.with_weight(w, dims, "society", 25) == (("government", 0),)  # back at the default: dropped


def test_config_leaves_out_zero_weights_and_matches_the_catalog_by_default():
    dims, inputs = index_view.default_raw()
    cfg = index_view.build_config(dims, inputs, "minmax")
    expected = default_config().effective_weights()
    assert cfg.effective_weights().to_dict() == pytest.approx(expected.to_dict())
    cfg = index_view.build_config({**dims, "vitality": 0}, {**inputs, "funding_per_capita": 0}, "zscore")
    assert cfg.normalisation == "zscore"
    assert "funding_per_capita" not in cfg.indicators
    assert not {"online_users_per_100", "week_participants_per_100"} & set(cfg.indicators)
    assert cfg.effective_weights().sum() == pytest.approx(1.0)
    assert index_view.build_config(dict.fromkeys(dims, 0), inputs, "minmax") is None


def test_page_shares_add_up_and_follow_the_effective_weights():
    dims, inputs = index_view.default_raw()
    ind_raw = {**inputs, "funding_per_capita": 100, "teachers_per_10k": 0}
    cfg = index_view.build_config({**dims, "government": 50}, ind_raw, "minmax")
    dim_share, ind_share = index_view.shares(cfg, DIMS, list(inputs))
    assert dim_share == {"government": 40.0, "learners": 20.0, "society": 20.0, "vitality": 20.0}
    assert ind_share["funding_per_capita"] == 40.0
    assert ind_share["teachers_per_10k"] == 0.0
    assert sum(ind_share.values()) == pytest.approx(100.0)
    within = index_view.within_shares(ind_raw, index_view.dimension_inputs())
    assert (within["funding_per_capita"], within["teachers_per_10k"], within["participation_rate"]) == (100, 0, 50)
    assert index_view.shares(None, DIMS, list(inputs)) == (dict.fromkeys(DIMS, 0.0), dict.fromkeys(inputs, 0.0))


# ----------------------------------------------------------------------------------------- results

def test_results_rank_first_and_insufficient_data_last_never_zero(shipped):
    cfg = default_config()
    df = shipped[~((shipped["adcode"] == "330203") & (shipped["year"] == 2022)
                   & shipped["indicator"].isin(["teachers_per_10k", "participation_rate"]))]
    index = compute_index(df, cfg, 2022)
    sens = sensitivity(df, cfg, 2022, draws=20)
    res = index_view.results(index, sens, index_view.input_status(df, list(cfg.indicators), 2022), DIMS, "en")
    assert len(res) == 10
    last = res.iloc[-1]
    assert (last["adcode"], last["status"], last["status_text"]) == ("330203", "insufficient_data",
                                                                      "Insufficient data")
    assert math.isnan(last["index"])
    assert pd.isna(last["rank"])
    assert last["range_text"] == ""
    assert last["missing_share"] == pytest.approx(0.25)
    ok = res.iloc[:-1]
    assert list(ok["rank"]) == sorted(ok["rank"])
    assert (ok["rank_min"] <= ok["rank"]).all()
    assert (ok["rank"] <= ok["rank_max"]).all()
    assert set(res["input_status_text"]) == {"illustrative"}


def test_a_district_without_any_input_that_year_is_insufficient_data(shipped):
    cfg = default_config()
    df = shipped[~((shipped["adcode"] == "330282") & (shipped["year"] == 2020))]
    res = index_view.results(compute_index(df, cfg, 2020), sensitivity(df, cfg, 2020, draws=5), {}, DIMS, "zh")
    row = res.set_index("adcode").loc["330282"]
    assert (row["status"], row["status_text"], row["missing_share"]) == ("insufficient_data", "数据不足", 1.0)
    assert row["input_status_text"] == "缺失"


def test_ranking_table_shows_the_selected_districts_with_translated_headers(shipped):
    cfg = default_config()
    index = compute_index(shipped, cfg, 2024)
    res = index_view.results(index, sensitivity(shipped, cfg, 2024, draws=10), {}, DIMS, "en")
    table = index_view.ranking_table(res, ["330203", "330282"], DIMS, "en")
    assert list(table.columns[:4]) == ["Rank", "District", "Index", "Rank range"]
    assert "Government driving force" in table.columns
    assert set(table["District"]) == {"Haishu District", "Cixi City"}
    assert table["Index"].tolist() == sorted(table["Index"], reverse=True)


@pytest.mark.parametrize(("lo", "hi", "text"), [(2, 4, "2–4"), (3, 3, "3"), (pd.NA, pd.NA, "")])
def test_range_text(lo, hi, text):
    assert index_view.range_text(lo, hi) == text


def test_radar_range(shipped):
    res = pd.DataFrame({"dim_government": [-1.2, 0.4], "dim_learners": [2.1, float("nan")]})
    assert index_view.radar_range(res, ["government", "learners"], "zscore") == (-2.5, 2.5)
    assert index_view.radar_range(res, ["government"], "minmax") == (0.0, 100.0)


def test_method_texts_carry_the_catalog_rule_and_source():
    zh = "\n".join(index_view.method_paragraphs("zh"))
    en = "\n".join(index_view.method_paragraphs("en"))
    assert "20%" in zh
    assert "SDSN" in zh
    assert "more than 20% of its inputs" in en
    assert "SDSN" in en
    assert "0.9" in en
    assert "1.1" in en
    assert "500" in en
    progress = "\n".join(progress_view.method_paragraphs("en"))
    assert "↑ On track or maintaining: r ≥ 1" in progress
    assert "0.5 ≤ r < 1" in progress
    assert "fewer than 3 observations since 2015" in progress
    assert "open-sdg" in progress


def test_dynamic_keys_of_the_index_page_exist():
    keys = [f"index.norm_{m}" for m in NORMALISATIONS] + [f"index.norm_help_{m}" for m in NORMALISATIONS]
    keys += ["index.status_ok", "index.status_insufficient_data", "page.index"]
    assert [k for k in keys if not i18n.has(k)] == []


# ---------------------------------------------------------------------------------------- progress

def _checks(values: dict[str, dict[int, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"adcode": a, "year": y, "per_capita": v} for a, s in values.items() for y, v in s.items()])


def test_standard_progress_uses_the_standards_own_series_and_target():
    std = load_catalog().standard("ningbo_household")
    checks = _checks({
        "330203": {2015: Decimal("2.00"), 2017: Decimal("3.60"), 2020: Decimal("6.00"), 2021: Decimal("9.99")},
        "330205": {2015: Decimal("5.00"), 2016: None, 2020: Decimal("4.00"), 2021: Decimal("3.00")},
        "330206": {2020: Decimal("1.00"), 2021: Decimal("2.00")},
    })
    table = progress_view.standard_progress(checks, std, 2030, up_to_year=2020).set_index("adcode")
    assert len(table) == len(load_registry().adcodes)
    assert table.loc["330203", "status"] == "on_track"          # 2021 is after up_to_year: left out
    assert table.loc["330203", "years_to_target"] == pytest.approx(5.0)
    assert table.loc["330205", "status"] == "insufficient"      # 2 points up to 2020 (None is missing, not 0)
    assert table.loc["330206", "status"] == "insufficient"
    later = progress_view.standard_progress(checks, std, 2030, up_to_year=2021).set_index("adcode")
    assert later.loc["330205", "status"] == "decreasing"
    assert progress_view.standard_progress(checks, load_catalog().standard("national_resident"), 2030, 2021) is None


def test_progress_texts_and_counts():
    std = load_catalog().standard("ningbo_household")
    assert progress_view.status_text("moderate", "zh") == "➚ 适度改善"
    assert progress_view.target_label(std, 2030, "en") == "10 yuan per person by 2030"
    assert progress_view.years_text("on_track", 0.0, 2024, "en") == "already met"
    assert progress_view.years_text("stagnating", None, 2024, "en") == "not at this pace"
    assert progress_view.years_text("insufficient", None, None, "zh") == "数据不足"
    assert progress_view.years_text("on_track", 2.3, 2024, "en") == "about 2.3 years (around 2027)"
    assert progress_view.years_text("moderate", 10.01, 2024, "zh") == "约 10.0 年（2035年前后）"
    progress = pd.DataFrame({"adcode": ["330203", "330205", "330206"],
                             "status": ["on_track", "stagnating", "on_track"]})
    counts = progress_view.status_counts(progress, ["330203", "330205", "330206"])
    assert list(counts) == list(rules()["status"])
    assert counts["on_track"] == 2
    assert counts["decreasing"] == 0
    assert progress_view.counts_line(counts, "en") == "↑ On track or maintaining 2 · → Stagnating 1"


def test_target_years_start_after_the_data_and_include_the_default():
    years = progress_view.target_years(2024)
    assert years[0] == 2025
    assert progress_view.default_target_year() in years
    assert progress_view.target_years(2035)[0] == 2036


def test_hover_text_per_district(shipped):
    from dashboard.map.maps import map_frame

    std = load_catalog().standard("ningbo_household")
    from lcity_data.funding import funding_check

    checks = pd.concat([funding_check(shipped, y, std.id) for y in range(2012, 2025)], ignore_index=True)
    progress = progress_view.standard_progress(checks, std, 2030, 2024)
    frame = progress_view.with_hover_text(map_frame(shipped, "funding_per_capita", 2024, "en"), progress, std,
                                          2030, "en")
    assert frame["progress_text"].str.contains("target: 10 yuan per person by 2030").all()
    assert frame["progress_text"].str.match("^[↑➚→↓•] ").all()


def test_input_shares_add_up_to_their_dimension_share():
    dims, inputs = index_view.default_raw()
    ind_raw = {**inputs, "teachers_per_10k": 0}
    cfg = index_view.build_config({**dims, "government": 100}, ind_raw, "minmax")
    dim_share, ind_share = index_view.shares(cfg, DIMS, list(inputs))
    assert dim_share["government"] == ind_share["funding_per_capita"] == 57.1
    for dim, members in index_view.dimension_inputs().items():
        assert round(sum(ind_share[i] for i in members), 6) == dim_share[dim]
    assert round(sum(ind_share.values()), 6) == 100.0
    assert index_view.round_shares({"a": 1, "b": 2}, total=14.3) == {"a": 4.8, "b": 9.5}


def test_leaflet_tooltip_has_the_progress_line_too(shipped):
    from dashboard.map.leaflet_view import folium_map
    from dashboard.map.maps import apply_classes, map_frame
    from lcity_data.funding import funding_check
    from lcity_data.geometry import boundaries_geojson

    std = load_catalog().standard("ningbo_household")
    checks = pd.concat([funding_check(shipped, y, std.id) for y in range(2012, 2025)], ignore_index=True)
    frame = progress_view.with_hover_text(map_frame(shipped, "funding_per_capita", 2024, "en"),
                                          progress_view.standard_progress(checks, std, 2030, 2024), std, 2030, "en")
    frame, classes, _ = apply_classes(frame, "funding_per_capita", "quantiles", 5, "en")
    page = folium_map(frame, frame["class_key"], classes, boundaries_geojson(simplified=True), lang="en",
                      legend_title="x").get_root().render()
    # the tooltips sit JSON-encoded (non-ASCII as \uXXXX escapes) in the map script
    assert "Progress to target: \\u2191 On track or maintaining (target: 10 yuan per person" in page
