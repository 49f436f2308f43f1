"""URL <-> view-state parsing and serialising (dashboard/view_state.py): pure, no Streamlit."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard import view_state

ADCODES = ("330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282")
OPTIONS = view_state.Options(
    adcodes=ADCODES,
    indicators=("population_household", "funding_per_capita", "participation_rate"),
    years=(2010, *range(2012, 2025)),
    standards=("ningbo_household", "national_resident", "teachers_per_10k"),
)


def test_defaults_are_chinese_latest_year_all_districts():
    d = view_state.defaults(OPTIONS)
    assert d.lang == "zh"
    assert d.indicator == "funding_per_capita"
    assert d.year == 2024
    assert d.years == (2010, 2024)
    assert d.districts == ADCODES
    assert d.standard == "ningbo_household"


def test_parse_the_documented_example():
    params = {"lang": "en", "indicator": "funding_per_capita", "year": "2022", "district": "330203~330212",
              "years": "2015..2020", "v": "1"}
    state, notices = view_state.parse_params(params, OPTIONS)
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
    state = view_state.defaults(OPTIONS).with_(lang="en", indicator="participation_rate", year=2016, years=(2013, 2019),
                                       districts=("330212", "330282"), standard="national_resident",
                                       classes="natural_breaks", k=4, view="leaflet", mode="indexed", base=2014,
                                       layout="wide")
    params = view_state.to_params(state, page_params)
    assert params["v"] == view_state.SCHEMA_VERSION
    assert params["lang"] == "en"
    parsed, notices = view_state.parse_params(params, OPTIONS)
    assert notices == []
    for param in page_params:
        name = view_state.PARAM_FIELDS[param]
        assert getattr(parsed, name) == getattr(state, name), param


def test_districts_are_joined_with_tilde_in_registry_order():
    state = view_state.defaults(OPTIONS).with_(districts=("330203", "330282"))
    assert view_state.to_params(state, ("district",))["district"] == "330203~330282"
    parsed, _ = view_state.parse_params({"district": "330282~330203~330203"}, OPTIONS)
    assert parsed.districts == ("330203", "330282")


def test_empty_district_means_none_selected():
    parsed, notices = view_state.parse_params({"district": ""}, OPTIONS)
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
    base = view_state.defaults(OPTIONS).with_(year=2016, lang="en", indicator="participation_rate")
    parsed, notices = view_state.parse_params({param: raw}, OPTIONS, base=base)
    assert getattr(parsed, field) == expected
    assert [n.param for n in notices] == [param]
    assert notices[0].reason == "invalid"


def test_partly_valid_districts_keep_the_valid_ones():
    parsed, notices = view_state.parse_params({"district": "330203~999999"}, OPTIONS)
    assert parsed.districts == ("330203",)
    assert notices == [view_state.Notice("district", "999999", "partly_invalid")]


def test_year_range_is_clipped_and_ordered():
    parsed, _ = view_state.parse_params({"years": "2030..2013"}, OPTIONS)
    assert parsed.years == (2013, 2024)
    parsed, _ = view_state.parse_params({"years": "2011"}, OPTIONS)
    assert parsed.years == (2010, 2024)  # 2011 has no data: invalid, default
    parsed, _ = view_state.parse_params({"years": "2020"}, OPTIONS)
    assert parsed.years == (2020, 2020)


def test_unknown_version_is_noted_but_read():
    parsed, notices = view_state.parse_params({"v": "7", "year": "2020"}, OPTIONS)
    assert parsed.year == 2020
    assert [n.reason for n in notices] == ["unknown_version"]


def test_notice_values_are_shortened_and_backtick_free():
    _, notices = view_state.parse_params({"indicator": "`" + "x" * 200}, OPTIONS)
    assert len(notices[0].value) <= view_state.MAX_NOTICE_VALUE
    assert "`" not in notices[0].value


def test_repeated_keys_use_the_last_value():
    parsed, _ = view_state.parse_params({"year": ["2015", "2016"]}, OPTIONS)
    assert parsed.year == 2016


def test_unknown_parameters_are_ignored():
    parsed, notices = view_state.parse_params({"utm_source": "x", "embed": "true"}, OPTIONS)
    assert parsed == view_state.defaults(OPTIONS)
    assert notices == []


def test_only_changed_parameters_are_applied():
    written = {"v": "1", "lang": "zh", "year": "2020"}
    # the URL still holds what the app wrote: nothing to apply (a widget change must win)
    assert view_state.changed_params(written, written) == []
    # Streamlit cleared the query string on page change: nothing to apply
    assert view_state.changed_params({}, written) == []
    # a link or edited address changed the year
    assert view_state.changed_params({"v": "1", "lang": "zh", "year": "2016"}, written) == ["year"]
    base = view_state.defaults(OPTIONS).with_(year=2020, lang="en")
    parsed, _ = view_state.parse_params({"year": "2016", "lang": "zh"}, OPTIONS, base=base, only=["year"])
    assert (parsed.year, parsed.lang) == (2016, "en")


def test_clamp_brings_stale_state_back_inside_options():
    narrow = view_state.Options(adcodes=ADCODES[:3], indicators=OPTIONS.indicators, years=(2020, 2021),
                        standards=OPTIONS.standards)
    stale = view_state.defaults(OPTIONS).with_(year=2015, years=(2012, 2024), districts=ADCODES[:5], base=2012)
    fixed = view_state.clamp(stale, narrow)
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
    assert view_state.valid_value(field, value, OPTIONS) is ok


# ------------------------------------------------------------------------------------ briefing slide

@pytest.mark.parametrize(("raw", "slide", "reason"), [
    ("3", 3, None),
    (" 6 ", 6, None),
    ("9", view_state.SLIDE_RANGE[1], "clamped"),
    ("0", view_state.SLIDE_RANGE[0], "clamped"),
    ("-2", view_state.SLIDE_RANGE[0], "clamped"),
    ("abc", 1, "invalid"),
    ("2.5", 1, "invalid"),
    ("", 1, "invalid"),
])
def test_slide_parameter_clamps_or_falls_back_with_a_notice(raw, slide, reason):
    state, notices = view_state.parse_params({"slide": raw}, OPTIONS)
    assert state.slide == slide
    assert [n.reason for n in notices] == ([reason] if reason else [])
    if reason:
        assert notices[0].param == "slide"


def test_slide_round_trips_and_is_written_only_by_pages_that_own_it():
    state = view_state.defaults(OPTIONS).with_(slide=4)
    assert view_state.to_params(state, ("year", "district", "slide"))["slide"] == "4"
    assert "slide" not in view_state.to_params(state, ("year", "district"))
    parsed, notices = view_state.parse_params(view_state.to_params(state, ("slide",)), OPTIONS)
    assert (parsed.slide, notices) == (4, [])
    assert view_state.defaults(OPTIONS).slide == 1


def test_slide_is_clamped_and_vetted():
    assert view_state.clamp(view_state.defaults(OPTIONS).with_(slide=99), OPTIONS).slide == view_state.SLIDE_RANGE[1]
    assert view_state.valid_value("slide", 2, OPTIONS)
    assert not view_state.valid_value("slide", 7, OPTIONS)
    assert not view_state.valid_value("slide", "2", OPTIONS)


# ------------------------------------------------------------------------- composite index weights

DIMS = ("government", "learners", "society", "vitality")
INPUTS = ("funding_per_capita", "teachers_per_10k", "participation_rate")
INDEX_OPTIONS = view_state.Options(adcodes=ADCODES, indicators=OPTIONS.indicators, years=OPTIONS.years,
                           standards=OPTIONS.standards, dimensions=DIMS, index_indicators=INPUTS,
                           default_normalisation="minmax")
INDEX_PARAMS = ("year", "district", "norm", "w", "wi")


def test_weights_round_trip_in_catalog_order():
    state = view_state.defaults(INDEX_OPTIONS).with_(
        normalisation="target", weights=(("learners", 0), ("vitality", 70)),
        indicator_weights=(("funding_per_capita", 80),))
    params = view_state.to_params(state, INDEX_PARAMS)
    assert params["w"] == "learners:0,vitality:70"
    assert params["wi"] == "funding_per_capita:80"
    assert params["norm"] == "target"
    parsed, notices = view_state.parse_params(params, INDEX_OPTIONS)
    assert notices == []
    assert (parsed.weights, parsed.indicator_weights, parsed.normalisation) == (
        state.weights, state.indicator_weights, "target")
    # written in any order, read back in catalog order
    parsed, _ = view_state.parse_params({"w": "vitality:70, learners:0"}, INDEX_OPTIONS)
    assert parsed.weights == (("learners", 0), ("vitality", 70))


def test_default_weights_keep_the_link_short():
    state = view_state.defaults(INDEX_OPTIONS)
    assert (state.weights, state.indicator_weights, state.normalisation) == ((), (), "minmax")
    params = view_state.to_params(state, INDEX_PARAMS)
    assert "w" not in params
    assert "wi" not in params
    parsed, notices = view_state.parse_params({"w": "", "wi": ""}, INDEX_OPTIONS)
    assert (parsed.weights, parsed.indicator_weights, notices) == ((), (), [])


def test_default_normalisation_comes_from_the_options():
    options = view_state.Options(adcodes=ADCODES, indicators=OPTIONS.indicators, years=OPTIONS.years,
                         standards=OPTIONS.standards, default_normalisation="zscore")
    assert view_state.defaults(options).normalisation == "zscore"


@pytest.mark.parametrize(("param", "raw"), [
    ("w", "government:abc"),
    ("w", "government=40"),
    ("w", "government:101"),
    ("w", "government:-5"),
    ("w", "government:2.5"),
    ("w", "nowhere:40"),
    ("w", "government:40,government:50"),
    ("w", "government:40,"),
    ("w", "funding_per_capita:40"),    # an input is not a dimension
    ("wi", "government:40"),
    ("wi", "funding_per_capita:" + "9" * 20),
    ("wi", ",".join(f"funding_per_capita:{i}" for i in range(500))),
    ("norm", "rank"),
])
def test_bad_weights_fall_back_to_the_defaults_with_a_notice(param, raw):
    base = view_state.defaults(INDEX_OPTIONS).with_(
        weights=(("society", 10),), indicator_weights=(("teachers_per_10k", 5),),
        normalisation="zscore")
    parsed, notices = view_state.parse_params({param: raw}, INDEX_OPTIONS, base=base)
    name = view_state.PARAM_FIELDS[param]
    assert getattr(parsed, name) == getattr(view_state.defaults(INDEX_OPTIONS), name)
    assert [(n.param, n.reason) for n in notices] == [(param, "invalid")]
    assert len(notices[0].value) <= view_state.MAX_NOTICE_VALUE


def test_weights_for_keys_the_catalog_no_longer_has_are_dropped():
    stale = view_state.defaults(INDEX_OPTIONS).with_(weights=(("government", 10), ("retired", 50)))
    assert view_state.clamp(stale, INDEX_OPTIONS).weights == (("government", 10),)


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("weights", (("government", 40),), True),
    ("weights", (), True),
    ("weights", (("government", 101),), False),
    ("weights", (("government", 40), ("government", 20)), False),
    ("weights", (("funding_per_capita", 40),), False),
    ("weights", (("government", "40"),), False),
    ("weights", "government:40", False),
    ("indicator_weights", (("participation_rate", 0),), True),
    ("normalisation", "zscore", True),
    ("normalisation", "rank", False),
])
def test_valid_value_vets_weight_widgets(field, value, ok):
    assert view_state.valid_value(field, value, INDEX_OPTIONS) is ok


# ------------------------------------------------------------------------------ release= (the data release pinned)

RELEASE_OPTIONS = replace(OPTIONS, releases=(1, 2, 3))


def test_release_pins_an_existing_release_and_is_always_written():
    state, notices = view_state.parse_params({"release": "2"}, RELEASE_OPTIONS)
    assert (state.release, notices) == (2, [])
    assert view_state.to_params(state, ("year",))["release"] == "2"  # kept on every page
    assert "release" not in view_state.to_params(state.with_(release=view_state.LATEST), ("year",))


def test_release_latest_unpins():
    pinned = view_state.defaults(RELEASE_OPTIONS).with_(release=2)
    state, notices = view_state.parse_params({"release": "latest"}, RELEASE_OPTIONS, base=pinned, only=["release"])
    assert (state.release, notices) == (view_state.LATEST, [])


@pytest.mark.parametrize("raw", ["4", "0", "-1", "two", "", "2.0", "9" * 20])
def test_invalid_release_falls_back_to_latest_with_a_notice(raw):
    state, notices = view_state.parse_params({"release": raw}, RELEASE_OPTIONS)
    assert state.release == view_state.LATEST
    assert [(n.param, n.reason) for n in notices] == [("release", "invalid")]


def test_a_pin_beyond_the_releases_is_clamped_to_latest():
    assert view_state.clamp(view_state.defaults(OPTIONS).with_(release=3), OPTIONS).release == view_state.LATEST
    assert view_state.valid_value("release", 3, RELEASE_OPTIONS)
    assert not view_state.valid_value("release", 4, RELEASE_OPTIONS)
