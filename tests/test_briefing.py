from decimal import Decimal

import pandas as pd

from lcity_data.briefing import (
    crossing_sentence,
    funding_findings,
    funding_sentence,
    index_score,
    ranking_findings,
    ranking_sentence,
    trend_findings,
    trend_sentence,
)


def _panel(per_capita: dict[tuple[str, int], float | None]) -> pd.DataFrame:
    """Funding and household population giving the wanted per-capita values (population 100,000)."""
    rows = []
    for (adcode, year), value in per_capita.items():
        rows.append({"adcode": adcode, "year": year, "indicator": "population_household", "value": 100_000.0,
                     "unit": "person", "status": "official", "source": "t", "note": ""})
        if value is not None:
            rows.append({"adcode": adcode, "year": year, "indicator": "funding_community_edu",
                         "value": value * 100_000, "unit": "yuan", "status": "illustrative", "source": "t",
                         "note": ""})
    return pd.DataFrame(rows)


ALL = ["330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282"]


def _full(before: dict[str, float], after: dict[str, float]) -> pd.DataFrame:
    values = {}
    for a in ALL:
        values[(a, 2023)] = before.get(a, 5.0)
        values[(a, 2024)] = after.get(a, 5.0)
    return _panel(values)


def test_counts_and_largest_rise_in_both_languages():
    df = _full({"330213": 8.0, "330205": 3.0}, {"330213": 10.1, "330205": 4.0, "330206": 12.0, "330212": 3.0})
    f = funding_findings(df, 2024)
    assert (f.n_total, f.n_min, f.n_target, f.n_missing) == (10, 9, 2, 0)
    assert funding_sentence(f, "zh") == (
        "2024年，10个区（县、市）中有9个达到人均4元最低标准，2个达到10元目标；鄞州区未达4元最低标准；北仑区增幅最大（+7元）；"
        "江北区今年达到4元最低标准；北仑区、奉化区今年达到10元目标。")
    assert funding_sentence(f, "en") == (
        "In 2024, 9 of 10 districts met the 4-yuan minimum per person and 2 reached the 10-yuan target; "
        "Yinzhou District fell short of the 4-yuan minimum; "
        "Beilun District rose most (+7 yuan); Jiangbei District crossed the 4-yuan minimum this year; "
        "Beilun District, Fenghua District reached the 10-yuan target this year.")


def test_ties_for_largest_rise():
    df = _full({}, {"330213": 7.1, "330205": 7.1})
    f = funding_findings(df, 2024)
    assert f.largest_rise == ("330205", "330213")
    assert "江北区、奉化区增幅并列最大（+2.1元）" in funding_sentence(f, "zh")
    assert "tied for the largest rise (+2.1 yuan)" in funding_sentence(f, "en")


def test_missing_data_is_counted_not_treated_as_zero():
    values = {(a, y): 5.0 for a in ALL for y in (2023, 2024)}
    values[("330282", 2024)] = None
    values[("330281", 2023)] = None
    f = funding_findings(_panel(values), 2024)
    assert (f.n_min, f.n_missing) == (9, 1)
    assert f.crossed_min == ()  # 余姚 had no data last year: not "crossed"
    assert "（1个缺少数据）" in funding_sentence(f, "zh")
    assert "(1 without data)" in funding_sentence(f, "en")


def test_no_rise_and_no_data_sentences():
    f = funding_findings(_full({}, {}), 2024)
    assert f.largest_rise == ()
    assert funding_sentence(f, "en").endswith("reached the 10-yuan target.")
    empty = funding_findings(_panel({(a, 2024): None for a in ALL}), 2024)
    assert funding_sentence(empty, "zh") == "2024年暂无经费数据。"


def test_subset_of_districts():
    f = funding_findings(_full({}, {"330205": 12.0}), 2024, adcodes=["330205", "330212"])
    assert (f.n_total, f.n_target) == (2, 1)
    assert funding_sentence(f, "zh").startswith("2024年，2个区（县、市）中有2个")


# --------------------------------------------------------------------------- crossing (slide 3)

def test_crossing_sentence_names_who_crossed_who_fell_back_and_the_largest_rise():
    df = _full({"330213": 8.0, "330205": 3.0, "330282": 4.5}, {"330213": 10.1, "330205": 4.0, "330282": 3.9})
    f = funding_findings(df, 2024)
    assert f.dropped_min == ("330282",)
    assert crossing_sentence(f, "zh") == (
        "与2023年相比，江北区跨过4元最低标准线；奉化区达到10元目标；慈溪市降至4元以下；奉化区增幅最大（+2.1元）。")
    assert crossing_sentence(f, "en") == (
        "Compared with 2023, Jiangbei District crossed the 4-yuan minimum; Fenghua District reached the 10-yuan "
        "target; Cixi City fell below the 4-yuan minimum; Fenghua District rose most (+2.1 yuan).")


def test_crossing_sentence_when_nobody_crossed_ties_and_uncomparable_districts():
    values = {(a, y): 5.0 for a in ALL for y in (2023, 2024)}
    values[("330203", 2024)] = 6.0
    values[("330206", 2024)] = 6.0
    values[("330281", 2023)] = None  # no 2023 value: cannot have "crossed"
    f = funding_findings(_panel(values), 2024)
    assert (f.n_compared, f.crossed_min, f.crossed_target) == (9, (), ())
    assert crossing_sentence(f, "zh") == (
        "与2023年相比，没有区（县、市）新跨过4元或10元线（1个缺少2023年数据，无法比较）；海曙区、北仑区增幅并列最大（+1元）。")
    assert crossing_sentence(f, "en") == (
        "Compared with 2023, no district newly crossed the 4- or 10-yuan line (1 without 2023 data to compare); "
        "Haishu District, Beilun District tied for the largest rise (+1 yuan).")


def test_crossing_sentence_without_a_previous_year_or_any_data():
    only_now = funding_findings(_panel({(a, 2024): 5.0 for a in ALL}), 2024)
    assert only_now.n_compared == 0
    assert crossing_sentence(only_now, "zh") == "2023年没有可比的经费数据，无法判断2024年谁跨过了4元或10元线。"
    assert crossing_sentence(only_now, "en").startswith("There is no comparable funding data for 2023")
    empty = funding_findings(_panel({(a, 2024): None for a in ALL}), 2024)
    assert crossing_sentence(empty, "en") == "No funding data for 2024."


# ----------------------------------------------------------------------------------- trend (slide 4)

def _trend_panel(per_capita: dict[tuple[str, int], float | None]) -> pd.DataFrame:
    """`_panel` plus the table's derived per-person rows (what the trends chart draws)."""
    rows = [{"adcode": a, "year": y, "indicator": "funding_per_capita", "value": v, "unit": "yuan_per_person",
             "status": "illustrative", "source": "t", "note": ""} for (a, y), v in per_capita.items() if v is not None]
    return pd.concat([_panel(per_capita), pd.DataFrame(rows)], ignore_index=True)


def _series(start: dict[str, float], end: dict[str, float]) -> dict[tuple[str, int], float | None]:
    values: dict[tuple[str, int], float | None] = {}
    for a in ALL:
        values[(a, 2015)] = start.get(a, 5.0)
        values[(a, 2020)] = 5.0
        values[(a, 2024)] = end.get(a, 5.0)
    return values


def test_trend_sentence_city_change_and_largest_district_rise():
    df = _trend_panel(_series({"330212": 2.0}, {"330212": 9.0, "330205": 7.0}))
    f = trend_findings(df, (2015, 2024))
    assert (f.city.start, f.city.end) == (Decimal("4.70"), Decimal("5.60"))  # Σ funding ÷ Σ population
    assert f.largest_rise == ("330212",)
    assert trend_sentence(f, "zh") == "全市2015–2024年人均经费从4.70元增至5.60元；鄞州区增幅最大（+7元）。"
    assert trend_sentence(f, "en") == ("City-wide: per-person funding rose from 4.70 yuan in 2015 to 5.60 yuan "
                                       "in 2024; Yinzhou District rose most (+7 yuan).")


def test_trend_sentence_for_one_district_falling_or_flat():
    df = _trend_panel(_series({"330212": 6.5}, {"330212": 4.25}))
    down = trend_findings(df, (2015, 2024), ["330212"])
    assert trend_sentence(down, "zh") == "鄞州区2015–2024年人均经费从6.50元降至4.25元。"
    assert trend_sentence(down, "en") == ("Yinzhou District: per-person funding fell from 6.50 yuan in 2015 "
                                          "to 4.25 yuan in 2024.")
    flat = trend_findings(df, (2015, 2024), ["330203"])
    assert trend_sentence(flat, "zh") == "海曙区2015–2024年人均经费保持在5.00元。"
    assert trend_sentence(flat, "en") == "Haishu District: per-person funding stayed at 5.00 yuan from 2015 to 2024."


def test_trend_uses_each_series_own_years_and_ties():
    values = _series({"330205": 3.0, "330206": 3.0}, {"330205": 6.0, "330206": 6.0})
    values[("330282", 2015)] = None  # starts in 2020
    f = trend_findings(_trend_panel(values), (2015, 2024))
    assert (f.city.start_year, f.districts[-1].start_year) == (2020, 2020)  # 2015 is incomplete: no city figure
    assert f.largest_rise == ("330205", "330206")
    assert trend_sentence(f, "zh") == "全市2020–2024年人均经费从5.00元增至5.20元；江北区、北仑区增幅并列最大（+3元）。"
    assert trend_sentence(f, "en").endswith("Jiangbei District, Beilun District tied for the largest rise (+3 yuan).")


def test_trend_sentence_without_a_city_figure_counts_districts_without_enough_data():
    values = _series({"330205": 3.0}, {"330205": 6.0})
    values[("330203", 2020)] = values[("330203", 2024)] = None  # one year only: the city is complete only in 2015
    f = trend_findings(_trend_panel(values), (2015, 2024), ["330205", "330203"])
    assert f.city is None
    assert trend_sentence(f, "zh") == ("2015–2024年全市数据不完整；江北区增幅最大（+3元）；"
                                       "1个区（县、市）数据不足，未参与比较。")
    assert trend_sentence(f, "en") == ("City-wide figures for 2015–2024 are incomplete; Jiangbei District rose most "
                                       "(+3 yuan); 1 without enough data to compare.")
    none = trend_findings(_trend_panel({(a, 2024): 5.0 for a in ALL}), (2015, 2024))
    assert trend_sentence(none, "zh") == "2015–2024年暂无足够的人均经费数据。"
    assert trend_sentence(none, "en") == "Not enough per-person funding data for 2015–2024."


# --------------------------------------------------------------------------------- ranking (slide 5)

def _index(scores: dict[str, float | None], year: int = 2024) -> pd.DataFrame:
    return pd.DataFrame({"adcode": list(scores), "year": year, "index": [float("nan") if v is None else v
                                                                         for v in scores.values()]})


def test_ranking_sentence_names_the_leader():
    f = ranking_findings(_index({"330203": 61.2, "330212": 70.04, "330282": 55.0}), 2024,
                         ["330203", "330212", "330282"])
    assert (f.top, f.top_score, f.n_ranked) == (("330212",), Decimal("70.0"), 3)
    assert ranking_sentence(f, "zh") == "2024年综合指数中，鄞州区排名第一（70.0分，共3个区（县、市）参与排名）。"
    assert ranking_sentence(f, "en") == ("In 2024, Yinzhou District ranked first on the composite index "
                                         "(70.0 points; 3 districts ranked).")


def test_ranking_ties_at_the_precision_shown_and_missing_data():
    scores = {"330206": 75.51, "330225": 75.54, "330203": 40.0, "330282": None}
    f = ranking_findings(_index(scores), 2024, list(scores))
    assert f.top == ("330206", "330225")  # both show as 75.5: announced as tied, not as 1st and 2nd
    assert ranking_sentence(f, "zh") == ("2024年综合指数中，北仑区、象山县并列第一（75.5分，"
                                         "共3个区（县、市）参与排名）；1个因数据不足未排名。")
    assert ranking_sentence(f, "en") == ("In 2024, Beilun District, Xiangshan County tied for first on the composite "
                                         "index (75.5 points; 3 districts ranked); 1 not ranked for lack of data.")
    assert index_score(75.55) == Decimal("75.6")  # half up, the same rounding as the chart labels


def test_ranking_for_a_subset_a_single_district_and_no_data():
    index = _index({"330203": 61.2, "330212": 70.0, "330282": 55.0})
    sub = ranking_findings(index, 2024, ["330203", "330282"])
    assert sub.top == ("330203",)
    single = ranking_findings(index, 2024, ["330282"])
    assert ranking_sentence(single, "zh") == "2024年慈溪市综合指数为55.0分。"
    assert ranking_sentence(single, "en") == "In 2024, Cixi City scored 55.0 points on the composite index."
    assert ranking_sentence(ranking_findings(index, 2023), "zh") == "2023年数据不足，无法计算综合指数。"
    everyone = ranking_findings(index, 2024)  # districts the index has no row for count as not ranked
    assert ranking_sentence(everyone, "en").endswith("3 districts ranked); 7 not ranked for lack of data.")
    assert ranking_sentence(ranking_findings(_index({"330203": None}), 2024), "en") == (
        "Not enough data to compute the composite index for 2024.")
