"""综合指数 Composite index: a weighted learning-city index per district, how far its ranking depends on
the weights (rank ranges), and each district's dimension profile. The maths is lcity_data/composite.py;
weights, shares and tables are dashboard/charts/index_view.py."""

import streamlit as st

from dashboard import data_access, frame, session
from dashboard.charts import chart_tools, figures, index_view
from dashboard.i18n import t
from lcity_data.catalog import load_catalog
from lcity_data.composite import NORMALISATIONS, default_config, dimension_reference, score_decimals, settings
from lcity_data.provenance import any_illustrative
from lcity_data.report_text import label

state = frame.page_state()
lang = state.lang
cat = load_catalog()
table = data_access.current_table()
rule = settings()
catalog_config = default_config()
dims = list(catalog_config.dimensions)
groups = index_view.dimension_inputs()
dim_defaults, ind_defaults = index_view.default_raw()


def norm_name(method: str) -> str:
    return t(f"index.norm_{method}", lang)


st.title(t("index.title", lang))
# the switch on its own row, its explanation under it: side by side they ran into each other at 1024 px
session.bind(st.segmented_control, "normalisation", t("index.normalisation", lang), options=list(NORMALISATIONS),
             format_func=norm_name, required=True)
state = session.get()
st.caption(t(f"index.norm_help_{state.normalisation}", lang) + " "
           + t("index.norm_default", lang, name=norm_name(catalog_config.normalisation)))

dim_raw = index_view.raw_weights(state.weights, dim_defaults)
ind_raw = index_view.raw_weights(state.indicator_weights, ind_defaults)
config = index_view.build_config(dim_raw, ind_raw, state.normalisation)
dim_share, ind_share = index_view.shares(config, dims, list(ind_defaults))
within = index_view.within_shares(ind_raw, groups)
custom = bool(state.weights or state.indicator_weights)

st.caption(t("index.subtitle", lang, year=state.year, n=len(ind_defaults), dims=len(dims),
             normalisation=norm_name(state.normalisation)))
st.markdown(t("index.weights_summary", lang, shares=" · ".join(
    f"{index_view.dimension_name(d, lang)} {dim_share[d]:.1f}%" for d in dims))
    + (" " + t("index.weights_custom", lang) if custom else ""))


def _reset_weights() -> None:
    session.update(weights=(), indicator_weights=())


with st.expander(t("index.weights", lang), icon=":material/tune:"):
    st.caption(t("index.weights_help", lang))
    for column, dim in zip(st.columns(len(dims), gap="medium"), dims, strict=True):
        with column:
            session.bind(st.slider, "weights", f"**{index_view.dimension_name(dim, lang)}**", min_value=0,
                         max_value=100, key_suffix=f"_{dim}",
                         to_widget=lambda w, d=dim: index_view.raw_weights(w, dim_defaults)[d],
                         from_widget=lambda v, d=dim: index_view.with_weight(session.get().weights, dim_defaults,
                                                                             d, int(v)))
            st.markdown(t("index.dimension_share", lang, share=f"{dim_share[dim]:.1f}"))
            for ind in groups[dim]:
                session.bind(st.slider, "indicator_weights", cat.indicator(ind).name(lang), min_value=0,
                             max_value=100, key_suffix=f"_{ind}",
                             to_widget=lambda w, i=ind: index_view.raw_weights(w, ind_defaults)[i],
                             from_widget=lambda v, i=ind: index_view.with_weight(
                                 session.get().indicator_weights, ind_defaults, i, int(v)))
                st.caption(t("index.input_share", lang, share=f"{ind_share[ind]:.1f}", within=f"{within[ind]:.1f}"))
    st.button(t("index.reset", lang), on_click=_reset_weights, key="index_reset", disabled=not custom,
              icon=":material/restart_alt:")

with st.expander(t("index.method", lang), icon=":material/functions:"):
    for paragraph in index_view.method_paragraphs(lang):
        st.markdown(paragraph)

if config is None:
    st.warning(t("index.no_weights", lang), icon=":material/block:")
    st.stop()
if not state.districts:
    st.info(t("common.select_districts", lang))
    st.stop()

index, ranges = data_access.composite_index(table, tuple(config.dimensions.items()),
                                            tuple(config.indicators.items()), config.normalisation, state.year)
provenance = index_view.input_status(table, list(config.indicators), state.year)
results = index_view.results(index, ranges, provenance, dims, lang)
shown = results[results["adcode"].isin(state.districts)].reset_index(drop=True)
used_dims = [d for d in dims if any(config.dimension_of(i) == d for i in config.indicators)]
value_format = f".{score_decimals(state.normalisation)}f"
illustrative = any_illustrative(shown["input_status"])
if shown["index"].isna().all():
    st.info(t("index.nothing", lang, year=state.year))

st.header(t("index.ranking", lang, year=state.year))
ranking = index_view.ranking_table(results, state.districts, used_dims, lang)
index_col = t("index.col_index", lang)
score_cols = [index_view.dimension_name(d, lang) for d in used_dims]
numbers = [t("index.col_rank", lang), index_col, t("index.col_missing", lang), *score_cols]
st.dataframe(index_view.ranking_text(ranking, score_cols, value_format, lang), hide_index=True, key="index_table",
             column_config={c: st.column_config.TextColumn(alignment="right") for c in numbers})
st.markdown(t("index.range_note", lang, draws=rule["sensitivity_draws"]))

st.header(t("index.chart", lang))
index_inputs = table[table["indicator"].isin(list(config.indicators)) & (table["year"] == state.year)
                     & table["adcode"].isin(state.districts)]
chart_tools.show_chart(figures.index_ranking(
    shown, ranked=int(results["rank"].notna().sum()), value_format=value_format,
    note=t("common.illustrative_note", lang) if illustrative else None,
    labels={"index": t("index.chart_index", lang), "rank": t("index.col_rank", lang),
            "range": t("index.chart_range", lang), "status": t("index.col_status", lang),
            "data_status": t("col.data_status", lang), "insufficient": t("index.status_insufficient_data", lang)},
), chart_tools.chart_meta(t("index.chart", lang), lang, key="index_chart", unit=t("index.chart_index", lang),
                          years=[state.year], source_values=index_inputs["source"]), key="index_chart", lang=lang)

st.header(t("index.radar", lang))
radar_dims = [(f"dim_{d}", index_view.dimension_name(d, lang)) for d in used_dims]
reference = dimension_reference(results, [c for c, _ in radar_dims]) or None
titles = [name if status == "ok" else t("index.radar_title_insufficient", lang, name=name)
          for name, status in zip(shown["name"], shown["status"], strict=True)]
chart_tools.show_chart(figures.dimension_radars(
    shown.assign(title=titles), radar_dims, radial_range=index_view.radar_range(results, used_dims,
                                                                                state.normalisation),
    reference=reference, reference_label=label("index.reference", lang), value_format=value_format,
), chart_tools.chart_meta(t("index.radar", lang), lang, key="index_radar", years=[state.year],
                          source_values=index_inputs["source"]), key="index_radar", lang=lang)
st.caption(t("defects.radar_key", lang, axes=figures.radar_key(radar_dims)) + " "
           + t("index.radar_note", lang, normalisation=norm_name(state.normalisation)))
if illustrative:
    st.warning(t("common.illustrative_warning", lang), icon=":material/science:")
