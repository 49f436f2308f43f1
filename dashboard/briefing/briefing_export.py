"""The whole briefing as ONE self-contained HTML file, for halls with a projector and no internet.

Why a single file: a presenter copies it to a USB stick and opens it on whatever laptop the venue has,
with no server, no network and nothing to install. So everything is inlined: plotly.js once in the
head (the charts' own scripts then only call `Plotly.newPlot`), each chart's data as JSON, the styles
and a small script for keyboard navigation. Nothing is fetched: no CDN, no web font, and the map is
SVG paths (no tiles, no WebGL, no worker), so it draws from a file:// page too. Slides cite the original
documents (short citations); the closing "full sources" section after the slides gives each in full, with
the copy read and its address as plain text (decoded), like the deck's speaker notes.

The status map is the app's own map component (dashboard/map/map_component/map.js and map.css, inlined
as they are): the same SVG map with the same timeline, every year's colours in the file.

Printing: `@page { size: A4 landscape }` and one slide per page, then the full sources. A live plotly chart
keeps the pixel width of the screen it was drawn on, so once the page has loaded every plotly chart is also
rendered to a PNG (`Plotly.toImage`, in the browser) that only the print stylesheet shows; the SVG map scales
by itself. `<body data-print-ready="true">` says those pictures are done.

Pure: no Streamlit. All text from the slides is escaped here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import date
from functools import cache

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from dashboard.briefing import slides
from dashboard.charts.export_footer import footer_text
from dashboard.i18n import t
from dashboard.map.map_component import ASSETS, presenting
from lcity_data import __version__
from lcity_data.catalog import load_catalog
from lcity_data.citation import grade_note
from lcity_data.funding import funding_check

PRINT_IMAGE = {"width": 1600, "height": 640}  # px: the picture a printed chart becomes (A4 landscape width)
PRINT_IMAGE_SMALL = {"width": 1600, "height": 300}
SMALL_CHARTS = ("notes",)  # slides whose chart is a single strip, drawn smaller

STYLE = """
* { box-sizing: border-box; }
html { scroll-snap-type: y mandatory; }
body { margin: 0; color: #1a1a1a; background: #fff;
       font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif; }
.slide { height: 100vh; scroll-snap-align: start; display: flex; flex-direction: column;
         padding: 2.5vh 4vw 1.2vh; overflow: hidden; border-bottom: 1px solid #ddd; }
.kicker { font-size: 22px; color: #555; margin: 0 0 0.3em; }
.headline { font-size: clamp(40px, 3.4vw, 64px); line-height: 1.15; margin: 0 0 0.25em; font-weight: 700; }
/* a chart is as tall as it may be and gives way (to no less than MIN) when the slide's text needs the room */
.chart { height: 60vh; flex: 0 1 auto; min-height: 28vh; overflow: hidden; }
.chart-small { height: 24vh; min-height: 12vh; }
.live, .live > div { height: 100%; width: 100%; }
.map-chart { height: auto; flex: none; overflow: visible; }
.map-chart .lcm-svg { max-height: calc(100vh - 410px); }  /* the slide's text and the timeline take the rest */
.slide-status_map .sentence { font-size: clamp(22px, 1.8vw, 34px); }
.print-img { display: none; }
.sentence { font-size: clamp(26px, 2vw, 38px); line-height: 1.35; margin: 0.4em 0 0.2em; }
.notes { font-size: 18px; color: #555; margin: 0.3em 0; padding-left: 1.2em; }
.sources-title { font-size: 20px; margin: 0.6em 0 0.2em; }
.sources { font-size: 15px; color: #555; margin: 0; padding-left: 1.6em; columns: 2; column-gap: 3em;
           overflow-wrap: anywhere; }
.slide-title .kicker { margin-top: auto; font-size: 26px; }
.slide-title .headline { font-size: clamp(56px, 5.2vw, 96px); }
.slide-title .sentence { font-size: clamp(36px, 3vw, 56px); }
.slide-title .notes { font-size: 24px; color: #8A4A00; }
.nav-hint { font-size: 18px; color: #666; margin: 1.5em 0 0; }
/* the data-notes slide fits one screen: a lower chart, notes in two columns, short citations in three */
.slide-notes .chart-small { height: 15vh; min-height: 15vh; }
.slide-notes .sentence { font-size: clamp(20px, 1.7vw, 34px); margin: 0.2em 0; }
.slide-notes .notes { font-size: 15px; columns: 2; column-gap: 2.5em; line-height: 1.35; margin: 0; }
.slide-notes .sources-title { margin: 0.4em 0 0.1em; }
.slide-notes .sources { font-size: 14px; columns: 3; column-gap: 2em; line-height: 1.3; }
.slide-notes li { break-inside: avoid; }
.sources-hint { font-size: 14px; font-weight: 400; color: #555; margin-left: 1em; }
/* after the slides: every source in full, with the copy read and its address (not projected) */
.source-notes { min-height: 100vh; padding: 2.5vh 4vw; scroll-snap-align: start; }
.source-notes h2 { font-size: 32px; margin: 0 0 0.3em; }
.source-notes p { font-size: 16px; color: #555; margin: 0 0 0.6em; }
.source-notes ol { font-size: 16px; line-height: 1.45; margin: 0 0 0.8em; padding-left: 1.8em;
                   overflow-wrap: anywhere; }
footer { margin-top: auto; display: flex; justify-content: space-between; font-size: 16px; color: #777; }
footer .counter { flex: none; margin-left: 1em; white-space: nowrap; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  html { scroll-snap-type: none; }
  .slide { height: 186mm; padding: 0; border: 0; page-break-after: always; break-after: page; }
  main > :last-child { page-break-after: auto; break-after: auto; }
  .slide-notes .notes { font-size: 9pt; }
  .source-notes { min-height: 0; padding: 0; }
  .source-notes h2 { font-size: 18pt; }
  .source-notes p, .source-notes ol { font-size: 9pt; }
  .kicker { font-size: 12pt; }
  .headline { font-size: 28pt; }
  .slide-title .headline { font-size: 40pt; }
  .slide-title .sentence { font-size: 26pt; }
  .slide-title .notes { font-size: 14pt; }
  .sentence { font-size: 16pt; }
  .notes { font-size: 10pt; }
  .sources-title { font-size: 11pt; }
  .sources, .slide-notes .sources, .sources-hint { font-size: 8pt; }
  .slide-notes .chart-small { height: auto; }
  footer { font-size: 9pt; }
  .chart, .chart-small { height: auto; }
  .map-chart .lcm-svg { max-height: 112mm; }
  .chart.printable .live { display: none; }
  .chart.printable .print-img { display: block; width: 100%; height: auto; max-height: 112mm; object-fit: contain; }
  .nav-hint { display: none; }
}
"""

# The briefing page in Streamlit: the same classes as the file, scoped under .lc-brief, injected once.
PAGE_STYLE = """
.lc-brief .kicker { font-size: 22px; color: #555; margin: 0 0 4px; }
.lc-brief .headline { font-size: clamp(40px, 3.4vw, 60px); line-height: 1.15; font-weight: 700; margin: 0; padding: 0; }
.lc-brief .sentence { font-size: clamp(26px, 2vw, 36px); line-height: 1.35; margin: 4px 0 8px; }
.lc-brief .notes { font-size: 18px; color: #555; margin: 0; padding-left: 1.2em; }
.lc-brief .sources-title { font-size: 20px; margin: 8px 0 2px; }
.lc-brief .sources { font-size: 15px; color: #555; margin: 0; padding-left: 1.6em; columns: 2; column-gap: 3em;
                     overflow-wrap: anywhere; }
.lc-brief-title .kicker { margin-top: 10vh; font-size: 26px; }
.lc-brief-title .headline { font-size: clamp(56px, 5vw, 88px); }
.lc-brief-title .sentence { font-size: clamp(36px, 3vw, 52px); }
.lc-brief-title .notes { font-size: 24px; color: #8A4A00; }
.lc-brief-counter { font-size: 24px; text-align: center; margin: 0; color: #333; }
"""
# ...and when embedded (?embed=true, the presentation mode): no sidebar, little padding, so the slide
# gets the whole projector. Year, districts and language come from the link.
EMBED_STYLE = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 2.5rem 0.5rem; max-width: 100%; height: 100vh;
                                       box-sizing: border-box; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { height: 100%; gap: 0.5rem; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
  > .stElementContainer[class*="st-key-briefing_"] { flex: 1 1 0; min-height: 180px; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
  > .stElementContainer:has(> .stHtml style:only-child) { display: none; }
.lcm-timeline { display: none; }  /* projected: the map of the briefing's year, no controls */
.lc-brief .kicker { font-size: 20px; }
.lc-brief .headline { font-size: clamp(32px, 3.2vw, 52px); }
.lc-brief .sentence { font-size: clamp(22px, 2vw, 32px); margin: 0; }
/* nothing scrolls on a projector: notes and sources take the room they need and the chart takes the rest */
.lc-brief .notes { font-size: 15px; }
.lc-brief .sources { font-size: 13px; }
.lc-brief-notes .notes { columns: 2; column-gap: 2.5em; line-height: 1.35; }
.lc-brief-notes .sources { columns: 3; column-gap: 2em; line-height: 1.3; }
.lc-brief-notes li { break-inside: avoid; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
  > .stElementContainer.st-key-briefing_notes { min-height: 120px; }
.lc-brief-title .kicker { margin-top: 14vh; font-size: 30px; }
.lc-brief-title .headline { font-size: clamp(64px, 7vw, 110px); }
.lc-brief-title .sentence { font-size: clamp(40px, 4vw, 64px); }
.lc-brief-title .notes { font-size: 22px; }
"""

SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  function current() {
    var best = 0, dist = Infinity;
    slides.forEach(function (s, i) {
      var d = Math.abs(s.getBoundingClientRect().top);
      if (d < dist) { dist = d; best = i; }
    });
    return best;
  }
  function go(i) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    slides[i].scrollIntoView({block: "start"});
    try { history.replaceState(null, "", "#" + slides[i].id); } catch (e) { /* file:// in some browsers */ }
  }
  var NEXT = ["ArrowRight", "ArrowDown", "PageDown", " "], PREV = ["ArrowLeft", "ArrowUp", "PageUp"];
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target && e.target.closest && e.target.closest(".lcm-timeline")) return;  // the map's own keys
    if (NEXT.indexOf(e.key) >= 0) { e.preventDefault(); go(current() + 1); }
    else if (PREV.indexOf(e.key) >= 0) { e.preventDefault(); go(current() - 1); }
    else if (e.key === "Home") { e.preventDefault(); go(0); }
    else if (e.key === "End") { e.preventDefault(); go(slides.length - 1); }
  });
  // Pictures of the charts for printing (see the module docstring of dashboard/briefing/briefing_export.py).
  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart:not(.map-chart)"));
  Promise.all(charts.map(function (box) {
    var gd = box.querySelector(".plotly-graph-div");
    // drawn while the page was still loading: now that the slide's text is in, the chart takes its final size
    Plotly.Plots.resize(gd);
    var width = Number(box.getAttribute("data-print-width")), height = Number(box.getAttribute("data-print-height"));
    return Plotly.toImage(gd, {format: "png", width: width, height: height}).then(function (url) {
      box.querySelector(".print-img").src = url;
      box.classList.add("printable");
    }, function () { /* the live chart is printed instead */ });
  })).then(function () { document.body.setAttribute("data-print-ready", "true"); });
})();
"""


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


@cache
def _white_template() -> dict:
    """plotly's white template (the default one draws grey plot areas), as plain JSON."""
    return pio.templates["plotly_white"].to_plotly_json()


def _map(slide: slides.Slide, number: int, year: int, map_footer: dict | None = None) -> str:
    """The slide's map: the component's data as JSON in the page (`<`, `>`, `&` as JSON escapes), mounted
    by map.js; `map_footer` (presenting.footers) goes under its PNG/SVG pictures."""
    data = {"map": slide.map, "year": year, "projector": True, "pngName": f"ningbo-briefing-{number}-{slide.key}"}
    if map_footer is not None:
        data["footer"] = map_footer
    data = json.dumps(data, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):  # no markup, even inert
        data = data.replace(char, code)
    return (f'<div class="chart map-chart"><div class="lcm-mount">'
            f'<script type="application/json">{data}</script></div></div>')


def map_script() -> str:
    """map.js as an inline module that mounts every map of the file (no server, no fetch: file:// works)."""
    return (ASSETS / "map.js").read_text(encoding="utf-8") + "\nmountAll(document);\n"


def _chart(slide: slides.Slide, number: int, year: int) -> str:
    """The slide's chart: plotly div + script (no plotly.js: it is in the head once), and its print picture."""
    fig = slide.figure.to_dict()
    # The container sets the size (60 % of the screen) and the chart follows it, also on resize. The
    # figure was validated when built: skipping plotly's second validation saves most of the render time.
    layout = {k: v for k, v in fig["layout"].items() if k != "height"}
    layout |= {"autosize": True, "template": _white_template()}
    config = {**slides.chart_config(year, number, slide.key), "responsive": True}
    live = pio.to_html({"data": fig["data"], "layout": layout}, full_html=False, include_plotlyjs=False,
                       config=config, div_id=f"chart-{number}", default_height="100%", default_width="100%",
                       validate=False)
    small = slide.key in SMALL_CHARTS
    size = PRINT_IMAGE_SMALL if small else PRINT_IMAGE
    return (f'<div class="chart{" chart-small" if small else ""}" data-print-width="{size["width"]}" '
            f'data-print-height="{size["height"]}"><div class="live">{live}</div>'
            f'<img class="print-img" alt="{_text(slide.headline)}"></div>')


def heading_html(slide: slides.Slide, tag: str = "h2") -> str:
    """The slide's kicker and headline, escaped (shared with the briefing page)."""
    kicker = f'<p class="kicker">{_text(slide.kicker)}</p>' if slide.kicker else ""
    return f'{kicker}<{tag} class="headline">{_text(slide.headline)}</{tag}>'


def finding_html(slide: slides.Slide, lang: str, more: str = "") -> str:
    """The key sentence, the small print and any citations, escaped (shared with the briefing page); `more`:
    the link to the full citations, beside the sources heading (the offline file's closing section)."""
    parts = [f'<p class="sentence">{_text(slide.sentence)}</p>']
    if slide.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{_text(n)}</li>" for n in slide.notes) + "</ul>")
    if slide.sources:
        hint = (f' <a class="sources-hint" href="{_text(more)}">{_text(t("briefing.full_sources_hint", lang))}</a>'
                if more else "")
        parts.append(f'<p class="sources-title">{_text(t("briefing.sources", lang))}{hint}</p>')
        parts.append('<ol class="sources">' + "".join(f"<li>{_text(s)}</li>" for s in slide.sources) + "</ol>")
    return "".join(parts)


def counter_html(number: int, total: int, lang: str) -> str:
    """'3 / 6' for the briefing page, with the spoken form as its title."""
    return (f'<p class="lc-brief-counter" title="{_text(t("briefing.counter_label", lang, n=number, total=total))}">'
            f'{_text(t("briefing.counter", lang, n=number, total=total))}</p>')


def _slide(slide: slides.Slide, number: int, total: int, year: int, lang: str, footer: str,
           map_footer: dict | None = None) -> str:
    parts = [f'<section class="slide slide-{_text(slide.key)}" id="slide-{number}" '
             f'aria-label="{_text(t("briefing.counter_label", lang, n=number, total=total))}">',
             heading_html(slide, "h1" if number == 1 else "h2")]
    if slide.map is not None:
        parts.append(_map(slide, number, year, map_footer))
    elif slide.figure is not None:
        parts.append(_chart(slide, number, year))
    parts.append(finding_html(slide, lang, more="#sources-full" if slide.full_sources else ""))
    if number == 1:
        parts.append(f'<p class="nav-hint">{_text(t("briefing.export_nav", lang))}</p>')
    made_with = t("briefing.export_footer", lang, version=__version__)
    parts.append(f'<footer><span>{_text(footer)} · {_text(made_with)}</span>'
                 f'<span class="counter">{_text(t("briefing.counter", lang, n=number, total=total))}</span></footer>'
                 "</section>")
    return "\n".join(parts)


def full_sources_html(deck: Sequence[slides.Slide], lang: str) -> str:
    """The closing section: every source of the briefing in full (the original document, the copy the values
    were read from and its address, decoded), then what the grades mean. Not a slide: a presenter does not
    project it, a reader and the printout have it."""
    cited = list(dict.fromkeys(s for slide in deck for s in slide.full_sources))
    if not cited:
        return ""
    return (f'<section class="source-notes" id="sources-full"><h2>{_text(t("briefing.full_sources", lang))}</h2>'
            f'<p>{_text(t("briefing.full_sources_intro", lang))}</p>'
            '<ol>' + "".join(f"<li>{_text(s)}</li>" for s in cited) + "</ol>"
            f"<p>{_text(grade_note(lang))}</p></section>")


def render_html(deck: Sequence[slides.Slide], year: int, lang: str, today: date | None = None,
                release: str | None = None, map_footer: dict | None = None) -> str:
    """The HTML document for an already built deck; every slide's footer names the issuing unit, the date
    and the data release (the shipped sample unless `release` says otherwise); `map_footer`: the status
    map's picture footers (`map_footer_of`)."""
    footer = footer_text(lang, today or date.today(), release)
    body = "\n".join([*(_slide(s, i, len(deck), year, lang, footer, map_footer) for i, s in enumerate(deck, start=1)),
                      full_sources_html(deck, lang)])
    title = f"{t('briefing.title', lang)} {year}"
    map_css = (ASSETS / "map.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_text(t("briefing.html_lang", lang))}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{STYLE}{map_css}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f'<script type="module">{map_script()}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n'
    )


def build_briefing_html(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str,
                        geojson: dict | None = None, release: str | None = None) -> str:
    """The offline briefing for `year` and the districts `adcodes`, in `lang`: all slides in one file."""
    deck = slides.build_deck(df, year, adcodes, lang, geojson)
    return render_html(deck, year, lang, release=release, map_footer=map_footer_of(df, deck, adcodes, lang, release))


def map_footer_of(df: pd.DataFrame, deck: Sequence[slides.Slide], adcodes: Sequence[str], lang: str,
                  release: str | None = None, today: date | None = None) -> dict | None:
    """The status map's picture footers, every year of its timeline (the same lines as in the app)."""
    shown = next((s.map for s in deck if s.map is not None), None)
    if shown is None:
        return None
    std = load_catalog().standard()
    checks = pd.concat([funding_check(df, y, std.id) for y in shown["years"]], ignore_index=True)
    sources = presenting.status_sources(checks, std.source, adcodes, std.name(lang), std.unit_label(lang))
    return presenting.footers(sources, tuple(shown["years"]), lang, "briefing-status-map", release or "",
                              today or date.today())
