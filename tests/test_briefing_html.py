"""The briefing deck (dashboard/briefing/slides.py) and its offline HTML file (dashboard/briefing/briefing_export.py),
without a browser: structure, one inlined plotly.js, no external URL, escaping, print stylesheet.
tests/browser/test_briefing_export.py opens the file in Chromium with the network blocked."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from dashboard import view_state
from dashboard.briefing import briefing_export, slides
from lcity_data.catalog import load_catalog
from lcity_data.citation import cite
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

ALL = list(load_registry().adcodes)
EVIL = "<img src=x onerror=alert(1)>"
URL = re.compile(r"https?://[^\s\"'<>\\]+")


class Tags(HTMLParser):
    """Every start tag with its attributes (script and style bodies are text, not tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html_text)
    return parser.tags


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_shipped()


@pytest.fixture(scope="module")
def html_zh(table) -> str:
    return briefing_export.build_briefing_html(table, 2024, ALL, "zh")


def test_deck_has_the_slides_the_url_can_address(table):
    deck = slides.build_deck(table, 2024, ALL, "en")
    assert tuple(s.key for s in deck) == slides.SLIDE_KEYS
    assert len(deck) == view_state.SLIDE_RANGE[1]  # slide=1..6 in the URL
    assert deck[0].figure is None
    assert [s.key for s in deck if s.map is not None] == ["status_map"]  # the map component, with its timeline
    assert all(s.figure is not None for s in deck[1:] if s.map is None)
    assert all(s.headline and s.sentence for s in deck)


def test_slide_charts_are_set_for_a_hall(table):
    for s in slides.build_deck(table, 2024, ALL, "zh")[1:]:
        if s.map is not None:  # drawn by map.js, in its projector size (tests/browser/test_briefing_export.py)
            continue
        layout = s.figure.layout
        assert layout.font.size >= 20, s.key
        assert layout.legend.font.size >= 20, s.key
        for axis in (*s.figure.select_xaxes(), *s.figure.select_yaxes()):
            assert axis.tickfont.size >= 20, s.key
    config = slides.chart_config(2024, 2, "status_map")
    assert config["toImageButtonOptions"]["filename"] == "ningbo-briefing-2024-2-status_map"
    assert config["toImageButtonOptions"]["format"] == "png"


def test_file_inlines_plotly_once_and_draws_every_chart(html_zh):
    assert html_zh.count(get_plotlyjs()) == 1
    assert html_zh.count("Plotly.newPlot(") == 4  # slides 3–6
    assert html_zh.count('class="lcm-mount"') == 1  # slide 2: the map component's data, drawn by map.js
    assert html_zh.count(briefing_export.map_script()) == 1
    assert len(re.findall(r'<section class="slide ', html_zh)) == 6
    # the six slides, then the full sources (not a slide: not projected, printed after the slides)
    assert [a.get("id") for t, a in tags(html_zh) if t == "section"] == [*(f"slide-{i}" for i in range(1, 7)),
                                                                         "sources-full"]
    assert '<html lang="zh-CN">' in html_zh


def test_file_names_no_external_resource(html_zh, table):
    found = tags(html_zh)
    # no tag loads or links anything: no <script src>, <link>, <iframe>, no href/src pointing anywhere but
    # within the file (the notes slide's link to its full sources)
    assert [t for t, _ in found if t in ("link", "iframe", "object", "embed", "base")] == []
    assert [(t, a) for t, a in found if a.get("src") or (a.get("href") or "#").strip()[:1] != "#"] == []
    # plotly.js itself mentions URLs (logo and attribution links, tile presets it is not asked to use);
    # everything else may name a URL only inside a plain-text citation, never as src/href/url()/@import
    ours = html_zh.replace(get_plotlyjs(), "").replace(briefing_export.map_script(), "")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?:|url\(\s*["']?\s*https?:|@import""", ours)
    citations = " ".join(cite(s, lang) for s in load_catalog().sources.values() for lang in ("zh", "en"))
    assert URL.findall(ours)  # the citations do carry their URLs, as text
    assert {u for u in URL.findall(ours) if u not in citations} == set()
    assert "fonts.googleapis" not in ours
    assert "cdn." not in ours


def test_print_stylesheet_is_a4_landscape_one_slide_a_page(html_zh):
    assert "@page { size: A4 landscape;" in html_zh
    assert "page-break-after: always" in html_zh
    assert "break-after: page" in html_zh
    assert html_zh.count('class="print-img"') == 4  # the plotly charts; the SVG map prints as it is


def test_keyboard_navigation_and_plotly_are_inlined(html_zh):
    assert '"PageDown"' in html_zh
    assert '"ArrowRight"' in html_zh
    assert '"Home"' in html_zh
    assert html_zh.count(get_plotlyjs()) == 1


def test_data_text_is_escaped(table):
    evil = table.copy()
    mask = (evil["indicator"] == "funding_community_edu") & (evil["year"] == 2024) & (evil["adcode"] == "330203")
    evil.loc[mask, "source"] = EVIL
    evil.loc[mask, "note"] = EVIL
    out = briefing_export.build_briefing_html(evil, 2024, ALL, "en")
    assert EVIL not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out  # in the citations of the data-notes slide
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in out  # in the map's data (JSON, shown as text)
    assert not any(t == "img" and a.get("src") == "x" for t, a in tags(out))


def test_english_file_and_a_subset_of_districts(table):
    out = briefing_export.build_briefing_html(table, 2023, ["330203", "330212"], "en")
    assert '<html lang="en">' in out
    assert "Ningbo learning-city briefing" in out
    assert "2023 · 2 districts" in out
    assert "宁波学习型城市建设简报" in out  # the Chinese title as the English title's kicker


def test_slides_cite_the_original_documents_and_the_full_sources_close_the_file(table, html_zh):
    """Handed out, a slide names the original document; the copies read and their addresses (decoded) are
    only in the closing full-sources section, which the notes slide links to."""
    deck = slides.build_deck(table, 2024, ALL, "zh")
    notes = deck[-1]
    assert notes.sources
    assert len(notes.full_sources) == len(notes.sources)
    assert not any(URL.search(s) for s in notes.sources)
    assert any(URL.search(s) for s in notes.full_sources)
    slides_part, _, closing = html_zh.partition('id="sources-full"')
    assert 'href="#sources-full"' in slides_part
    body = slides_part.split("<main>", 1)[1]
    assert not URL.search(body.replace(briefing_export.map_script(), ""))
    assert all(html.escape(s, quote=True) in closing for s in notes.full_sources)
    assert not re.search(r"%[0-9A-F]{2}", closing.split("</section>")[0])
