import pandas as pd
import pytest

from lcity_data.progress import assess, progress_table


def test_on_track_when_pace_meets_the_need():
    # 2.0 → 6.0 over 2015..2020: pace 0.8/yr; gap 4 over 10 years needs 0.4/yr: r = 2.
    p = assess({2015: 2.0, 2017: 3.6, 2020: 6.0}, target=10, target_year=2030)
    assert (p.status, p.symbol) == ("on_track", "↑")
    assert p.pace == pytest.approx(0.8)
    assert p.needed == pytest.approx(0.4)
    assert p.years_to_target == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("last", "status"),
    # first 2015 = 5.0, last in 2020; needed = (10 - last) / 10; pace = (last - 5) / 5
    [(7.0, "on_track"),            # pace 0.4, needed 0.3 → r 1.33
     (6.0, "moderate"),            # pace 0.2, needed 0.4 → r 0.5 exactly: moderately improving
     (5.9, "stagnating"),          # pace 0.18, needed 0.41 → r 0.44
     (5.0, "stagnating"),          # pace 0 → r 0
     (4.0, "decreasing")],         # pace −0.2
)
def test_status_boundaries(last, status):
    assert assess({2015: 5.0, 2016: 5.0, 2020: last}, 10, 2030).status == status


def test_target_already_met_is_maintaining():
    p = assess({2015: 11.0, 2016: 10.5, 2017: 10.2}, 10, 2030)
    assert p.status == "on_track"
    assert p.years_to_target == 0.0


def test_fewer_than_three_points_is_insufficient():
    p = assess({2015: 1.0, 2024: 9.0, 2010: 0.5}, 10, 2030)  # 2010 is before the base year
    assert (p.status, p.symbol) == ("insufficient", "•")
    assert p.pace is None


def test_missing_years_are_skipped_not_zero():
    p = assess({2015: 2.0, 2016: None, 2018: float("nan"), 2019: 4.0, 2020: 5.0}, 10, 2030)
    assert p.points == 3
    assert p.pace == pytest.approx(0.6)


def test_lower_is_better_is_turned_around():
    p = assess({2015: 10.0, 2016: 9.0, 2020: 5.0}, target=2.0, target_year=2030, direction="lower")
    assert p.status == "on_track"
    assert p.pace == pytest.approx(-1.0)


def test_no_progress_means_no_years_to_target():
    assert assess({2015: 5.0, 2016: 4.0, 2020: 4.0}, 10, 2030).years_to_target is None


def test_progress_table_lists_every_district():
    df = pd.DataFrame({"adcode": ["330205"] * 3, "year": [2015, 2016, 2017], "indicator": "funding_per_capita",
                       "value": [5.0, 6.0, 7.0]})
    table = progress_table(df, "funding_per_capita", 10, 2030).set_index("adcode")
    assert len(table) == 10
    assert table.loc["330205", "status"] == "on_track"
    assert table.loc["330203", "status"] == "insufficient"
