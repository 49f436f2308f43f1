"""Issue 21's layout items that AppTest can see: the Overview with no district selected says so instead
of "0 / 0" beside a city figure; the year sliders say which years they skip (2011); the Trends subtitle
names the slider's range and the years the indicator has data for."""

from __future__ import annotations

import pytest
from app_harness import make_app


@pytest.mark.parametrize(("lang", "said"), [("zh", "还没有选择区（县、市）"), ("en", "No district is selected")])
def test_overview_without_districts_asks_for_one(lang, said):
    at = make_app("overview", lang=lang)
    at.sidebar.multiselect[0].set_value([]).run()
    assert any(said in i.value for i in at.main.info)
    assert [m.value for m in at.metric] == []  # no "0 / 0", no city figure
    assert [c.key for c in at.get("bidi_component") if c.key != "phone_sidebar"] == []  # no map of nothing


@pytest.mark.parametrize(("page", "lang", "said"), [("overview", "zh", "没有2011年的数据"),
                                                    ("trends", "en", "No data for 2011")])
def test_year_sliders_say_which_years_they_skip(page, lang, said):
    at = make_app(page, lang=lang)
    assert any(said in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]


def test_trends_subtitle_names_the_chosen_range_and_the_data_span():
    at = make_app("trends", lang="en", indicator="funding_per_capita", years="2010..2024")
    subtitle = at.main.caption[0].value
    assert "2010–2024 chosen" in subtitle
    assert "has data for 2012–2024" in subtitle
