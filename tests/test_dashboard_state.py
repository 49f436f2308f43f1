"""URL <-> view-state parsing and serialising (dashboard/state.py): pure, no Streamlit."""

from __future__ import annotations

import pytest

from dashboard import state as vs

ADCODES = ("330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282")
OPTIONS = vs.Options(
    adcodes=ADCODES,
    indicators=("population_household", "funding_per_capita", "participation_rate"),
    years=(2010, *range(2012, 2025)),
    standards=("ningbo_household", "national_resident", "teachers_per_10k"),
)


def test_defaults_are_chinese_latest_year_all_districts():
    d = vs.defaults(OPTIONS)
    assert d.lang == "zh"
    assert d.indicator == "funding_per_capita"
    assert d.year == 2024
    assert d.years == (2010, 2024)
    assert d.districts == ADCODES
    assert d.standard == "ningbo_household"


def test_parse_the_documented_example():
    params = {"lang": "en", "indicator": "funding_per_capita", "year": "2022", "district": "330203~330212",
              "years": "2015..2020", "v": "1"}
    state, notices = vs.parse_params(params, OPTIONS)
    assert notices == []
    assert (state.lang, state.indicator, state.year) == ("en", "funding_per_capita", 2022)
    assert state.districts == ("330203", "330212")
    assert state.years == (2015, 2020)


@pytest.mark.parametrize("page_params", [
    ("indicator", "year", "district", "classes", "k", "view"),
    ("indicator", "years", "district", "mode", "base"),
    ("year", "district", "standard"),
    ("indicator", "years", "district", "layout"),
])
def test_round_trip(page_params):
    state = vs.defaults(OPTIONS).with_(lang="en", indicator="participation_rate", year=2016, years=(2013, 2019),
                                       districts=("330212", "330282"), standard="national_resident",
                                       classes="natural_breaks", k=4, view="leaflet", mode="indexed", base=2014,
                                       layout="wide")
    params = vs.to_params(state, page_params)
    assert params["v"] == vs.SCHEMA_VERSION
    assert params["lang"] == "en"
    parsed, notices = vs.parse_params(params, OPTIONS)
    assert notices == []
    for param in page_params:
        name = vs.PARAM_FIELDS[param]
        assert getattr(parsed, name) == getattr(state, name), param


def test_districts_are_joined_with_tilde_in_registry_order():
    state = vs.defaults(OPTIONS).with_(districts=("330203", "330282"))
    assert vs.to_params(state, ("district",))["district"] == "330203~330282"
    parsed, _ = vs.parse_params({"district": "330282~330203~330203"}, OPTIONS)
    assert parsed.districts == ("330203", "330282")


def test_empty_district_means_none_selected():
    parsed, notices = vs.parse_params({"district": ""}, OPTIONS)
    assert parsed.districts == ()
    assert notices == []


@pytest.mark.parametrize(("param", "raw", "field", "expected"), [
    ("year", "abc", "year", 2024),
    ("year", "2011", "year", 2024),  # stale: no data that year
    ("year", "99999999999", "year", 2024),
    ("indicator", "nope", "indicator", "funding_per_capita"),
    ("lang", "fr", "lang", "zh"),
    ("district", "999999", "districts", ADCODES),
    ("years", "abc..2020", "years", (2010, 2024)),
    ("years", "1990..2000", "years", (2010, 2024)),
    ("standard", "<script>", "standard", "ningbo_household"),
    ("classes", "random", "classes", "quantiles"),
    ("k", "12", "k", 5),
    ("view", "mapbox", "view", "plotly"),
    ("mode", "log", "mode", "absolute"),
    ("layout", "tall", "layout", "long"),
])
def test_bad_parameters_fall_back_to_default_with_a_notice(param, raw, field, expected):
    base = vs.defaults(OPTIONS).with_(year=2016, lang="en", indicator="participation_rate")
    parsed, notices = vs.parse_params({param: raw}, OPTIONS, base=base)
    assert getattr(parsed, field) == expected
    assert [n.param for n in notices] == [param]
    assert notices[0].reason == "invalid"


def test_partly_valid_districts_keep_the_valid_ones():
    parsed, notices = vs.parse_params({"district": "330203~999999"}, OPTIONS)
    assert parsed.districts == ("330203",)
    assert notices == [vs.Notice("district", "999999", "partly_invalid")]


def test_year_range_is_clipped_and_ordered():
    parsed, _ = vs.parse_params({"years": "2030..2013"}, OPTIONS)
    assert parsed.years == (2013, 2024)
    parsed, _ = vs.parse_params({"years": "2011"}, OPTIONS)
    assert parsed.years == (2010, 2024)  # 2011 has no data: invalid, default
    parsed, _ = vs.parse_params({"years": "2020"}, OPTIONS)
    assert parsed.years == (2020, 2020)


def test_unknown_version_is_noted_but_read():
    parsed, notices = vs.parse_params({"v": "7", "year": "2020"}, OPTIONS)
    assert parsed.year == 2020
    assert [n.reason for n in notices] == ["unknown_version"]


def test_notice_values_are_shortened_and_backtick_free():
    _, notices = vs.parse_params({"indicator": "`" + "x" * 200}, OPTIONS)
    assert len(notices[0].value) <= vs.MAX_NOTICE_VALUE
    assert "`" not in notices[0].value


def test_repeated_keys_use_the_last_value():
    parsed, _ = vs.parse_params({"year": ["2015", "2016"]}, OPTIONS)
    assert parsed.year == 2016


def test_unknown_parameters_are_ignored():
    parsed, notices = vs.parse_params({"utm_source": "x", "embed": "true"}, OPTIONS)
    assert parsed == vs.defaults(OPTIONS)
    assert notices == []


def test_only_changed_parameters_are_applied():
    written = {"v": "1", "lang": "zh", "year": "2020"}
    # the URL still holds what the app wrote: nothing to apply (a widget change must win)
    assert vs.changed_params(written, written) == []
    # Streamlit cleared the query string on page change: nothing to apply
    assert vs.changed_params({}, written) == []
    # a link or edited address changed the year
    assert vs.changed_params({"v": "1", "lang": "zh", "year": "2016"}, written) == ["year"]
    base = vs.defaults(OPTIONS).with_(year=2020, lang="en")
    parsed, _ = vs.parse_params({"year": "2016", "lang": "zh"}, OPTIONS, base=base, only=["year"])
    assert (parsed.year, parsed.lang) == (2016, "en")


def test_clamp_brings_stale_state_back_inside_options():
    narrow = vs.Options(adcodes=ADCODES[:3], indicators=OPTIONS.indicators, years=(2020, 2021),
                        standards=OPTIONS.standards)
    stale = vs.defaults(OPTIONS).with_(year=2015, years=(2012, 2024), districts=ADCODES[:5], base=2012)
    fixed = vs.clamp(stale, narrow)
    assert fixed.year == 2021
    assert fixed.years == (2020, 2021)
    assert fixed.districts == ADCODES[:3]
    assert fixed.base is None


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("years", (2012, 2020), True),
    ("years", 2012, False),
    ("years", (2020, 2012), False),
    ("year", 2012, True),
    ("year", 2011, False),
    ("districts", ("330203",), True),
    ("districts", ("999999",), False),
    ("lang", "fr", False),
    ("k", 3, True),
    ("k", 9, False),
])
def test_valid_value_vets_widget_callbacks(field, value, ok):
    assert vs.valid_value(field, value, OPTIONS) is ok
