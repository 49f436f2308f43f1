"""City figures by the catalog's aggregate rule (lcity_data/aggregate.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lcity_data.aggregate import city_series, indexed
from lcity_data.funding import city_per_capita, funding_check
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

ADCODES = load_registry().adcodes


def _rows(indicator: str, values: dict[str, float], year: int = 2020, status: str = "official",
          unit: str = "person") -> list[dict]:
    return [{"adcode": a, "year": year, "indicator": indicator, "value": v, "unit": unit, "status": status,
             "source": "test", "note": ""} for a, v in values.items()]


def test_sum_needs_every_district():
    full = pd.DataFrame(_rows("learning_points", dict.fromkeys(ADCODES, 10.0), unit="count"))
    city = city_series(full, "learning_points")
    assert city["value"].tolist() == [100.0]
    assert city["status"].tolist() == ["derived"]
    partial = full[full["adcode"] != ADCODES[0]]
    city = city_series(partial, "learning_points")
    assert math.isnan(city["value"].iloc[0])  # a gap, never a partial total
    assert city["n_districts"].iloc[0] == 9
    assert city_series(partial, "learning_points", require_complete=False)["value"].iloc[0] == 90.0


def test_weighted_mean_uses_the_weight_indicator():
    rates = {a: (20.0 if i < 5 else 60.0) for i, a in enumerate(ADCODES)}
    pops = {a: (100.0 if i < 5 else 300.0) for i, a in enumerate(ADCODES)}
    df = pd.DataFrame(_rows("participation_rate", rates, unit="percent") + _rows("population_resident", pops))
    city = city_series(df, "participation_rate")
    assert city["value"].iloc[0] == pytest.approx((20 * 500 + 60 * 1500) / 2000)


def test_ratio_is_total_over_total_not_mean_of_ratios():
    funding = {a: (1_000_000.0 if i == 0 else 100_000.0) for i, a in enumerate(ADCODES)}
    pops = {a: (100_000.0 if i == 0 else 50_000.0) for i, a in enumerate(ADCODES)}
    df = pd.DataFrame(_rows("funding_community_edu", funding, unit="yuan") + _rows("population_household", pops))
    city = city_series(df, "funding_per_capita")
    assert city["value"].iloc[0] == pytest.approx(round(1_900_000 / 550_000, 2))


def test_city_ratio_matches_funding_city_per_capita_on_shipped_data():
    df = load_shipped()
    city = city_series(df, "funding_per_capita").set_index("year")
    for year in (2016, 2022, 2024):
        expected, n = city_per_capita(funding_check(df, year))
        assert n == 10
        assert city.loc[year, "value"] == float(expected)


def test_illustrative_inputs_make_an_illustrative_city_value():
    rows = _rows("learning_points", dict.fromkeys(ADCODES, 1.0), unit="count")
    rows[3]["status"] = "illustrative"
    assert city_series(pd.DataFrame(rows), "learning_points")["status"].iloc[0] == "illustrative"


def test_indexed_base_year_is_100_and_missing_base_gives_nan():
    df = pd.DataFrame({"adcode": ["a", "a", "b", "b"], "year": [2015, 2016, 2016, 2017],
                       "value": [4.0, 5.0, 2.0, 3.0]})
    out = indexed(df, 2015)
    assert out.loc[(out["adcode"] == "a") & (out["year"] == 2015), "index"].iloc[0] == 100
    assert out.loc[(out["adcode"] == "a") & (out["year"] == 2016), "index"].iloc[0] == 125
    assert out.loc[out["adcode"] == "b", "index"].isna().all()
    one = indexed(pd.DataFrame({"year": [2015, 2016], "value": [2.0, 3.0]}), 2015, by=None)
    assert one["index"].tolist() == [100.0, 150.0]
