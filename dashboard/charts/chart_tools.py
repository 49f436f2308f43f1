"""Every chart ready to present: "download image" (PNG and SVG) with a footer, "copy link", "Sources".

Why: presenters paste charts into their own slides, and a picture without its title, unit, year,
source and data release is a number nobody can check. So `show_chart` draws the chart as before
(`st.plotly_chart`, selections and all) and adds one row under it:
- PNG / SVG buttons: in the browser, the live chart (exactly as zoomed and themed on screen) is
  copied and exported by plotly.js, then set under a title and above a footer (title, unit, year, the
  original documents cited, data release, issuing unit and date), wrapped to the picture's width: the
  chart gets the height the footer leaves, so the footer never covers it or its legend. Only in the
  picture, not on screen.
  plotly.js is served by the app itself (/app/static/vendor/plotly/, copied from the installed plotly
  package), loaded on the first click: nothing comes from a CDN.
- Copy link: the page's URL, which already holds the whole view (year, districts, indicator...).
- Sources: a popover listing every source behind the chart, graded (lcity_data.citation).
`show_image` offers the same row for a picture made elsewhere: SVG and PNG downloads of that picture
with the same footer, the link and the sources. `show_link_and_sources` is the row without pictures,
for the map component, which draws its own PNG/SVG (with `footer_lines` sent to it).

`chart_meta` and `footer_lines` are pure; only the `show_*` functions call Streamlit.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data_access
from dashboard.assets import STATIC_DIR
from dashboard.briefing import text_fit
from dashboard.charts import figures
from dashboard.charts.export_footer import footer_text, release_text, store_release_text
from dashboard.i18n import t
from lcity_data.citation import format_sources, grade_note, source_line

PLOTLY_DIR = STATIC_DIR / "vendor" / "plotly"
PLOTLY_URL = "/app/static/vendor/plotly/plotly.min.js"
EXPORT_SIZE = {"width": 1600, "height": 900}  # px: a 16:9 slide picture
TOOLBAR_HEIGHT = 42  # px: one row of buttons (they never wrap; on a phone the row scrolls sideways)


@dataclass(frozen=True)
class ChartMeta:
    """What a chart shows, for its picture footer and its Sources panel (all plain text)."""

    title: str
    unit: str = ""
    years: str = ""
    sources: tuple[str, ...] = ()  # full citations, for the panel
    source_line: str = ""  # a few words, for the footer
    release: str = ""  # the data release shown; "" = the app's current data (see `_tools_row`)
    filename: str = "chart"
    size: dict[str, int] = field(default_factory=lambda: dict(EXPORT_SIZE))


def _years_text(years: Iterable[int]) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}–{ys[-1]}"


def _filename(text: str) -> str:
    """A file name from a chart key: ASCII letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "chart"


def chart_meta(title: str, lang: str, *, key: str, unit: str = "", years: Iterable[int] = (),
               source_values: Iterable[object] = (), extra_sources: Sequence[str] = (),
               release: str | None = None) -> ChartMeta:
    """Meta for a chart from the `source` values of the rows it draws (ids, ratios or upload text).

    `extra_sources` are plain-text method notes shown first (e.g. how the city line is formed).
    """
    values = list(source_values)
    cited = tuple(dict.fromkeys([*extra_sources, *format_sources(values, lang)]))
    year_text = _years_text(years)
    return ChartMeta(title=title, unit=unit, years=year_text, sources=cited,
                     source_line=source_line(values, lang) if values else "; ".join(extra_sources),
                     release=release or "",
                     filename=_filename(f"ningbo-{key}-{year_text}"))


def check_sources(checks: pd.DataFrame) -> list[object]:
    """The source values behind funding checks (numerator and denominator rows), for `chart_meta`."""
    return [*checks["numerator_source"].dropna(), *checks["denominator_source"].dropna()]


def footer_lines(meta: ChartMeta, lang: str, today: date | None = None) -> list[str]:
    """The picture footer: what, unit and year; the sources in short; release, issuing unit and date."""
    first = [meta.title]
    if meta.unit:
        first.append(t("present.footer_unit", lang, unit=meta.unit))
    if meta.years:
        first.append(t("present.footer_years", lang, years=meta.years))
    lines = [" · ".join(first)]
    if meta.source_line:
        lines.append(t("present.footer_sources", lang, sources=meta.source_line))
    lines.append(footer_text(lang, today or date.today(), meta.release))
    return lines


def plotly_config(meta: ChartMeta) -> dict[str, Any]:
    """The shared plotly config, with the modebar camera saving a slide-sized PNG named after the chart."""
    return {**figures.PLOTLY_CONFIG,
            "toImageButtonOptions": {"format": "png", "filename": meta.filename, **meta.size, "scale": 1}}


@cache
def ensure_plotly_js(dest: Path = PLOTLY_DIR) -> Path:
    """Copy the installed plotly package's plotly.min.js where Streamlit serves static files (once)."""
    src = Path(str(resources.files("plotly"))) / "package_data" / "plotly.min.js"
    target = dest / "plotly.min.js"
    if not (target.exists() and target.stat().st_size == src.stat().st_size):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".js.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(target)
    return target


def _json_for_script(value: object) -> str:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or comment it out."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


TOOLBAR_STYLE = """
body { margin: 0; font-family: "Source Sans Pro", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.bar { display: flex; flex-wrap: nowrap; gap: 6px; align-items: center; overflow-x: auto; padding: 2px 1px; }
button { font: inherit; font-size: 14px; padding: 4px 10px; white-space: nowrap; border: 1px solid #c8c8d0;
         border-radius: 6px; background: #fff; color: #111; cursor: pointer; line-height: 1.4; }
button:hover, button:focus-visible { border-color: #0072B2; color: #0072B2; outline: none; }
#msg { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
input { font-size: 12px; width: 16em; }
/* a narrow column (the Overview's right column at 1024 px): "⤓ PNG" instead of "Download PNG", so the
   row of buttons fits instead of clipping the last one; the full name stays the accessible name */
@media (max-width: 420px) {
  .bar { gap: 4px; }
  button { font-size: 13px; padding: 4px 6px; }
  button[data-short] { font-size: 0; }
  button[data-short]::before { content: "⤓ " attr(data-short); font-size: 13px; }
}
"""

# Export the live chart (or the given picture) with a title and footer; copy the page URL.
TOOLBAR_SCRIPT = r"""
(function () {
  var META = JSON.parse(document.getElementById("meta").textContent);
  var msg = document.getElementById("msg");
  var active = null;
  // the outcome shows on the clicked button for a moment (no room for a message line), and is
  // announced to screen readers through the live region #msg
  function say(text) {
    msg.textContent = text;
    if (!active) return;
    var button = active, label = button.getAttribute("data-label");
    button.textContent = text;
    clearTimeout(button._reset);
    button._reset = setTimeout(function () { button.textContent = label; }, 2500);
  }
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = META.plotly; s.onload = function () { resolve(window.Plotly); }; s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function liveChart() {
    var box = window.parent.document.querySelector("." + META.keyClass);
    return box && box.querySelector(".js-plotly-plot");
  }
  // The picture: the title above, the chart (exported by plotly.js, its legend inside it) in the middle,
  // the footer lines below it, wrapped to the width; the chart gets the height the footer leaves, so the
  // footer can never sit on the chart or its legend.
  var FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";
  function wrap(line, size, width) {
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = size + "px " + FONT;
    var out = [], current = "";
    (line.match(/\s+|[A-Za-z0-9.,:;()'’\-–\/]+|./gu) || []).forEach(function (token) {
      var next = current + token;
      if (current && ctx.measureText(next).width > width) { out.push(current.trimEnd()); current = token.trimStart(); }
      else current = next;
    });
    if (current) out.push(current);
    return out;
  }
  function esc(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function unescapeHtml(text) {
    var box = document.createElement("textarea");
    box.innerHTML = text;
    return box.value;
  }
  function composedSvg(chartUrl, W, H) {
    var lines = [];
    META.footer.forEach(function (line, i) {
      wrap(unescapeHtml(line), i === 0 ? 18 : 15, W - 48).forEach(function (piece) {
        lines.push({text: piece, size: i === 0 ? 18 : 15, first: i === 0});
      });
    });
    var titleH = 64, lineH = 24, footH = lines.length * lineH + 20;
    var chartH = H - titleH - footH;
    var parts = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="' + W +
                 '" height="' + H + '" viewBox="0 0 ' + W + ' ' + H + '" font-family="' + FONT + '">',
                 '<rect width="100%" height="100%" fill="#FFFFFF"/>',
                 '<text class="lc-title" x="24" y="42" font-size="26" font-weight="700" fill="#1A1A1A">' +
                 esc(unescapeHtml(META.title)) + '</text>',
                 '<image class="lc-chart" x="0" y="' + titleH + '" width="' + W + '" height="' + chartH +
                 '" preserveAspectRatio="xMidYMid meet" href="' + esc(chartUrl) + '"/>'];
    lines.forEach(function (line, i) {
      parts.push('<text class="lc-footer" x="24" y="' + (titleH + chartH + 8 + (i + 1) * lineH - 6) +
                 '" font-size="' + line.size + '" fill="' + (line.first ? "#1A1A1A" : "#444444") + '">' +
                 esc(line.text) + '</text>');
    });
    parts.push("</svg>");
    return {svg: parts.join(""), chartH: chartH};
  }
  function chartPicture(gd, Plotly) {
    var W = META.width, H = META.height;
    var probe = composedSvg("", W, H);
    var layout = structuredClone(gd.layout);
    layout.width = W; layout.height = probe.chartH; layout.autosize = false;
    layout.title = {text: ""};
    layout.paper_bgcolor = "#FFFFFF";
    return Plotly.toImage({data: structuredClone(gd.data), layout: layout},
                          {format: "svg", width: W, height: probe.chartH}).then(function (url) {
      return composedSvg(url, W, H).svg;
    });
  }
  function download(url, name) {
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }
  function svgAs(base64, format) {
    var url = "data:image/svg+xml;base64," + base64;
    if (format === "svg") { download(url, META.filename + ".svg"); return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = META.width; canvas.height = META.height;
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#FFFFFF"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        download(canvas.toDataURL("image/png"), META.filename + ".png"); resolve();
      };
      img.onerror = reject;
      img.src = url;
    });
  }
  function utf8Base64(text) {
    var bytes = new TextEncoder().encode(text), binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary);
  }
  function save(format) {
    say(META.texts.working);
    var job;
    if (META.svg) {
      job = svgAs(META.svg, format);
    } else {
      var gd = liveChart();
      if (!gd) { say(META.texts.failed); return; }
      job = loadPlotly().then(function (Plotly) { return chartPicture(gd, Plotly); })
        .then(function (svgText) { return svgAs(utf8Base64(svgText), format); });
    }
    job.then(function () { say(META.texts.saved); }, function () { say(META.texts.failed); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("button"), function (b) {
    b.setAttribute("data-label", b.textContent);
    b.addEventListener("click", function () { active = b; });
  });
  ["png", "svg"].forEach(function (format) {
    var button = document.getElementById(format);  // absent in a link-only row (the map's own pictures)
    if (button) button.addEventListener("click", function () { save(format); });
  });
  document.getElementById("link").addEventListener("click", function () {
    var url = window.parent.location.href;
    var shown = function () { say(META.texts.copied); };
    var fallback = function () {
      var box = document.getElementById("url");
      box.hidden = false; box.value = url; box.select();
      try { document.execCommand("copy"); shown(); } catch (e) { say(META.texts.copy_manual); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(shown, fallback);
    } else { fallback(); }
  });
})();
"""


def toolbar_html(meta: ChartMeta, key: str, lang: str, svg: str | None = None, today: date | None = None,
                 pictures: bool = True) -> str:
    """The toolbar document (buttons + script); all text travels as escaped JSON, never as markup.
    `pictures=False`: only "copy link" (the picture downloads live elsewhere)."""
    payload = {
        "keyClass": "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip()),
        "plotly": PLOTLY_URL, "title": html.escape(meta.title), "filename": meta.filename,
        "footer": [html.escape(line) for line in footer_lines(meta, lang, today)],
        "width": meta.size["width"], "height": meta.size["height"],
        "svg": base64.b64encode(svg.encode("utf-8")).decode("ascii") if svg else "",
        "texts": {k: t(f"present.{k}", lang) for k in ("working", "saved", "failed", "copied", "copy_manual")},
    }
    label = html.escape(t("present.toolbar", lang), quote=True)
    return (
        f'<!DOCTYPE html><html lang="{html.escape(t("briefing.html_lang", lang), quote=True)}"><head>'
        f'<meta charset="utf-8"><style>{TOOLBAR_STYLE}</style></head><body>'
        f'<div class="bar" role="toolbar" aria-label="{label}">'
        + ("".join(f'<button id="{f}" type="button" data-short="{f.upper()}" aria-label="{name}" title="{name}">'
                   f"{name}</button>"
                   for f, name in (("png", html.escape(t("present.download_png", lang), quote=True)),
                                   ("svg", html.escape(t("present.download_svg", lang), quote=True))))
           if pictures else "") +
        f'<button id="link" type="button">{html.escape(t("present.copy_link", lang))}</button>'
        f'<span id="msg" role="status" aria-live="polite"></span>'
        f'<input id="url" hidden readonly aria-label="{html.escape(t("present.link", lang), quote=True)}"></div>'
        f'<script type="application/json" id="meta">{_json_for_script(payload)}</script>'
        f"<script>{TOOLBAR_SCRIPT}</script></body></html>"
    )


def sources_html(meta: ChartMeta, lang: str) -> str:
    """The Sources panel body: every citation (escaped), then what the grades mean."""
    cited = meta.sources or (t("present.none", lang),)
    items = "".join(f"<li>{html.escape(s)}</li>" for s in cited)
    return (f'<ol style="margin:0;padding-left:1.4em;font-size:0.9rem;overflow-wrap:anywhere">{items}</ol>'
            f'<p style="font-size:0.8rem;color:#444;margin:6px 0 0">{html.escape(grade_note(lang))}</p>')


def session_release(lang: str) -> str:
    """The data release this session shows (the store's release, plus this session's upload if any)."""
    run = data_access.current_run()
    shown = (release_text(lang) if run is None  # a page drawn outside the app's frame (no store read)
             else store_release_text(lang, run.shown.release, run.shown.created_at.date()))
    return t("present.release_upload", lang, shipped=shown) if data_access.using_upload() else shown


def _tools_row(meta: ChartMeta, key: str, lang: str, svg: str | None = None, pictures: bool = True) -> None:
    if not meta.release:  # a picture names the release it was drawn from, and any upload over it
        meta = replace(meta, release=session_release(lang))
    if pictures:
        ensure_plotly_js()
    # One under the other, each at full width: side by side, a narrow column clipped both.
    st.iframe(toolbar_html(meta, key, lang, svg, pictures=pictures), height=TOOLBAR_HEIGHT,
              alt=t("present.toolbar", lang))
    with st.popover(t("present.sources", lang, n=len(meta.sources)), icon=":material/menu_book:"):
        st.html(sources_html(meta, lang))


def show_chart(fig: go.Figure, meta: ChartMeta, *, key: str, lang: str, config: dict | None = None,
               **kwargs: Any) -> Any:
    """`st.plotly_chart` plus the presenting row; returns what st.plotly_chart returns (selections)."""
    event = st.plotly_chart(fig, config={**plotly_config(meta), **(config or {})}, key=key, **kwargs)
    _tools_row(meta, key, lang)
    return event


def show_link_and_sources(meta: ChartMeta, *, key: str, lang: str) -> None:
    """"Copy link" and the Sources panel, for a picture that offers its own downloads (the map component)."""
    _tools_row(meta, key, lang, pictures=False)


def show_image(svg: str, meta: ChartMeta, *, key: str, lang: str) -> None:
    """The presenting row for a picture drawn elsewhere (the SVG map component): SVG/PNG with footer."""
    _tools_row(meta, key, lang, svg=with_footer_svg(svg, meta, lang))


def _with_view_box(svg: str) -> str:
    """Give an SVG without a viewBox one from its width and height, so it scales without stretching."""
    opening = re.match(r"\s*(?:<\?xml[^>]*>\s*)?<svg\b[^>]*>", svg)
    if opening is None or "viewBox" in opening.group(0):
        return svg
    size = {k: re.search(rf'\b{k}="([0-9.]+)(?:px)?"', opening.group(0)) for k in ("width", "height")}
    if not all(size.values()):
        return svg
    tag = opening.group(0)[:-1].rstrip("/") + f' viewBox="0 0 {size["width"][1]} {size["height"][1]}">'
    return svg[:opening.start()] + tag + svg[opening.end():]


def with_footer_svg(svg: str, meta: ChartMeta, lang: str, today: date | None = None) -> str:
    """`svg` scaled (aspect kept) into a slide-sized SVG with the title above and the footer lines below."""
    svg = _with_view_box(svg)
    width, height = meta.size["width"], meta.size["height"]
    lines = [(piece, i == 0) for i, line in enumerate(footer_lines(meta, lang, today))
             for piece in text_fit.wrap(line, width - 48, 18 if i == 0 else 15)]  # px, like the browser's pictures
    top, line_h = 64, 24
    body_h = height - top - line_h * len(lines) - 20
    inner = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    texts = "".join(
        f'<text class="lc-footer" x="24" y="{body_h + top + 24 + i * line_h}" font-size="{18 if first else 15}" '
        f'fill="{"#1A1A1A" if first else "#444444"}">{html.escape(line)}</text>'
        for i, (line, first) in enumerate(lines))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif">'
            f'<rect width="100%" height="100%" fill="#FFFFFF"/>'
            f'<text x="24" y="40" font-size="26" font-weight="700" fill="#1A1A1A">{html.escape(meta.title)}</text>'
            f'<image x="24" y="{top}" width="{width - 48}" height="{body_h}" preserveAspectRatio="xMidYMid meet" '
            f'href="data:image/svg+xml;base64,{inner}"/>{texts}</svg>')
