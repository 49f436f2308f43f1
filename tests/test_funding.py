from decimal import Decimal

import pandas as pd
import pytest

from lcity_data.catalog import load_catalog
from lcity_data.funding import city_per_capita, classify, funding_check, per_capita, status_counts
from lcity_data.loading import load_shipped, with_derived
from lcity_data.units import to_base

NINGBO = load_catalog().standard()


def _rows(entries):
    unit = {"funding_community_edu": "yuan", "population_household": "person", "population_resident": "person"}
    return pd.DataFrame([
        {"adcode": a, "year": y, "indicator": i, "value": v, "unit": unit[i], "status": s, "source": "test",
         "note": ""}
        for a, y, i, v, s in entries
    ])


def test_default_standard_is_ningbo_household_4_10():
    assert (NINGBO.id, NINGBO.basis, NINGBO.minimum, NINGBO.target) == ("ningbo_household", "household", 4, 10)


def test_exact_boundary_at_reporting_precision():
    funding, population = to_base(626.3, "wan_yuan"), to_base(62.63, "wan_person")
    value = per_capita(funding, population, NINGBO)
    assert value == Decimal("10.00")
    assert classify(value, NINGBO.minimum, NINGBO.target) == "meets_target"


@pytest.mark.parametrize(
    ("value", "status"),
    [("3.99", "below_minimum"), ("4.00", "meets_minimum"), ("9.99", "meets_minimum"), ("10.00", "meets_target"),
     ("0", "below_minimum"), (None, "no_data")],
)
def test_classify_boundaries(value, status):
    dec = None if value is None else Decimal(value)
    assert classify(dec, NINGBO.minimum, NINGBO.target) == status


def test_rounding_half_up_decides_the_boundary():
    # 3.995 rounds to 4.00 at the reporting precision and meets the minimum.
    assert per_capita(3995.0, 1000.0, NINGBO) == Decimal("4.00")
    assert per_capita(3994.9, 1000.0, NINGBO) == Decimal("3.99")


@pytest.mark.parametrize(("num", "den"), [(None, 1000.0), (1000.0, None), (float("nan"), 1.0), (5.0, 0.0)])
def test_missing_inputs_are_no_data_not_zero(num, den):
    assert per_capita(num, den, NINGBO) is None


def test_funding_check_lists_all_districts_with_no_data():
    df = _rows([("330205", 2022, "funding_community_edu", 3_000_000.0, "illustrative"),
                ("330205", 2022, "population_household", 300_000.0, "official"),
                ("330203", 2022, "population_household", 500_000.0, "official")])
    check = funding_check(df, 2022).set_index("adcode")
    assert len(check) == 10
    assert check.loc["330205", "per_capita"] == Decimal("10.00")
    assert check.loc["330205", "status"] == "meets_target"
    assert check.loc["330203", "status"] == "no_data"
    assert check.loc["330282", "status"] == "no_data"
    assert (check["population_basis"] == "household").all()


def test_national_standard_uses_resident_population():
    df = _rows([("330205", 2022, "funding_community_edu", 1_000_000.0, "illustrative"),
                ("330205", 2022, "population_household", 250_000.0, "official"),
                ("330205", 2022, "population_resident", 500_000.0, "official")])
    row = funding_check(df, 2022, "national_resident").set_index("adcode").loc["330205"]
    assert row["per_capita"] == Decimal("2.00")
    assert row["status"] == "meets_minimum"
    assert row["population_basis"] == "resident"


def test_what_if_thresholds_override_the_standard():
    df = _rows([("330205", 2022, "funding_community_edu", 1_500_000.0, "illustrative"),
                ("330205", 2022, "population_household", 300_000.0, "official")])
    assert funding_check(df, 2022)["status"].iloc[1] == "meets_minimum"
    what_if = funding_check(df, 2022, minimum=Decimal("6"), target=Decimal("12"))
    assert what_if.set_index("adcode").loc["330205", "status"] == "below_minimum"


def test_city_per_capita_is_population_weighted():
    df = _rows([("330205", 2022, "funding_community_edu", 1_000_000.0, "illustrative"),
                ("330205", 2022, "population_household", 100_000.0, "official"),
                ("330203", 2022, "funding_community_edu", 1_000_000.0, "illustrative"),
                ("330203", 2022, "population_household", 900_000.0, "official")])
    value, n = city_per_capita(funding_check(df, 2022))
    assert (value, n) == (Decimal("2.00"), 2)  # not the mean of 10 and 1.11


def test_derived_status_follows_its_inputs():
    df = _rows([("330205", 2022, "funding_community_edu", 3_000_000.0, "official"),
                ("330205", 2022, "population_household", 300_000.0, "official"),
                ("330203", 2022, "funding_community_edu", 3_000_000.0, "illustrative"),
                ("330203", 2022, "population_household", 300_000.0, "official")])
    derived = with_derived(df)
    pc = derived[derived["indicator"] == "funding_per_capita"].set_index("adcode")
    assert pc.loc["330205", "status"] == "derived"
    assert pc.loc["330203", "status"] == "illustrative"


def test_shipped_2022_shows_all_three_statuses():
    check = funding_check(load_shipped(), 2022)
    assert len(check) == 10
    assert {"below_minimum", "meets_minimum", "meets_target"} <= set(check["status"])


def test_status_counts_cover_every_district_every_year():
    counts = status_counts(load_shipped())
    assert (counts.sum(axis=1) == 10).all()
    assert counts.loc[2013, "no_data"] == 1  # the sample's one honest gap
