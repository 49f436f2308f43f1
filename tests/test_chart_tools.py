"""The presenting row under each chart: meta (title, unit, years, graded sources), the picture footer,
escaping of text that may come from uploads, the SVG wrapper for pictures drawn elsewhere, the locally
served plotly.js, and the row on the pages (AppTest)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from app_harness import make_app

from dashboard.charts import chart_tools
from dashboard.charts.export_footer import issuer
from lcity_data.citation import format_source
from lcity_data.loading import load_shipped

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 30)
EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "q"'


def meta(lang="zh", **kw):
    df = load_shipped()
    rows = df[(df["indicator"] == "population_resident") & (df["year"] == 2010)]
    return chart_tools.chart_meta("常住人口", lang, key="trend_chart", unit="人", years=[2010, 2012, 2011],
                                  source_values=rows["source"], **kw)


def test_meta_lists_every_graded_source_and_a_short_line():
    m = meta()
    assert m.years == "2010–2012"
    assert format_source("census7_beilun", "zh") in m.sources
    assert "〔A级〕" in m.source_line
    assert m.filename == "ningbo-trend-chart-2010-2012"
    assert "sample_data" not in " ".join(m.sources)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footer_has_title_unit_year_sources_release_issuer_and_date(lang):
    lines = chart_tools.footer_lines(meta(lang), lang, TODAY)
    assert lines[0].startswith("常住人口")
    assert "2010–2012" in lines[0]
    assert "人" in lines[0]
    assert meta(lang).source_line in lines[1]
    assert issuer(lang) in lines[2]
    assert "2026-11-30" in lines[2]
    assert "0.1.0" in lines[2] or "release" in lines[2].lower()


def test_plotly_config_names_the_png_and_sizes_it_for_a_slide():
    cfg = chart_tools.plotly_config(meta())
    assert cfg["toImageButtonOptions"] == {"format": "png", "filename": "ningbo-trend-chart-2010-2012",
                                           "width": 1600, "height": 900, "scale": 1}
    assert cfg["displaylogo"] is False


def test_toolbar_carries_upload_text_only_as_escaped_json():
    m = chart_tools.chart_meta(EVIL, "zh", key="k", source_values=[EVIL])
    doc = chart_tools.toolbar_html(m, "k", "zh", today=TODAY)
    payload = doc.split('<script type="application/json" id="meta">', 1)[1].split("</script>", 1)[0]
    assert "<" not in payload  # nothing in the data can open or close a tag
    data = json.loads(payload)
    assert data["keyClass"] == "st-key-k"
    assert data["plotly"] == "/app/static/vendor/plotly/plotly.min.js"
    assert data["title"] == EVIL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")  # plotly renders annotation and title text as HTML-ish markup: escaped for it
    assert doc.count("<script") == 2
    html = chart_tools.sources_html(m, "zh")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_picture_from_elsewhere_gets_title_and_footer_in_a_valid_svg():
    inner = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    m = chart_tools.chart_meta(EVIL, "en", key="map", source_values=["census7_ningbo"])
    svg = chart_tools.with_footer_svg(inner, m, "en", TODAY)
    root = ElementTree.fromstring(svg)  # well-formed, so the upload text was escaped
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == EVIL
    assert any("2026-11-30" in x for x in texts)
    assert root.get("width") == "1600"
    assert re.search(r'href="data:image/svg\+xml;base64,', svg)


def test_plotly_js_is_served_from_the_app(tmp_path):
    chart_tools.ensure_plotly_js.cache_clear()
    target = chart_tools.ensure_plotly_js(tmp_path)
    assert target.read_bytes()[:200] == (
        chart_tools.Path(str(chart_tools.resources.files("plotly"))) / "package_data" / "plotly.min.js"
    ).read_bytes()[:200]
    chart_tools.ensure_plotly_js.cache_clear()


@pytest.mark.parametrize(("page", "charts", "maps"), [("trends", 1, 0), ("funding", 1, 1), ("index", 2, 0),
                                                      ("overview", 1, 1), ("map", 0, 1)])
def test_pages_show_the_presenting_row_with_sources(page, charts, maps):
    at = make_app(page, deep_link=True)
    assert not at.exception
    toolbars = [el for el in at.get("iframe") if "st-key-" in el.proto.srcdoc]
    # a map draws its own PNG/SVG (with the footer): its row holds the link and the sources only
    assert len([el for el in toolbars if 'id="png"' in el.proto.srcdoc]) == charts
    assert len([el for el in toolbars if 'id="png"' not in el.proto.srcdoc and 'id="link"' in el.proto.srcdoc]) == maps
    labels = [p.proto.popover.label for p in at.get("popover")]
    assert len([x for x in labels if re.fullmatch(r"来源（\d+）", x)]) == charts + maps
