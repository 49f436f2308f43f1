"""地图 Map: a choropleth of any indicator with a timeline (the SVG map component; or Leaflet via folium)."""

import streamlit as st

from dashboard import assets, data_access, frame, session, status_notice, view_state
from dashboard.charts import chart_tools
from dashboard.formatting import indicator_label
from dashboard.i18n import t
from dashboard.map import map_ranking, maps
from dashboard.map.map_component import presenting
from dashboard.map.map_component import view as map_view
from lcity_data.catalog import load_catalog
from lcity_data.classify import standard_for_indicator

state = frame.page_state()
lang = state.lang
cat = load_catalog()
ind = cat.indicator(state.indicator)
table = data_access.current_table()
legend_title = indicator_label(state.indicator, lang)

st.title(t("map.title", lang))
st.caption(t("map.subtitle", lang, indicator=ind.name(lang), year=state.year))

std = standard_for_indicator(state.indicator)
c1, c2, c3 = st.columns([3, 2, 2])  # the engine switch needs room for "Plotly (default) | Leaflet"
with c1:
    session.bind(st.segmented_control, "view", t("map.view", lang), options=list(view_state.MAP_VIEWS),
                 format_func=lambda v: t("mapcomp.view_svg" if v == "plotly" else f"map.view_{v}", lang),
                 required=True)
if std is None:
    with c2:
        session.bind(st.selectbox, "classes", t("map.classes", lang), options=list(view_state.CLASS_METHODS),
                     format_func=lambda m: t(f"map.method_{m}", lang), placeholder=t("defects.choose", lang))
    with c3:
        session.bind(st.slider, "k", t("map.k", lang), min_value=view_state.K_RANGE[0], max_value=view_state.K_RANGE[1],
                     disabled=state.classes == "continuous")
else:
    with c2:
        st.caption(t("map.policy_classes", lang, standard=std.name(lang)))

state = session.get()
# every year at once (cached): the map gets them all, the ranking table and Leaflet the year shown
years_frames = map_view.indicator_frames(table, state.indicator, state.districts, state.classes, state.k, lang)
current = next((f for f in years_frames if f.year == state.year), years_frames[-1])
frame = current.frame
scheme = "policy" if std is not None else state.classes
classes = None if scheme == "continuous" else [maps.MapClass(e.key, e.label, e.color) for e in current.legend]
shown = frame[frame["selected"]]
if classes is not None and scheme not in ("policy", "continuous") and len(classes) < state.k:
    st.caption(t("map.fewer_classes", lang, n=len(classes)))
status_notice.show_notice(shown["status"], lang)  # above the map: at 1024 px and on a phone too

sources = map_view.indicator_sources(table, state.indicator, state.districts, lang)
if state.view == "plotly":  # the URL keeps its old name for the default view: shared links stay valid
    # the legend's title is the name alone: each entry writes its unit in the scale it uses (万人, not 人)
    payload = map_view.indicator_payload(table, state.indicator, state.districts, state.classes, state.k, lang,
                                         ind.name(lang))
    map_view.show(payload, state.year, key="map_chart", sources=sources)
    st.caption(t("mapcomp.timeline_help", lang))
else:
    from streamlit_folium import st_folium  # only here: folium costs every server process memory and start-up

    from dashboard.map import leaflet_view

    if not (assets.LEAFLET_DIR / "leaflet.js").exists():
        st.warning(t("map.leaflet_missing", lang))
    basemap = st.checkbox(t("map.basemap", lang), value=False, help=t("map.basemap_help", lang), key="map_basemap")
    geojson = data_access.districts_geojson()
    m = leaflet_view.folium_map(frame, frame["class_key"], classes, geojson, lang=lang,
                                legend_title=ind.name(lang), basemap=basemap)
    st_folium(m, key=f"leaflet_{lang}_{basemap}", height=560, use_container_width=True, returned_objects=[])
    chart_tools.show_link_and_sources(presenting.year_meta(sources, state.year, lang, key="map_leaflet",
                                                           release=chart_tools.session_release(lang)),
                                      key="map_leaflet_tools", lang=lang)
    st.caption(t("map.leaflet_offline", lang))

if not state.districts:
    st.info(t("common.select_districts", lang))
elif shown["value"].isna().all():
    st.info(t("map.nothing_for_year", lang, year=state.year))
st.caption(t("map.attribution", lang, attribution=data_access.boundary_info()["attribution"]))

st.header(t("map.ranking", lang))
st.html(map_ranking.ranking_html(shown, ind.unit, legend_title, lang,
                                 profile_href=lambda a: session.page_href("profile", districts=(a,))))
