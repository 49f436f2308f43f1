"""The Leaflet (folium) view of a map frame: the same classes as the plotly map, drawn by Leaflet.

Self-hosted (see `LEAFLET_BASE`): no CDN script or stylesheet, no tiles unless the user asks for the
OSM basemap. Only the map page's Leaflet option imports this module, so default pages never load
folium.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.charts.figures import NO_DATA_COLOR, NOT_SELECTED_COLOR, MapClass, bounds, hover_html
from dashboard.formatting import legend_text, map_label
from dashboard.i18n import t
from dashboard.map.maps import hover_labels, sequential_colors
from lcity_data.provenance import is_illustrative

LEAFLET_BASE = "/app/static/vendor/leaflet"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's control_scale adds miles too)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            L.control.scale({{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"
        self.options = {"imperial": False, "metric": True}


# Tooltips wrap within half the map (Leaflet puts a sticky tooltip on the side of the cursor with more
# room), so a long source line is never cut off at the map's left or right edge.
TOOLTIP_STYLE = (".leaflet-tooltip{white-space:normal;width:max-content;max-width:48vw;overflow-wrap:anywhere;"
                 "font-size:12px}")


class _Marks(MacroElement):
    """The status marks' hatch pattern (an SVG <pattern> the hatched layer's fill points at) and Leaflet's
    text-only attribution prefix: Leaflet 1.9 puts a flag icon before "Leaflet", which a municipal
    deployment may not want on its maps."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            (function () {
                var ns = "http://www.w3.org/2000/svg";
                if (!document.getElementById("lcity-hatch")) {
                    var svg = document.createElementNS(ns, "svg");
                    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
                    svg.setAttribute("aria-hidden", "true"); svg.style.position = "absolute";
                    svg.innerHTML = '<defs><pattern id="lcity-hatch" patternUnits="userSpaceOnUse" width="8" '
                        + 'height="8" patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="8" '
                        + 'stroke="#1A1A1A" stroke-opacity="0.5" stroke-width="2"/></pattern></defs>';
                    document.body.appendChild(svg);
                }
                {{ this._parent.get_name() }}.attributionControl.setPrefix(
                    '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');
            })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "StatusMarks"


HATCH_FILL = "url(#lcity-hatch)"
LABEL_STYLE = (".lcity-label{width:auto!important;height:auto!important;background:none;border:none}"
               ".lcity-label span{display:block;transform:translate(-50%,-50%);white-space:nowrap;"
               "font:12px/1.2 sans-serif;color:#1A1A1A;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff}")


def _mark(status: object) -> str:
    """A district's status mark: "hatched" (illustrative), "outlined" (reported or official) or "" (no value)."""
    if not isinstance(status, str) or not status:
        return ""
    return "hatched" if is_illustrative(status) else "outlined"


def _label_point(geometry: dict) -> tuple[float, float]:
    """(lat, lon) deep inside the district's largest part, where its name is written."""
    from shapely.geometry import shape

    geom = shape(geometry)
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    point = part.representative_point()
    return point.y, point.x


LEGEND_ROW_PX = 20  # one legend line (13px/1.5)
LEGEND_PAD_PX = 70  # the legend's padding and border, Leaflet's two 10px margins and the attribution line under it


class _Legend(MacroElement):
    """A Leaflet control holding an (already escaped) HTML legend; no external assets."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: "bottomright"});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "lcity-legend");
                div.innerHTML = {{ this.html|tojson }};
                div.style.background = "rgba(255,255,255,0.92)";
                div.style.padding = "6px 8px";
                div.style.border = "1px solid #999";
                div.style.font = "13px/1.5 sans-serif";
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


def legend_html(title: str, entries: Sequence[tuple[str, ...]]) -> str:
    """Legend lines (label, CSS background[, CSS border]) under a bold title, every text escaped."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{html.escape(entry[1])};'
        f'border:{html.escape(entry[2] if len(entry) > 2 else "1px solid #666")};margin-right:6px;'
        f'vertical-align:middle"></span>{html.escape(entry[0])}</div>'
        for entry in entries
    )
    return f"<b>{html.escape(title)}</b>{rows}"


def local_leaflet(m: folium.Map, base: str = LEAFLET_BASE) -> folium.Map:
    """Point the map at the self-hosted Leaflet and drop folium's other CDN assets.

    streamlit-folium collects `default_js`/`default_css` from every element it walks and loads those
    URLs in the component iframe; folium's defaults are jsdelivr/jquery/bootstrap/font-awesome CDNs.
    A choropleth with GeoJson + tooltips needs only Leaflet itself.
    """
    m.default_js = [("leaflet", f"{base}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    return m


def folium_map(frame: pd.DataFrame, class_keys: pd.Series, classes: list[MapClass] | None, geojson: dict,
               *, lang: str, legend_title: str, basemap: bool = False,
               leaflet_base: str = LEAFLET_BASE) -> folium.Map:
    """A Leaflet choropleth of `frame` (from `map_frame`) with the same classes as the plotly map.

    Styles are computed in Python (`style_function`) and tooltips are pre-escaped HTML strings, so
    no data text is ever interpreted as markup. Continuous maps get 5 equal colour steps.
    """
    west, south, east, north = bounds(geojson)
    m = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=9, tiles=None,
                   control_scale=False, zoom_snap=0.25)
    _MetricScale().add_to(m)
    local_leaflet(m, leaflet_base)
    m.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:#ffffff}}{TOOLTIP_STYLE}{LABEL_STYLE}</style>"))
    _Marks().add_to(m)
    if basemap:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=18).add_to(m)
    labels = hover_labels(lang)
    color_of: dict[str, str] = {}
    entries: list[tuple[str, ...]] = []
    if classes is not None:
        by_key = {c.key: c.color for c in classes}
        entries = [(c.label, c.color) for c in classes]
        for adcode, key in zip(frame["adcode"], class_keys, strict=True):
            color_of[adcode] = by_key.get(key, NO_DATA_COLOR) if key else NO_DATA_COLOR
    else:
        vals = frame["value"].where(frame["selected"])
        lo, hi = vals.min(), vals.max()
        steps = sequential_colors(5)
        for adcode, v in zip(frame["adcode"], vals, strict=True):
            if pd.isna(v):
                color_of[adcode] = NO_DATA_COLOR
            else:
                pos = 0 if hi == lo else (v - lo) / (hi - lo)
                color_of[adcode] = steps[min(4, int(pos * 5))]
        unit = frame["unit"].iloc[0] if len(frame) else ""
        if pd.notna(lo):  # the five colour steps, each with its range, in one scale (万人, not 0.4M)
            top, width = max(abs(lo), abs(hi)), (hi - lo) / 5
            entries = [(legend_text((lo + i * width, lo + (i + 1) * width), unit, lang, top), color)
                       for i, color in enumerate(steps if width else steps[-1:])]
    entries.append((t("map.no_data", lang), NO_DATA_COLOR))
    if not frame["selected"].all():
        entries.append((t("map.not_selected", lang), NOT_SELECTED_COLOR))
    rows = frame.set_index("adcode")
    features = []
    for feature in geojson["features"]:
        adcode = feature["properties"]["adcode"]
        r = rows.loc[adcode]
        fill = color_of.get(adcode, NO_DATA_COLOR) if r["selected"] else NOT_SELECTED_COLOR
        tip = hover_html(
            f"{r['name']} · {r['name_alt']}",
            [(labels["value"], r["value_text"]), (labels["progress"], r.get("progress_text", "")),
             (labels["rank"], r["rank_text"]), (labels["year"], r["year"]),
             (labels["status"], r["status_text"]), (labels["source"], r["source"])],
            wrap_keys=(labels["source"], labels["progress"]),
        )
        has_value = bool(r["selected"]) and fill not in (NO_DATA_COLOR, NOT_SELECTED_COLOR)
        features.append({"type": "Feature", "id": adcode, "geometry": feature["geometry"],
                         "properties": {"adcode": adcode, "fill": fill, "tip": tip,
                                        "mark": _mark(r["status"]) if has_value else ""}})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=legend_title,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#FFFFFF", "weight": 1.2,
                                  "fillOpacity": 0.85 if basemap else 1.0},
        highlight_function=lambda f: {"weight": 3, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        zoom_on_click=False,
    )
    layer.add_to(m)
    hatched = [f for f in features if f["properties"]["mark"] == "hatched"]
    if hatched:  # the hatching over the class colour, not interactive (the hover stays the district's)
        folium.GeoJson({"type": "FeatureCollection", "features": hatched}, name="hatched", interactive=False,
                       style_function=lambda f: {"fillColor": HATCH_FILL, "fillOpacity": 1, "weight": 0}).add_to(m)
        entries.append((t("marks.illustrative", lang), "repeating-linear-gradient(-45deg,#fff 0 3px,#8c8c8c 3px 5px)"))
    outlined = [f for f in features if f["properties"]["mark"] == "outlined"]
    if outlined:  # on top of the white borders, so a neighbour's border never hides part of it
        folium.GeoJson({"type": "FeatureCollection", "features": outlined}, name="outlined", interactive=False,
                       style_function=lambda f: {"fillOpacity": 0, "color": "#1A1A1A", "weight": 3}).add_to(m)
        entries.append((t("marks.real", lang), "#FFFFFF", "2px solid #1A1A1A"))
    for feature in geojson["features"]:  # district names, as on the SVG map (江北区, Jiangbei)
        name = map_label(feature["properties"]["adcode"], lang)
        folium.Marker(_label_point(feature["geometry"]), interactive=False, icon=folium.DivIcon(
            html=f"<span>{html.escape(name)}</span>", class_name="lcity-label")).add_to(m)
    _Legend(legend_html(legend_title, entries)).add_to(m)
    # the districts fit above the legend (bottom right), so it covers none of them at any width (a phone too)
    legend_px = LEGEND_PAD_PX + LEGEND_ROW_PX * (len(entries) + 1)
    m.fit_bounds([[south, west], [north, east]], padding_bottom_right=(0, legend_px))
    return m


def collected_assets(m: folium.Map) -> tuple[list[str], list[str]]:
    """The JS and CSS URLs streamlit-folium would load for this map (same walk as st_folium)."""
    import branca
    import folium.elements

    js: list[str] = []
    css: list[str] = []

    def walk(el: object) -> None:
        if isinstance(el, branca.colormap.ColorMap):
            js.append("https://d3js.org/d3.v4.min.js")
        if isinstance(el, folium.elements.JSCSSMixin):
            js.extend(src for _, src in getattr(el, "default_js", []))
            css.extend(href for _, href in getattr(el, "default_css", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))
