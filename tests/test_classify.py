"""Map classes (lcity_data/classify.py): policy classes from the catalog, mapclassify breaks."""

from __future__ import annotations

import math

import pytest

from lcity_data.catalog import load_catalog
from lcity_data.classify import NO_DATA, class_breaks, policy_classes, standard_for_indicator


def test_funding_per_capita_uses_the_ningbo_standard():
    std = standard_for_indicator("funding_per_capita")
    assert std is not None
    assert std.id == "ningbo_household"
    assert standard_for_indicator("participation_rate") is None
    assert standard_for_indicator("funding_community_edu") is None


def test_policy_classes_use_catalog_thresholds_at_reporting_precision():
    std = load_catalog().standard("ningbo_household")
    values = [3.99, 4.0, 9.99, 10.0, 10.004, None, math.nan, 0.0]
    result = policy_classes(values, std)
    assert result.keys() == ["below_minimum", "meets_minimum", "meets_minimum", "meets_target", "meets_target",
                             None, None, "below_minimum"]
    assert [b.key for b in result.bins] == ["below_minimum", "meets_minimum", "meets_target"]
    assert (result.bins[1].lower, result.bins[1].upper) == (float(std.minimum), float(std.target))


def test_policy_classes_follow_the_catalog_not_literals(monkeypatch):
    std = load_catalog().standard("ningbo_household")
    from dataclasses import replace
    from decimal import Decimal

    other = replace(std, minimum=Decimal("5"), target=Decimal("12"))
    assert policy_classes([4.5, 11.0, 12.0], other).keys() == ["below_minimum", "meets_minimum", "meets_target"]


def test_policy_classes_without_target_have_two_classes():
    std = load_catalog().standard("national_resident")
    result = policy_classes([1.0, 2.0, 50.0], std)
    assert result.keys() == ["below_minimum", "meets_minimum", "meets_minimum"]
    assert len(result.bins) == 2


def test_what_if_thresholds_override_the_standard():
    std = load_catalog().standard("ningbo_household")
    assert policy_classes([5.0], std, minimum=6, target=8).keys() == ["below_minimum"]


@pytest.mark.parametrize("method", ["quantiles", "natural_breaks", "equal_interval"])
def test_breaks_cover_every_value_and_keep_missing_out(method):
    values = [1.0, 2.0, 3.0, None, 5.0, 8.0, 13.0, 21.0, math.nan, 34.0, 55.0]
    result = class_breaks(values, method, k=4)
    assert result.k == 4
    assert result.ids[3] == NO_DATA
    assert result.ids[8] == NO_DATA
    for v, i in zip(values, result.ids, strict=True):
        if v is None or math.isnan(v):
            continue
        b = result.bins[i]
        assert b.lower <= v <= b.upper
    assert result.bins[0].lower == 1.0
    assert result.bins[-1].upper == 55.0
    uppers = [b.upper for b in result.bins]
    assert uppers == sorted(uppers)


def test_natural_breaks_are_deterministic_and_separate_clusters():
    values = [1, 1.1, 1.2, 10, 10.5, 11, 50, 51, 52, 53]
    a = class_breaks(values, "natural_breaks", 3)
    b = class_breaks(values, "natural_breaks", 3)
    assert a == b
    assert a.ids == (0, 0, 0, 1, 1, 1, 2, 2, 2, 2)


def test_k_is_clamped_to_distinct_values_and_range():
    assert class_breaks([1, 1, 2, 2], "quantiles", 5).k == 2
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "quantiles", 12).k == 7
    single = class_breaks([3, 3, None], "quantiles", 5)
    assert single.k == 1
    assert single.ids == (0, 0, NO_DATA)
    assert class_breaks([None, None], "quantiles", 5).ids == (NO_DATA, NO_DATA)


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="unknown classification method"):
        class_breaks([1, 2, 3], "jenks2")
