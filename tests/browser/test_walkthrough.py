"""Issue 15 in a real browser: what a new user hit (language round trip, truncated cards, slides that
overflow a projector). Screenshots go to artifacts/screenshots/walkthrough-*.png: look at them."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from driver import exceptions, open_page, rerun, screenshot, sidebar, switch_language

pytestmark = pytest.mark.browser


def _district_param(page) -> str | None:
    values = parse_qs(urlsplit(page.url).query, keep_blank_values=True).get("district")
    return values[-1] if values else None


def _chips(page) -> list[str]:
    widget = sidebar(page).locator('[data-testid="stMultiSelect"]').first
    return widget.locator("[data-tag]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")


def test_language_round_trip_keeps_the_districts(page, app_server):
    """Switch to English, act, switch back, act: the selection stays, relabelled, and the URL never
    says `district=` (empty)."""
    open_page(page, app_server, "overview", "district=330203~330212")
    assert _chips(page) == ["海曙区", "鄞州区"]
    seen = []
    for label, chips in (("English", ["Haishu District", "Yinzhou District"]), ("中文", ["海曙区", "鄞州区"])):
        switch_language(page, label)
        seen.append(_district_param(page))
        assert _chips(page) == chips
        # the next action (any rerun) must not read the old labels as an empty selection
        slider = sidebar(page).locator('input[type="range"]').first
        rerun(page, lambda s=slider: (s.focus(), s.press("ArrowLeft")))
        seen.append(_district_param(page))
        assert _chips(page) == chips
    screenshot(page, "walkthrough-language-round-trip")
    assert seen == ["330203~330212"] * 4, seen


SLIDE_FIT_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const sentence = document.querySelector('.lc-brief .sentence');
  const buttons = Array.from(document.querySelectorAll('[data-testid="stButton"]'));
  const bottom = (el) => el ? el.getBoundingClientRect().bottom : 0;
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const boxes = (sel, root) => Array.from((root || document).querySelectorAll(sel))
    .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
  const collisions = (items) => {
    const out = [];
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        if (hit(items[i][1], items[j][1])) out.push([items[i][0], items[j][0]]);
    return out;
  };
  // text hidden in a scroller or clipped by its list: a projector has no scroll bar
  const hidden = Array.from(document.querySelectorAll('.lc-brief .notes, .lc-brief .sources'))
    .filter(e => e.scrollHeight > e.clientHeight + 1).map(e => e.className);
  // the brief's own lines (each bullet, the sources title, each source) never drawn over one another
  const text = collisions(boxes('.lc-brief .kicker, .lc-brief .headline, .lc-brief .sentence, .lc-brief li, '
                                + '.lc-brief .sources-title'));
  // a plotly chart's axis titles against its legend; the map's district names against each other
  const chart = [];
  document.querySelectorAll('.js-plotly-plot').forEach(g => {
    const legend = g.querySelector('.legend');
    if (!legend) return;
    const l = legend.getBoundingClientRect();
    g.querySelectorAll('.xtitle, .ytitle').forEach(ti => {
      if (hit(ti.getBoundingClientRect(), l)) chart.push(ti.textContent);
    });
  });
  const labels = collisions(boxes('.lcm-labels text'));
  return {overflow: main.scrollHeight - main.clientHeight, viewport: window.innerHeight,
          sentence: bottom(sentence), buttons: Math.max(0, ...buttons.map(bottom)),
          hidden: hidden, text: text, chart: chart, labels: labels};
}
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["1280x720", "1024x768"])
def test_every_briefing_slide_fits_the_projector_in_embed_mode(page, app_server, size, lang):
    """Presenting (?embed=true): each slide — headline, chart, key sentence, every note and source,
    buttons — on one screen, in both languages, with no text drawn over other text (the map's district
    names, a chart's axis title and legend, the notes and the sources heading)."""
    from driver import wait_for_charts

    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    misfits = {}
    for number in range(1, 7):
        open_page(page, app_server, "/briefing", f"slide={number}&embed=true&lang={lang}")
        wait_for_charts(page)
        page.wait_for_timeout(300)
        assert exceptions(page) == []
        fit = page.evaluate(SLIDE_FIT_JS)
        if (fit["overflow"] > 1 or max(fit["sentence"], fit["buttons"]) > height
                or any(fit[k] for k in ("hidden", "text", "chart", "labels"))):
            misfits[number] = fit
        screenshot(page, f"walkthrough-slide{number}-{lang}-{width}x{height}")
    assert not misfits, json.dumps(misfits, ensure_ascii=False)


TRUNCATED_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stMetric"] *'))
  .filter(el => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.textContent.trim())
"""
CARDS_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(m => m.innerText.replace(/\\s+/g, ' '))
"""


@pytest.mark.parametrize(("width", "lang"), [(1400, "en"), (1400, "zh"), (1024, "zh"), (1024, "en")])
def test_kpi_cards_keep_their_units(page, app_server, width, lang):
    """No card cuts its label, value or change short (the unit was lost to an ellipsis)."""
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, app_server, "overview", f"lang={lang}")
    cards = page.evaluate(CARDS_JS)
    assert len(cards) == 4
    unit = "yuan per person" if lang == "en" else "元/人"
    assert unit in cards[2], cards
    assert exceptions(page) == []
    assert page.evaluate(TRUNCATED_JS) == []
    screenshot(page, f"walkthrough-kpi-{lang}-{width}")


HIDDEN_YEARS_JS = """
() => {
  const table = document.querySelector('.lc-matrix');
  if (!table) return null;
  const box = table.parentElement.getBoundingClientRect();
  const heads = Array.from(table.querySelectorAll('thead th')).slice(1);
  return {years: heads.map(h => h.textContent.trim()),
          hidden: heads.filter(h => h.getBoundingClientRect().right > box.right + 1).map(h => h.textContent.trim()),
          scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth + 1};
}
"""


def test_funding_history_shows_every_year_at_1024(page, app_server):
    page.set_viewport_size({"width": 1024, "height": 900})
    open_page(page, app_server, "funding")
    assert exceptions(page) == []
    found = page.evaluate(HIDDEN_YEARS_JS)
    assert found is not None, "the funding history is not the full-width table"
    assert found["years"][0] == "2012"
    assert found["years"][-1] == "2024"
    assert found["hidden"] == []
    assert not found["scrolls"]
    page.locator(".lc-matrix").scroll_into_view_if_needed()
    screenshot(page, "walkthrough-funding-matrix-1024")


OVERLAPS_JS = """
() => {
  const boxes = (sel) => Array.from(document.querySelectorAll(sel)).map(e => [e, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const labels = boxes('[data-testid="stPlotlyChart"] .angularaxistick text');
  const radar = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (hit(labels[i][1], labels[j][1])) radar.push([labels[i][0].textContent, labels[j][0].textContent]);
  const control = document.querySelector('[data-testid="stButtonGroup"]');
  const clipped = control ? Array.from(control.querySelectorAll('button')).filter(b => {
    const r = b.getBoundingClientRect(), c = control.getBoundingClientRect();
    return r.right > c.right + 1 || r.left < c.left - 1 || b.scrollWidth > b.clientWidth + 1; })
    .map(b => b.innerText) : ['missing'];
  return {labels: labels.length, radar: radar, clipped: clipped};
}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_controls_and_radar_labels_do_not_overlap_at_1024(page, app_server, lang):
    from driver import wait_for_charts

    page.set_viewport_size({"width": 1024, "height": 900})
    open_page(page, app_server, "index", f"lang={lang}")
    wait_for_charts(page)
    found = page.evaluate(OVERLAPS_JS)
    screenshot(page, f"walkthrough-index-{lang}-1024")
    assert exceptions(page) == []
    key = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="①").inner_text()
    assert "②" in key
    assert found["labels"] >= 40
    assert found["radar"] == []
    assert found["clipped"] == []


def test_change_table_download_is_at_reporting_precision(page, app_server):
    """What a person downloads from the Data page reads like the screen: 1.68, 83.2 %, units, sources."""
    import csv
    import io

    open_page(page, app_server, "data", "indicator=funding_per_capita&district=330203~330212")
    button = page.locator('.st-key-dl_change_csv button')
    with page.expect_download() as download:
        button.click()
    with open(download.value.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    assert {"变化率 (%)", "来源"} <= set(rows[0]), list(rows[0])
    numbers = [v for r in rows for k, v in r.items() if "(" in k and v]
    assert numbers
    assert all(len(v.split(".")[1]) <= 2 for v in numbers if "." in v), numbers


def test_map_engine_switch_is_not_clipped(page, app_server):
    page.set_viewport_size({"width": 1024, "height": 800})
    open_page(page, app_server, "map", "lang=en")
    found = page.evaluate(OVERLAPS_JS)
    assert found["clipped"] == []
