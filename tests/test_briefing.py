import pandas as pd

from lcity_data.briefing import funding_findings, funding_sentence


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
        "2024年，10个区（县、市）中有9个达到人均4元最低标准，2个达到10元目标；北仑区增幅最大（+7元）；"
        "江北区今年达到4元最低标准；北仑区、奉化区今年达到10元目标。")
    assert funding_sentence(f, "en") == (
        "In 2024, 9 of 10 districts met the 4-yuan minimum per person and 2 reached the 10-yuan target; "
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
