"""导入数据 Import data: upload a district return, see what became of every row, and use the accepted
values in this session only (nothing is written to disk). The logic lives in dashboard/uploads/import_view.py."""

from pathlib import Path

import streamlit as st

from dashboard import data_access, frame
from dashboard.i18n import t
from dashboard.uploads import import_view, import_worker, publish_view
from lcity_data import importer
from lcity_data.export import to_csv_bytes, to_xlsx_bytes
from lcity_data.importing import bounds
from lcity_data.importing.report import ImportReport
from lcity_data.validation import FIRST_YEAR, last_year

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS_SLOT, AUTO_SLOT, RESULT_SLOT = "_import_sheets", "_import_auto", "_import_result"

state = frame.page_state()
lang = state.lang


def show_report(report: ImportReport) -> None:
    """Counts, then rejected / skipped / noted rows and unused columns, then the preview and Apply."""
    summary = import_view.summarise(report, lang)
    st.header(t("import.report", lang))
    st.caption(import_view.details(report, lang))
    for col, (label, value) in zip(st.columns(len(summary.counts)), summary.counts, strict=True):
        col.metric(label, value)
    st.caption(t("import.counts_note", lang))
    if summary.needs_year:
        st.warning(t("import.needs_year", lang), icon=":material/event:")
    if not summary.warnings.empty:
        st.subheader(t("import_returns.warnings", lang, n=len(summary.warnings)))
        st.warning(t("import_returns.warnings_note", lang), icon=":material/rule:")
        st.dataframe(summary.warnings, hide_index=True, key="import_warnings",
                     column_config={t("import.col_reason", lang): st.column_config.TextColumn(width="large")})

    st.subheader(t("import.rejected", lang, n=len(summary.rejected)))
    if summary.rejected.empty:
        st.success(t("import.rejected_none", lang), icon=":material/check_circle:")
    else:
        if summary.partial_rows:
            st.caption(t("import.partial", lang, rows=t("common.list_sep", lang).join(map(str, summary.partial_rows))))
        st.dataframe(summary.rejected, hide_index=True, key="import_rejected",
                     column_config={t("import.col_reason", lang): st.column_config.TextColumn(width="large")})
        stem = f"{Path(report.file).stem}_rejected"
        downloads = st.container(horizontal=True)
        downloads.download_button(t("import.rejected_csv", lang), to_csv_bytes(summary.rejected),
                                  file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:",
                                  key="dl_rejected_csv", on_click="ignore")
        downloads.download_button(t("import.rejected_xlsx", lang),
                                  to_xlsx_bytes(summary.rejected, sheet_name="rejected"), file_name=f"{stem}.xlsx",
                                  mime=XLSX_MIME, icon=":material/download:", key="dl_rejected_xlsx",
                                  on_click="ignore")
    for heading, table, key in ((t("import.skipped", lang, n=len(summary.skipped)), summary.skipped, "import_skipped"),
                                (t("import.notes", lang, n=len(summary.notes)), summary.notes, "import_notes"),
                                (t("import.ignored", lang, n=len(summary.ignored)), summary.ignored, "import_ignored")):
        if not table.empty:
            st.subheader(heading)
            st.dataframe(table, hide_index=True, key=key)

    st.header(t("import.preview", lang, n=report.values))
    st.dataframe(summary.preview, hide_index=True, key="import_preview",
                 column_config={t("col.value", lang): st.column_config.NumberColumn(format="localized"),
                                t("col.year", lang): st.column_config.NumberColumn(format="%d")})
    st.caption(t("import.preview_note", lang))
    upload_table = report.upload_table()
    if data_access.applied(upload_table):
        st.success(t("import.applied", lang), icon=":material/check_circle:")
    elif report.table.empty:
        st.info(t("import.nothing_to_apply", lang))
    else:
        st.button(t("import.apply", lang), type="primary", icon=":material/input:", key="import_apply",
                  on_click=data_access.use_upload, args=(upload_table,))
        st.caption(t("import.apply_note", lang))


st.title(t("import.title", lang))
st.markdown(t("import.intro", lang))
with st.expander(t("import.help_heading", lang), icon=":material/help:"):
    st.markdown(t("import.help_body", lang, mb=import_view.MAX_MB))
    st.markdown(t("import_returns.help_more", lang))
    st.markdown(t("import_harden.limits", lang, cols=bounds.MAX_COLUMNS, rows=f"{bounds.MAX_ROWS:,}"))

st.header(t("import.templates", lang))
templates = ((t("import.template_xlsx_zh", lang), "xlsx", "zh"), (t("import.template_xlsx_en", lang), "xlsx", "en"),
             (t("import.template_csv_zh", lang), "csv", "zh"), (t("import.template_csv_en", lang), "csv", "en"))
template_row = st.container(horizontal=True)
for label, fmt, headers in templates:
    template_row.download_button(label, importer.template_bytes(fmt, headers),
                                 file_name=f"ningbo_template_{headers}.{fmt}",
                                 mime=XLSX_MIME if fmt == "xlsx" else "text/csv", icon=":material/download:",
                                 key=f"dl_template_{fmt}_{headers}", on_click="ignore")
st.caption(t("import.template_note", lang))

st.html(import_view.uploader_style("import_file", lang))
upload = st.file_uploader(t("import_harden.upload", lang, mb=import_view.MAX_MB), type=["xlsx", "xls", "csv"],
                          key="import_file",
                          max_upload_size=import_view.MAX_MB, help=t("import.upload_help", lang))
st.caption(import_view.limit_note(lang))
if upload is None:
    for slot in (SHEETS_SLOT, AUTO_SLOT, RESULT_SLOT):
        st.session_state.pop(slot, None)
    st.info(t("import.prompt", lang), icon=":material/upload_file:")
else:
    data = upload.getvalue()
    sheets = import_view.memo(st.session_state, SHEETS_SLOT, (upload.file_id,),
                              lambda: import_view.sheet_names(data))
    c1, c2 = st.columns(2)
    choices = import_view.sheet_choices(sheets)
    sheet = (c1.selectbox(t("import.sheet", lang), choices, key=f"import_sheet_{upload.file_id}",
                          format_func=lambda s: import_view.sheet_label(s, sheets, lang),
                          help=t("import.sheet_help", lang), placeholder=t("defects.choose", lang))
             if len(choices) > 1 else None)
    base = data_access.release_frame()
    # The run without a year says what an empty year box means (title, sheet name, or nothing found).
    auto = import_view.memo(st.session_state, AUTO_SLOT, (upload.file_id, sheet),
                            lambda: import_worker.import_with_spinner(lang, data, upload.name, sheet, None, base))
    year = (c2 if len(choices) > 1 else c1).number_input(
        t("import.year", lang), min_value=FIRST_YEAR, max_value=last_year(), value=None, step=1,
        placeholder=import_view.year_placeholder(auto, lang), help=t("import.year_help", lang), key="import_year")
    result = auto if year is None else import_view.memo(
        st.session_state, RESULT_SLOT, (upload.file_id, sheet, year),
        lambda: import_worker.import_with_spinner(lang, data, upload.name, sheet, year, base))
    if isinstance(result, import_view.Failure):
        st.error(t("import.error", lang, reason=import_view.plain(result.reason(lang))), icon=":material/error:")
        if sheet is not None:
            st.caption(t("import.other_sheet", lang))
    else:
        show_report(result)
        publish_view.show_publish(result, data, sheet, year, lang)
