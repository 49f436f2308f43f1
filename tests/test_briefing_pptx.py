"""The PowerPoint briefing: opens with python-pptx, 16:9, one slide per briefing slide, native charts
whose numbers equal the app's (funding check, trend series, index scores, provenance counts), speaker
notes with the sentences and graded sources, the issuing unit and date in every footer; and the CLI."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Inches

from dashboard.briefing import briefing_pptx, slides
from dashboard.charts import tables
from dashboard.charts.export_footer import issuer
from dashboard.formatting import map_label
from lcity_data import briefing, cli
from lcity_data.aggregate import city_series
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_source
from lcity_data.composite import compute_index, default_config
from lcity_data.funding import funding_check
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

YEAR = 2022
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_shipped()


@pytest.fixture(scope="module")
def decks(table: pd.DataFrame) -> dict[str, tuple[tuple[slides.Slide, ...], Presentation]]:
    out = {}
    adcodes = load_registry().adcodes
    for lang in ("zh", "en"):
        deck = slides.build_deck(table, YEAR, adcodes, lang)
        data = briefing_pptx.render_pptx(deck, table, YEAR, adcodes, lang, today=TODAY)
        out[lang] = (deck, Presentation(io.BytesIO(data)))
    return out


def chart_of(slide):
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    return charts[0]


def series_of(chart) -> dict[str, tuple]:
    return {s.name: tuple(s.values) for s in chart.plots[0].series}


def texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_16_9_slide_per_briefing_slide_with_headline_sentence_and_footer(decks, lang):
    deck, prs = decks[lang]
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(prs.slides) == len(deck) == len(slides.SLIDE_KEYS)
    for number, (s, page) in enumerate(zip(deck, prs.slides, strict=True), start=1):
        body = texts(page)
        assert s.headline in body
        assert s.sentence in body
        assert issuer(lang) in body
        assert TODAY.isoformat() in body
        assert f"{number} / {len(deck)}" in body
        for shape in page.shapes:  # nothing hangs off the slide
            assert shape.left >= 0
            assert shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_native_charts_where_the_app_draws_charts_and_the_map_as_a_picture(decks, lang):
    _, prs = decks[lang]
    # python-pptx names a line chart after its first series' markers; what matters is that it is a line
    kinds = [[sh.chart.chart_type.name.replace("LINE_MARKERS", "LINE") for sh in page.shapes if sh.has_chart]
             for page in prs.slides]
    assert kinds == [[], ["BAR_CLUSTERED"], ["BAR_CLUSTERED"], ["LINE"], ["BAR_CLUSTERED"], ["COLUMN_CLUSTERED"]]
    pictures = [sh for sh in prs.slides[1].shapes if sh.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0].image.content_type == "image/png"
    names = {map_label(a, lang) for a in load_registry().adcodes}
    assert names <= set(texts(prs.slides[1]).splitlines())  # district names are editable text


def test_funding_numbers_equal_the_funding_check(decks, table):
    _, prs = decks["zh"]
    std = load_catalog().standard()
    now = funding_check(table, YEAR, std.id).set_index("district_zh")["per_capita"]
    before = funding_check(table, YEAR - 1, std.id).set_index("district_zh")["per_capita"]
    status = chart_of(prs.slides[1])
    cats = list(status.plots[0].categories)
    (values,) = series_of(status).values()
    assert {c: Decimal(str(v)) for c, v in zip(cats, values, strict=True)} == {c: now[c] for c in cats}
    assert len(cats) == 10
    crossed = chart_of(prs.slides[2])
    cats = list(crossed.plots[0].categories)
    got = series_of(crossed)
    assert [Decimal(str(v)) for v in got[str(YEAR)]] == [now[c] for c in cats]
    assert [Decimal(str(v)) for v in got[str(YEAR - 1)]] == [before[c] for c in cats]


def test_trend_numbers_equal_the_trend_series_and_the_sentence(decks, table):
    deck, prs = decks["zh"]
    chart = chart_of(prs.slides[3])
    start, end = slides.trend_window(table, YEAR)
    assert list(chart.plots[0].categories) == [str(y) for y in range(start, end + 1)]
    got = series_of(chart)
    city = city_series(table, briefing.TREND_INDICATOR, years=range(start, end + 1)).set_index("year")["value"]
    assert got["全市"] == tuple(None if pd.isna(city[y]) else round(float(city[y]), 2) for y in range(start, end + 1))
    rows = table[table["indicator"] == briefing.TREND_INDICATOR].set_index(["adcode", "year"])["value"]
    for adcode in load_registry().adcodes:
        name = load_registry().name(adcode, "zh")
        want = tuple(round(float(rows[(adcode, y)]), 2) if (adcode, y) in rows.index else None
                     for y in range(start, end + 1))
        assert got[name] == want
    lead = briefing.trend_lead(briefing.trend_findings(table, (start, end)))
    first = next(v for v in got["全市"] if v is not None)
    assert (Decimal(str(first)), Decimal(str(got["全市"][-1]))) == (lead.start, lead.end)
    assert f"{lead.start:.2f}" in deck[3].sentence


def test_ranking_numbers_equal_the_index_at_slide_precision(decks, table):
    _, prs = decks["en"]
    chart = chart_of(prs.slides[4])
    index = compute_index(table, default_config(), YEAR)
    want = {load_registry().name(a, "en"): float(briefing.index_score(v))
            for a, v in zip(index["adcode"], index["index"], strict=True) if pd.notna(v)}
    (values,) = series_of(chart).values()
    assert dict(zip(chart.plots[0].categories, values, strict=True)) == want
    assert list(values) == sorted(values)  # best at the top of a horizontal bar chart


def test_provenance_counts_equal_the_tables(decks, table):
    _, prs = decks["zh"]
    rows = slides.used_rows(table, YEAR, load_registry().adcodes)
    counts = tables.provenance_counts(rows, "zh")
    (values,) = series_of(chart_of(prs.slides[5])).values()
    assert list(values) == [float(c) for c in counts["count"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_speaker_notes_carry_the_sentence_and_graded_sources_without_paths(decks, lang):
    deck, prs = decks[lang]
    std_source = format_source(load_catalog().standard().source, lang)
    for s, page in zip(deck, prs.slides, strict=True):
        notes = page.notes_slide.notes_text_frame.text
        assert s.sentence in notes
        assert ".py" not in notes
        assert ".toml" not in notes
        if s.key != "ranking":
            assert std_source in notes
    grade = "〔A级〕" if lang == "zh" else "[grade A]"
    assert grade in prs.slides[5].notes_slide.notes_text_frame.text


def test_cli_writes_pptx_and_html(tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert cli.main(["briefing", "--year", str(YEAR), "--format", "pptx", "-o", str(out)]) == 0
    prs = Presentation(str(out))
    assert len(prs.slides) == len(slides.SLIDE_KEYS)
    html = tmp_path / "deck.html"
    assert cli.main(["briefing", "--year", str(YEAR), "--format", "html", "--lang", "en", "-o", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert issuer("en") in text
    assert str(html) in capsys.readouterr().out


def test_cli_year_without_data_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert cli.main(["briefing", "--year", "1999", "-o", str(out)]) == cli.EXIT_INPUT_ERROR
    err = capsys.readouterr().err
    assert "1999" in err
    assert "Traceback" not in err
    assert not out.exists()


def _word_boxes(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Per page of `pdf`: its size and every word's box, as poppler's `pdftotext -bbox` reads them."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', page[3])]
        pages.append((float(page[1]), float(page[2]), words))
    return pages


@pytest.fixture(scope="module")
def rendered(table, tmp_path_factory) -> dict[str, Path]:
    """The deck in zh and en as LibreOffice draws it (PDF), the way WPS or PowerPoint would open it."""
    assert shutil.which("soffice"), "LibreOffice is missing: `bash scripts/setup.sh test` installs it"
    assert shutil.which("pdftotext"), "poppler-utils is missing: `bash scripts/setup.sh test` installs it"
    out = tmp_path_factory.mktemp("rendered")
    pdfs = {}
    for lang in ("zh", "en"):
        deck = out / f"deck-{lang}.pptx"
        deck.write_bytes(briefing_pptx.build_briefing_pptx(table, YEAR, load_registry().adcodes, lang, today=TODAY))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(deck)],
                       check=True, capture_output=True, timeout=300)
        pdfs[lang] = out / f"deck-{lang}.pdf"
        assert pdfs[lang].stat().st_size > 10_000
    return pdfs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_draws_no_text_over_text_and_nothing_off_the_slide(rendered, lang):
    """Every word LibreOffice draws lies on the slide and clear of every other word (a 1 pt touch of
    neighbouring glyph boxes is allowed): no sentence over the footer, notes over sources, 3.83 over 3.84."""
    pages = _word_boxes(rendered[lang])
    assert len(pages) == len(slides.SLIDE_KEYS)
    clashes, outside = [], []
    for number, (width, height, words) in enumerate(pages, start=1):
        assert len(words) > 10
        outside += [(number, w) for w in words if w[0] < 0 or w[1] < 0 or w[2] > width or w[3] > height]
        for a, b in combinations(words, 2):
            if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 2:
                clashes.append((number, a[4], b[4]))
    assert not outside, outside
    assert not clashes, clashes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rendered_slides_name_every_district_and_mark_illustrative_data(rendered, lang):
    """Bar charts label every district (not every other one); slides 2–5 carry the illustrative mark;
    the crossed-the-line slide draws its 4 and 10 lines; no text under 12 pt."""
    pages = _word_boxes(rendered[lang])
    mark = "示例数据" if lang == "zh" else "Illustrative"
    for number, (_, _, words) in enumerate(pages, start=1):
        text = " ".join(w[4] for w in words)
        if 2 <= number <= 5:
            assert mark in text, number
        if number in (2, 3, 5):  # bar charts: every district named on its axis
            for adcode in load_registry().adcodes:
                name = load_registry().name(adcode, lang)
                assert name.split()[0] in text, (number, name)
        # 12 pt type makes a word box about 15.6 pt tall (ascent + descent); rotated words lie on their side
        level = [w for w in words if w[2] - w[0] >= w[3] - w[1] and len(w[4]) > 1]
        assert min(w[3] - w[1] for w in level) >= 15, number
    minimum = "最低标准" if lang == "zh" else "Minimum 4"
    target = "目标" if lang == "zh" else "Target 10"
    crossed = " ".join(w[4] for w in pages[2][2])
    assert minimum in crossed
    assert target in crossed
