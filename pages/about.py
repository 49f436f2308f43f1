"""关于 About: indicator definitions and framework mapping, standards and their sources, licences,
how to cite, and what "illustrative / 示例" means."""

import pandas as pd
import streamlit as st

from dashboard import data_access, frame
from dashboard.charts import index_view, progress_view
from dashboard.formatting import definition, target_text, unit_label
from dashboard.i18n import t
from dashboard.releases import release_view
from lcity_data import __version__
from lcity_data.catalog import load_catalog
from lcity_data.citation import cite, grade_note

state = frame.page_state()
lang = state.lang
cat = load_catalog()

st.title(t("about.title", lang))
st.markdown(t("about.intro", lang))

st.header(t("about.illustrative_heading", lang))
st.markdown(t("about.illustrative_body", lang))
st.markdown(t("import_returns.notes_reported", lang))
st.markdown(t("import_returns.notes_mixed", lang))

run = data_access.run_release()
release_view.show_history(data_access.release_history(run.url, run.latest.release), lang)

st.header(t("about.indicators", lang))


def _kflc(code: str | None) -> str:
    if not code or code not in cat.kflc:
        return ""
    f = cat.kflc[code]
    return t("about.kflc_item", lang, code=code, name=f[lang], area=f["area_" + lang])


def _zj(key: str | None) -> str:
    return cat.zhejiang[key][lang] if key and key in cat.zhejiang else ""


indicators = pd.DataFrame([
    {
        t("col.indicator", lang): ind.name(lang),
        t("about.col_id", lang): ind.id,
        t("col.unit", lang): unit_label(ind.unit, lang),
        t("about.col_definition", lang): definition(ind.id, lang),
        t("about.col_direction", lang): t(f"about.direction_{ind.direction}", lang),
        t("about.col_aggregate", lang): t(f"trends.city_rule_{ind.aggregate}", lang),
        t("about.col_kflc", lang): _kflc(ind.unesco),
        t("about.col_zhejiang", lang): _zj(ind.zhejiang),
    }
    for ind in cat.indicators.values()
])
st.table(indicators.set_index(t("col.indicator", lang)))
st.caption(t("about.framework_note", lang))

st.header(t("about.standards", lang))
for std in cat.standards.values():
    src = cat.sources[std.source]
    num, den = cat.indicator(std.numerator), cat.indicator(std.denominator)
    with st.container(border=True):
        st.markdown(f"**{std.name(lang)}**" + (f" · {t('about.default_standard', lang)}" if std.default else ""))
        st.markdown(t("about.standard_rule", lang, numerator=num.name(lang), denominator=den.name(lang),
                      basis=cat.basis_names[std.basis][lang], per=f"{std.per:,}", unit=std.unit_label(lang),
                      minimum=f"{std.minimum}", target=target_text(std.target, std.unit_label(lang), lang)))
        st.markdown(t("funding.source", lang, citation=cite(src, lang), url=""))
        if src.quote:
            st.caption(f"“{src.quote}”")

st.header(t("index.method", lang))
for paragraph in index_view.method_paragraphs(lang):
    st.markdown(paragraph)

st.header(t("progress.method", lang))
for paragraph in progress_view.method_paragraphs(lang):
    st.markdown(paragraph)

st.header(t("about.sources", lang))
sources = pd.DataFrame([
    {t("about.col_source_id", lang): s.id, t("about.col_authority", lang): s.grade,
     t("present.col_copy_grade", lang): s.copy_grade, t("about.col_citation", lang): cite(s, lang),
     t("about.col_url", lang): s.url or s.retrieved_from}
    for s in cat.sources.values()
])
st.dataframe(sources, hide_index=True, key="about_sources",
             column_config={t("about.col_url", lang): st.column_config.LinkColumn()})
st.caption(grade_note(lang))

st.header(t("about.licences", lang))
meta = data_access.boundary_info()
st.markdown(t("about.licence_boundaries", lang, attribution=meta["attribution"], licence=meta["licence"],
              version=meta["source"]["version"], conversion=meta["datum_conversion"]))
st.markdown(t("about.licence_other", lang))

st.header(t("about.cite", lang))
st.code(t("about.cite_text", lang, version=__version__), language=None, wrap_lines=True)

st.header(t("about.offline", lang))
st.markdown(t("about.offline_body", lang))
