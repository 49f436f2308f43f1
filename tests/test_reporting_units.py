"""Reporting units are catalog data: every reported indicator has exactly one unit type that sends it."""

from lcity_data.catalog import DISTRICT_UNIT, load_catalog, reporting_office, reporting_units
from lcity_data.registry import load_registry


def test_the_ten_districts_report_their_own_row():
    units = reporting_units()
    districts = [u for u in units.values() if u.kind == "district"]
    assert [u.code for u in districts] == list(load_registry().adcodes)
    for unit in districts:
        assert unit.rows == (unit.code,)
        assert "funding_community_edu" in unit.indicators
        assert "population_household" in unit.indicators


def test_departments_report_their_indicators_for_every_district():
    units = reporting_units()
    for code in ("civil_affairs", "culture", "human_resources", "trade_union"):
        assert units[code].kind == "department"
        assert units[code].rows == tuple(load_registry().adcodes)
    assert units["civil_affairs"].name_zh.startswith("市民政局")


def test_every_indicator_is_reported_by_exactly_one_unit_type_and_derived_ones_by_none():
    units = reporting_units()
    for ind in load_catalog().indicators.values():
        if ind.derived:
            assert ind.reported_by is None
            continue
        assert ind.reported_by == DISTRICT_UNIT or units[ind.reported_by].kind == "department"
        senders = {u.kind if u.kind == "district" else u.code for u in units.values() if ind.id in u.indicators}
        assert len(senders) == 1


def test_the_office_is_named_for_templates():
    office = reporting_office()
    assert office["name_zh"]
    assert office["name_en"]
    assert office["contact_zh"]
