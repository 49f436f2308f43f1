"""Issue 15 (what a new user hit), through app.py with AppTest: each test failed before its fix."""

from __future__ import annotations

import itertools

from app_harness import make_app
from streamlit.testing.v1 import AppTest

from lcity_data.registry import load_registry

ALL = list(load_registry().adcodes)


def test_language_switch_relabels_the_selected_districts():
    """The browser keeps a multiselect's chips as the labels it was last sent: after a language switch
    the app must send the selection again in the new labels, or the next rerun reads it as empty."""
    reg = load_registry()
    at = make_app(district="330203~330212")
    for lang in ("en", "zh"):
        at.radio(key="_w_lang").set_value(lang).run()
        widget = at.multiselect(key="_w_districts")
        assert widget.value == ["330203", "330212"]
        assert widget.proto.set_value, "the chips were not relabelled"
        assert list(widget.proto.raw_values) == [reg.name("330203", lang), reg.name("330212", lang)]
        assert at.query_params["district"] == "330203~330212"


def test_tied_leaders_share_rank_one_in_the_sentence_chart_and_table():
    """2024: 北仑区 75.51 and 象山县 75.53 both read 75.5 — '并列第一' and both plotted at rank 1."""
    from dashboard.briefing import slides
    from lcity_data.loading import load_shipped

    deck = slides.build_deck(load_shipped(), 2024, ALL, "zh")
    ranking = deck[4]
    assert "并列第一" in ranking.sentence
    dots = next(tr for tr in ranking.figure.data if tr.type == "scatter" and tr.mode == "markers")
    rank_of = dict(zip(dots.y, dots.x, strict=True))
    assert rank_of["北仑区"] == rank_of["象山县"] == 1
    at = make_app("index", year="2024")
    table = at.dataframe[0].value
    ranks = dict(zip(table.iloc[:, 1], table.iloc[:, 0], strict=True))
    assert ranks["北仑区"] == ranks["象山县"] == "1"
    assert sorted(ranks.values(), key=int)[:3] == ["1", "1", "3"]


def test_map_ranks_tie_at_the_precision_shown():
    import pandas as pd

    from dashboard.map import maps

    table = pd.DataFrame({"adcode": ["330203", "330205", "330206"], "year": 2022,
                          "indicator": "funding_per_capita", "value": [7.551, 7.549, 3.0],
                          "unit": "yuan_per_person", "status": "official", "source": "s", "note": ""})
    frame = maps.map_frame(table, "funding_per_capita", 2022, "zh").set_index("adcode")
    assert list(frame.loc[["330203", "330205", "330206"], "rank"]) == [1, 1, 3]


def _trend_lines(at: AppTest) -> list[dict]:
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [tr for tr in spec["data"] if tr.get("mode") == "lines+markers"]


def test_trends_start_at_the_first_year_with_data_for_the_indicator():
    at = make_app("trends")
    lines = _trend_lines(at)
    assert min(lines[0]["x"]) == 2012  # funding has no value before 2012: no empty 2010–2011
    assert all(y is not None for tr in lines for y in tr["y"][:1])


def test_indexed_mode_defaults_to_the_first_year_with_data_and_explains_above_the_chart():
    at = make_app("trends")
    at.segmented_control(key="_w_mode").set_value("indexed").run()
    assert at.selectbox(key="_w_base").value == 2012
    lines = _trend_lines(at)
    assert any(y is not None for tr in lines for y in tr["y"]), "indexed chart is empty"
    explained = [c.value for c in at.caption if "2012" in c.value and "100" in c.value]
    assert explained, [c.value for c in at.caption]


def test_staffing_standard_has_its_own_source_units_and_no_target_legend():
    import json

    at = make_app("funding", standard="teachers_per_10k")
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header])
    assert "4 yuan" not in text  # the funding quote is not this standard's source
    assert "人均值" not in text
    assert "2 每万人" not in text
    assert "最低标准 2 名/万人" in text
    columns = [c for d in at.dataframe for c in d.value.columns]
    assert "人均值" not in columns
    assert "每万常住人口专职教师 (名/万人)" in columns
    for chart in at.get("plotly_chart"):
        names = json.dumps([tr.get("name") for tr in json.loads(chart.proto.spec)["data"]], ensure_ascii=False)
        assert "达到目标" not in names, names
    assert "达到目标" not in " ".join(c.value for c in at.caption)


def _decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if text.endswith(".0") else len(text.split(".")[1]) if "." in text else 99


def test_downloads_are_at_reporting_precision_with_units_and_sources():
    import io

    import pandas as pd

    from dashboard.charts import tables
    from lcity_data.export import to_csv_bytes
    from lcity_data.loading import load_shipped

    table = load_shipped()
    change = tables.change_table(table, "funding_per_capita", ["330203", "330212"], 2015, 2024, "zh")
    assert list(change.columns) == ["区（县、市）", "行政区划代码", "2015 (元/人)", "2024 (元/人)", "变化量 (元/人)",
                                    "变化率 (%)", "数据性质", "来源"]
    yinzhou = change.set_index("行政区划代码").loc["330212"]
    assert repr(float(yinzhou["变化量 (元/人)"])) == "1.68"
    assert repr(float(yinzhou["变化率 (%)"])) == "83.2"
    assert yinzhou["来源"]
    csv = to_csv_bytes(change).decode("utf-8-sig")
    assert "1.6800000000000002" not in csv
    assert "83.16831683168317" not in csv
    rows = tables.filter_table(table, None, ALL, (2010, 2024))
    long = tables.long_table(rows, "zh")
    back = pd.read_csv(io.BytesIO(to_csv_bytes(long)), dtype={"行政区划代码": str})
    assert max(_decimals(v) for v in back["数值"].dropna()) <= 2
    wide = tables.wide_table(rows, "zh", list(range(2010, 2025)))
    mixed = wide[wide["来源"].str.contains("\\|", regex=True)]
    assert mixed.empty, mixed["来源"].iloc[0]
    fenghua = wide[(wide["行政区划代码"] == "330213") & (wide["指标"] == "户籍人口")]["来源"].iloc[0]
    assert "577.html （C级副本）（2016年）；" in fenghua, fenghua  # each source, graded, with the years it covers


def test_ranking_table_writes_missing_values_as_words_not_none():
    """Streamlit draws a missing cell as 'None' whatever a Styler says: the table carries the words."""
    at = make_app("index", year="2010")
    table = at.dataframe[0].value
    assert not table.isna().any().any(), table.head(2)
    assert set(table["综合指数"]) == {"数据不足"}
    assert set(table["排名"]) == {"—"}
    at = make_app("index", year="2024")
    table = at.dataframe[0].value
    assert list(table["排名"][:3]) == ["1", "1", "3"]
    assert table["综合指数"].iloc[0] == "75.5"


def test_what_if_thresholds_live_in_the_url_and_chips_say_what_changed():
    at = make_app("funding")
    assert all(m.delta not in ("0", 0) for m in at.metric), [m.delta for m in at.metric]
    at.number_input(key="_w_whatif_min_ningbo_household").set_value(6.5).run()
    assert at.query_params["wmin"] == "6.5"
    shared = make_app("funding", wmin="6.5", wtarget="12")
    assert shared.number_input(key="_w_whatif_min_ningbo_household").value == 6.5
    assert shared.number_input(key="_w_whatif_target_ningbo_household").value == 12.0
    assert shared.query_params["wtarget"] == "12"
    bad = make_app(wmin="-3")
    assert any("wmin" in c.value for c in bad.caption)
    bad.switch_page("pages/funding.py").run()
    assert bad.number_input(key="_w_whatif_min_ningbo_household").value == 4.0


def test_threshold_parameters_parse_strictly():
    from dashboard import view_state

    assert view_state.parse_threshold("6.50") == "6.5"
    assert view_state.parse_threshold(" 12 ") == "12"
    assert view_state.parse_threshold("0") == "0"
    for bad in ("-1", "abc", "NaN", "Infinity", "1e12", "", "1" * 20):
        assert view_state.parse_threshold(bad) is None, bad


def test_overview_cards_name_the_districts_below_the_minimum():
    from lcity_data.funding import funding_check
    from lcity_data.loading import load_shipped

    check = funding_check(load_shipped(), 2022, "ningbo_household")
    below = [load_registry().name(a, "zh") for a in check.loc[check["status"] == "below_minimum", "adcode"]]
    assert below, "the shipped 2022 data has districts below the minimum"
    at = make_app(year="2022")
    text = " ".join(c.value for c in [*at.caption, *at.markdown])
    assert all(name in text for name in below), text


def _lab_distance(c1: tuple, c2: tuple) -> float:
    """CIE76 colour difference of two sRGB colours (0–255)."""
    import math

    def lab(rgb: tuple) -> tuple[float, float, float]:
        lin = [((u / 255 + 0.055) / 1.055) ** 2.4 if u / 255 > 0.04045 else u / 255 / 12.92 for u in rgb]
        x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
        y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
        z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
        f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
        return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])

    return math.dist(lab(c1), lab(c2))


def test_trend_lines_are_distinguishable_and_labelled_at_their_end():
    """Ten districts: ten clearly different colours, a label at each line's end (right margin), the
    reference-line labels there too (not over the first points), the legend below the plot."""
    import json

    from plotly.colors import hex_to_rgb, unlabel_rgb

    at = make_app("trends")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [tr for tr in spec["data"] if tr.get("mode") == "lines+markers" and tr["name"] != "全市"]
    colours = [hex_to_rgb(c) if c.startswith("#") else unlabel_rgb(c) for c in (tr["line"]["color"] for tr in lines)]
    assert len(set(map(tuple, colours))) == 10
    closest = min(_lab_distance(c1, c2) for i, c1 in enumerate(colours) for c2 in colours[i + 1:])
    assert closest >= 25, closest  # no two lines in near-identical colours (CIE76 ΔE)
    notes = spec["layout"]["annotations"]
    end = {n["text"]: n for n in notes if n.get("xref") == "paper" and n.get("x") == 1}
    assert {tr["name"] for tr in lines} <= set(end), sorted(end)
    assert any(text.startswith("最低标准") for text in end)  # reference labels in the margin too
    assert all(n.get("xref") == "paper" for n in notes)  # nothing written over the plot
    ys = sorted(n["y"] for n in end.values())
    assert min(b - a for a, b in itertools.pairwise(ys)) > 0  # labels do not sit on each other
    legend = spec["layout"]["legend"]
    assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")  # under the plot
    assert not any(tr.get("showlegend", True) for tr in lines)  # named at their ends, not in a long legend


def test_funding_history_is_a_full_width_table_with_every_year():
    at = make_app("funding")
    html = next(h.proto.body for h in at.get("html") if "lc-matrix" in h.proto.body)
    assert all(f">{y}<" in html for y in range(2012, 2025))
    assert "海曙区" in html


def test_matrix_html_escapes_its_text():
    import pandas as pd

    from dashboard.charts import tables

    labels = pd.DataFrame([["<b>x</b>"]], index=["<script>"], columns=["2024"])
    keys = pd.DataFrame([["below_minimum"]], index=["<script>"], columns=["2024"])
    html = tables.matrix_html(labels, keys, {"below_minimum": "#D55E00"}, corner="区")
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "background-color: #D55E00" in html


def test_leaflet_scale_is_metric_only_and_tooltips_stay_inside_the_map():
    from dashboard.map import leaflet_view, maps
    from lcity_data.geometry import boundaries_geojson
    from lcity_data.loading import load_shipped

    frame = maps.map_frame(load_shipped(), "funding_per_capita", 2022, "zh")
    frame, classes, _ = maps.apply_classes(frame, "funding_per_capita", "quantiles", 3, "zh")
    html = leaflet_view.folium_map(frame, frame["class_key"], classes, boundaries_geojson(simplified=True),
                                   lang="zh", legend_title="t").get_root().render()
    assert "L.control.scale()" not in html  # Leaflet's default shows miles as well
    assert "L.control.scale({\"imperial\": false, \"metric\": true})" in html
    assert ".leaflet-tooltip{white-space:normal;width:max-content;max-width:48vw" in html.replace(" ", "")


def test_chinese_ui_sets_the_widget_texts_streamlit_lets_us_set():
    """Placeholders of every selectbox and multiselect, and the uploader's label and help, in Chinese."""
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    at = make_app()
    for page in ("overview", "map", "trends", "funding", "data", "import_data", "index", "briefing"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for widget in [*at.selectbox, *at.multiselect]:
            assert cjk.search(widget.proto.placeholder or ""), (page, widget.label, widget.proto.placeholder)
        if page == "import_data":
            uploader = at.get("file_uploader")[0]
            assert cjk.search(uploader.proto.label)
            assert cjk.search(uploader.proto.help)
