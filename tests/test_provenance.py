"""How statuses combine: a computed value is as strong as its weakest input, and mixed sources are flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from lcity_data import provenance
from lcity_data.catalog import STATUSES
from lcity_data.loading import MIXED_NOTE, mixed_sources, with_derived
from lcity_data.validation import validate_table


def test_reported_is_a_status_everywhere() -> None:
    assert STATUSES == ("official", "derived", "reported", "illustrative")
    row = {"adcode": "330203", "year": 2023, "indicator": "learning_points", "value": 3.0, "unit": "count",
           "status": "reported", "source": "区县上报", "note": ""}
    assert validate_table(pd.DataFrame([row]))["status"].tolist() == ["reported"]


@pytest.mark.parametrize(("inputs", "status", "mixed"), [
    (["official", "official"], "derived", False),
    (["official", "derived"], "derived", False),
    (["official", "reported"], "reported", False),
    (["reported", "reported"], "reported", False),
    (["official", "illustrative"], "illustrative", True),
    (["reported", "illustrative"], "illustrative", True),
    (["illustrative", "illustrative"], "illustrative", False),
])
def test_derived_status_is_the_weakest_inputs(inputs: list[str], status: str, mixed: bool) -> None:
    assert provenance.derived_status(inputs) == status
    assert provenance.mixed(inputs) is mixed


def test_weakest_ignores_blanks() -> None:
    assert provenance.weakest(["official", None, ""]) == "official"
    assert provenance.weakest([]) is None
    assert provenance.derived_status([None]) is None


def _row(adcode: str, indicator: str, value: float, unit: str, status: str) -> dict:
    return {"adcode": adcode, "year": 2023, "indicator": indicator, "value": value, "unit": unit, "status": status,
            "source": status, "note": ""}


def test_per_capita_status_and_mixed_flag() -> None:
    df = pd.DataFrame([
        _row("330203", "funding_community_edu", 5_120_000.0, "yuan", "reported"),
        _row("330203", "population_household", 626_300.0, "person", "official"),
        _row("330205", "funding_community_edu", 3_000_000.0, "yuan", "illustrative"),
        _row("330205", "population_household", 281_500.0, "person", "official"),
    ])
    out = with_derived(df).set_index(["adcode", "indicator"])
    assert out.loc[("330203", "funding_per_capita"), "status"] == "reported"
    assert out.loc[("330205", "funding_per_capita"), "status"] == "illustrative"
    assert out.loc[("330205", "funding_per_capita"), "note"].endswith(MIXED_NOTE)
    assert MIXED_NOTE not in out.loc[("330203", "funding_per_capita"), "note"]
    assert mixed_sources(df) == {("330205", 2023, "funding_per_capita")}


def test_map_and_tables_flag_mixed_sources() -> None:
    from dashboard.charts import tables
    from dashboard.map import maps
    from lcity_data.funding import funding_check

    df = with_derived(pd.DataFrame([
        _row("330203", "funding_community_edu", 5_120_000.0, "yuan", "reported"),
        _row("330203", "population_household", 626_300.0, "person", "official"),
        _row("330205", "funding_community_edu", 3_000_000.0, "yuan", "illustrative"),
        _row("330205", "population_household", 281_500.0, "person", "official"),
    ]))
    frame = maps.map_frame(df, "funding_per_capita", 2023, "zh").set_index("adcode")
    assert frame.loc["330203", "status_text"] == "上报"
    assert frame.loc["330205", "status_text"] == "示例（混合来源）"
    assert bool(frame.loc["330205", "mixed"])
    check = funding_check(df, 2023)
    hover = maps.check_frame(check, "en", ["330203", "330205"]).set_index("adcode")
    assert hover.loc["330203", "status_text"] == "reported"
    assert hover.loc["330205", "status_text"] == "illustrative (mixed sources)"
    detail = tables.funding_detail(check, "en").set_index("District")["Data status"]
    assert detail["Haishu District"] == "reported"
    assert detail["Jiangbei District"] == "illustrative (mixed sources)"


def test_a_ratio_has_a_status_only_when_both_inputs_have_one() -> None:
    assert provenance.ratio_provenance("official", "illustrative") == ("illustrative", True)
    assert provenance.ratio_provenance("official", "reported") == ("reported", False)
    assert provenance.ratio_provenance("official", None) == (None, False)
    assert provenance.ratio_provenance(float("nan"), "official") == (None, False)


def test_status_questions() -> None:
    assert provenance.is_illustrative("illustrative")
    assert not any(provenance.is_illustrative(s) for s in ("official", "derived", "reported", None, float("nan")))
    assert provenance.is_official("official")
    assert not provenance.is_official("derived")
    assert provenance.any_illustrative(pd.Series(["official", "illustrative"]))
    assert not provenance.any_illustrative(pd.Series(["official", None]))
    assert provenance.all_illustrative(["illustrative", "illustrative"])
    assert provenance.all_illustrative([])
    assert not provenance.all_illustrative(["illustrative", "reported"])


def test_every_status_has_a_colour_and_an_icon_in_the_catalog() -> None:
    from lcity_data.catalog import MISSING, load_catalog

    marks = load_catalog().status_marks()
    assert list(marks) == [*STATUSES, MISSING]
    assert all(m.color.startswith("#") and m.icon for m in marks.values())
    assert len({m.icon for m in marks.values()}) == len(marks)  # readable without colour
