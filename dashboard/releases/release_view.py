"""What the app says about the data release it shows: the quiet release line on every page, the
"newer data exists" notice of a pinned link, the sample-data notice, the store-unreachable message,
and the release history (About page).

Why a module: the frame and the About page share these texts, and the store's own text (who
published, notes, file and sheet names) is data, so it only reaches the page escaped (`plain`) or as
table cells and JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard import data_access, view_state
from dashboard.data_access import RunRelease, StoreUnavailable
from dashboard.i18n import t
from dashboard.releases import report_view
from dashboard.safe_text import plain
from lcity_data.provenance import all_illustrative, any_illustrative
from lcity_data.store import ReleaseInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")  # the store keeps UTC; people in Ningbo read Beijing time

KEY = "store_app"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"{KEY}.{key}", lang, **fmt)


def local_time(moment: datetime) -> datetime:
    """A store time (UTC) in Beijing time."""
    return moment.astimezone(LOCAL_TIME)


def release_date(info: ReleaseInfo) -> str:
    """The publish date in Beijing time (the history table gives the full time)."""
    return local_time(info.created_at).strftime("%Y-%m-%d")


def publisher(info: ReleaseInfo, lang: str) -> str:
    """Who published, as stored; the seed release's bilingual marker in the UI language only."""
    return t("release_report.seed_by", lang) if data_access.is_shipped_sample(info) else info.published_by


def sample_share(table: pd.DataFrame) -> str | None:
    """'all' when every value shown is illustrative sample data, 'some' when part is, else None."""
    if all_illustrative(table["status"]):
        return "all"
    return "some" if any_illustrative(table["status"]) else None


def release_line(run: RunRelease, table: pd.DataFrame, lang: str) -> str:
    """'数据版本 3 · 2026-12-01 · 市终身教育指导中心' (+ pinned, + sample), escaped for st.caption."""
    info = run.shown
    line = _t("release_line", lang, release=info.release, date=release_date(info), by=plain(publisher(info, lang)))
    if run.pinned:
        line += _t("release_pinned", lang)
    share = sample_share(table)
    if share:
        line += " · " + _t(f"sample_{share}", lang)
    return line


def show_release_line(run: RunRelease, table: pd.DataFrame, lang: str) -> None:
    with st.sidebar:
        st.caption(release_line(run, table, lang))


def show_newer_notice(run: RunRelease, state: view_state.ViewState, params: Sequence[str], page_path: str,
                      lang: str) -> None:
    """Above the page, when a link pins an older release: say newer data exists, and link to it."""
    if run.pinned:
        with st.container(border=True):
            st.markdown(":material/history: " + _t(
                "newer_notice", lang, release=run.shown.release, date=release_date(run.shown),
                latest=run.latest.release, latest_date=release_date(run.latest)))
            # `latest` in the link unpins (a missing parameter would not: the session keeps the pin)
            latest = view_state.to_params(state.with_(release=view_state.LATEST), params)
            latest |= {"release": view_state.LATEST_TEXT}
            st.page_link(page_path, label=_t("newer_link", lang, latest=run.latest.release),
                         icon=":material/update:", query_params=latest)


def show_update_notice(run: RunRelease, state: view_state.ViewState, params: Sequence[str], page_path: str,
                       lang: str) -> None:
    """Above the page, when a release was published while this session was open: "数据已更新到版本 N", and
    a link that keeps the release the user was looking at (pinned), until they dismiss it."""
    update = data_access.release_update()
    if update is None or run.pinned:
        if run.pinned:  # the user chose a release: the pinned-link notice speaks from here on
            data_access.dismiss_update()
        return
    previous, _ = update
    with st.container(border=True, key="release_updated"):
        st.markdown(":material/update: " + _t("updated_notice", lang, latest=run.latest.release,
                                              date=release_date(run.latest), by=plain(publisher(run.latest, lang)),
                                              previous=previous))
        left, right = st.columns(2, vertical_alignment="center")
        keep = view_state.to_params(state.with_(release=previous), params)
        left.page_link(page_path, label=_t("updated_keep", lang, previous=previous), icon=":material/history:",
                       query_params=keep)
        right.button(_t("updated_ok", lang), key="release_updated_ok", on_click=data_access.dismiss_update)


def show_store_error(err: StoreUnavailable, lang: str) -> None:
    """The store cannot be read: which URL, the store's reason, what to do. Never a traceback."""
    st.error(_t("store_error_title", lang), icon=":material/database:")
    st.markdown(f"**{_t('store_error_url', lang)}**")
    st.code(err.url, language=None, wrap_lines=True)
    st.markdown(f"**{_t('store_error_detail', lang)}** {plain(err.detail)}")
    st.markdown(_t("store_error_todo", lang))


def history_table(releases: Sequence[ReleaseInfo], lang: str) -> pd.DataFrame:
    """One row per release, newest first: id, time, who, note, file names, number of values."""
    return pd.DataFrame([
        {_t("col_release", lang): r.release,
         _t("col_created", lang): local_time(r.created_at).strftime("%Y-%m-%d %H:%M"),
         _t("col_by", lang): publisher(r, lang),
         _t("col_note", lang): r.note,
         _t("col_files", lang): "; ".join(str(f.get("name", "")) for f in r.files),
         _t("col_values", lang): r.values}
        for r in reversed(releases)
    ])


def files_table(info: ReleaseInfo, lang: str) -> pd.DataFrame:
    return pd.DataFrame([
        {_t("col_file", lang): f.get("name") or "", _t("col_sheet", lang): f.get("sheet") or "",
         _t("col_size", lang): f.get("size"), _t("col_sha256", lang): f.get("sha256") or ""}
        for f in info.files
    ])


def show_history(releases: Sequence[ReleaseInfo], lang: str) -> None:
    """The release history with notes and files, and each release's import report (as tables)."""
    st.header(_t("history", lang))
    st.caption(_t("history_intro", lang) + " " + t("release_report.time_note", lang))
    st.dataframe(history_table(releases, lang), hide_index=True, key="release_history",
                 column_config={_t("col_release", lang): st.column_config.NumberColumn(format="%d")})
    # one release's report at a time (a chooser, not one expander per release: the history only grows)
    by_id = {r.release: r for r in releases}
    chosen = st.selectbox(_t("report_pick", lang), options=list(reversed(by_id)), key="release_report",
                          format_func=lambda n: _t("report_heading", lang, release=n))
    info = by_id[chosen]
    if info.files:
        st.caption(_t("report_files", lang))
        st.dataframe(files_table(info, lang), hide_index=True, key="release_files")
    if info.report:  # tables of plain cells: the report is data (file names, typed values)
        st.dataframe(report_view.summary_table(info.report, lang), hide_index=True, key="release_report_summary")
        files = report_view.files_table(info.report, lang)
        if not files.empty:
            st.dataframe(files, hide_index=True, key="release_report_files")
        issues = report_view.issues_table(info.report, lang)
        if not issues.empty:
            st.caption(t("release_report.issues", lang))
            st.dataframe(issues, hide_index=True, key="release_report_issues")
    else:
        st.caption(_t("report_none", lang))
