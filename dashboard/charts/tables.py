"""Tables the pages show (and download): pure pandas, column headers in the UI language.

Values stay in their base unit with a unit column (or the unit in the header), rounded to the
reporting precision the screen shows (formatting.DECIMALS), so a download reads like the screen: no
1.6800000000000002. Only headers and labels are translated. What a page displays is exactly what its
download buttons write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from dashboard.formatting import DECIMALS, unit_label
from dashboard.i18n import t
from dashboard.map.maps import status_text
from lcity_data.catalog import MISSING, STATUSES, load_catalog
from lcity_data.citation import format_source, is_unverified
from lcity_data.provenance import derived_status, is_official, ratio_provenance
from lcity_data.ranking import at_precision
from lcity_data.registry import load_registry

PROVENANCE = STATUSES
# each status's colour and icon (catalog/statuses.toml), then those of a missing value
PROVENANCE_COLORS = {s: mark.color for s, mark in load_catalog().status_marks().items()}
PROVENANCE_ICONS = {s: mark.icon for s, mark in load_catalog().status_marks().items()}
SOURCE_SEP = " | "  # between the distinct sources of one table row (a citation itself may hold "；")


def col(key: str, lang: str) -> str:
    return t(f"col.{key}", lang)


def reported(values: Iterable[float], unit: str) -> list[float]:
    """Values at the reporting precision of their unit (the decimals the screen shows), NaN kept."""
    return list(at_precision(list(values), DECIMALS.get(unit, 2)))


def with_unit(header: str, unit: str) -> str:
    """'变化量 (元/人)': a header that carries its unit."""
    return f"{header} ({unit})"


def sources_by_year(sources: pd.Series, years: pd.Series, lang: str) -> str:
    """Each distinct source once, as cited for people (grade first), with the years it covers:
    'A（2010–2014年）；A ÷ B（2015年）'."""
    frame = pd.DataFrame({"source": list(sources), "year": list(years)}).dropna()
    frame = frame[frame["source"].astype(str).str.strip() != ""]
    groups = list(dict.fromkeys(frame["source"]))
    if len(groups) == 1:
        return format_source(groups[0], lang)
    return t("defects.source_sep", lang).join(
        t("defects.source_years", lang, source=format_source(s, lang),
          years=_years_text(frame.loc[frame["source"] == s, "year"]))
        for s in groups)


def district_names(adcodes: Iterable[str], lang: str) -> dict[str, str]:
    reg = load_registry()
    return {a: reg.name(a, lang) for a in adcodes}


def filter_table(table: pd.DataFrame, indicators: Sequence[str] | None, adcodes: Sequence[str],
                 years: tuple[int, int]) -> pd.DataFrame:
    """Rows for the chosen indicators (None = all), districts and inclusive year range."""
    mask = table["adcode"].isin(adcodes) & table["year"].between(years[0], years[1])
    if indicators is not None:
        mask &= table["indicator"].isin(indicators)
    return table[mask]


def _order(df: pd.DataFrame) -> pd.DataFrame:
    reg = load_registry()
    cat = load_catalog()
    rank_d = {a: i for i, a in enumerate(reg.adcodes)}
    rank_i = {k: i for i, k in enumerate(cat.indicators)}
    return df.assign(_d=df["adcode"].map(rank_d).fillna(99), _i=df["indicator"].map(rank_i).fillna(99)).sort_values(
        ["_i", "_d", "adcode", "year"]).drop(columns=["_d", "_i"])


def long_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The long table with readable names: district, adcode, year, indicator, value, unit, status, source, note."""
    cat = load_catalog()
    reg = load_registry()
    rows = _order(rows)
    return pd.DataFrame({
        col("district", lang): [reg.name(a, lang) for a in rows["adcode"]],
        col("adcode", lang): list(rows["adcode"]),
        col("year", lang): list(rows["year"].astype(int)),
        col("indicator", lang): [cat.indicator(i).name(lang) for i in rows["indicator"]],
        col("value", lang): [reported([v], u)[0] for u, v in zip(rows["unit"], rows["value"].astype(float),
                                                                  strict=True)],
        col("unit", lang): [unit_label(u, lang) for u in rows["unit"]],
        col("status", lang): [status_text(s, lang, src) for s, src in zip(rows["status"], rows["source"], strict=True)],
        col("source", lang): [format_source(s, lang) for s in rows["source"]],
        col("note", lang): list(rows["note"].fillna("")),
    } | provenance_columns(rows, lang))


def provenance_columns(rows: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """Release, file, sheet and row of each value, when the table carries them (store releases do)."""
    if "release" not in rows:
        return {}
    rows = rows.reset_index(drop=True)
    # a value with no file (the shipped sample, a derived figure) shows blank cells, never "None"
    return {
        t("store_app.col_release", lang): rows["release"].astype("Int64"),
        t("store_app.col_file", lang): rows["file"].astype("string").fillna(""),
        t("store_app.col_sheet", lang): rows["sheet"].astype("string").fillna(""),
        # whole numbers, and a blank where there is none (object column: the grid shows it as text)
        t("store_app.col_row", lang): pd.Series([r if pd.notna(r) else "" for r in
                                                 pd.to_numeric(rows["row"], errors="coerce").astype("Int64")],
                                                dtype=object),
    }


def wide_table(rows: pd.DataFrame, lang: str, years: Sequence[int]) -> pd.DataFrame:
    """District (× indicator) rows, one column per year; unit, statuses and sources per row."""
    cat = load_catalog()
    reg = load_registry()
    rows = _order(rows)
    out = []
    for (ind_id, adcode), grp in rows.groupby(["indicator", "adcode"], sort=False):
        unit = cat.indicator(ind_id).unit
        by_year = pd.Series(reported(grp["value"].astype(float), unit), index=grp["year"])
        rec = {
            col("district", lang): reg.name(adcode, lang),
            col("adcode", lang): adcode,
            col("indicator", lang): cat.indicator(ind_id).name(lang),
            col("unit", lang): unit_label(cat.indicator(ind_id).unit, lang),
        }
        for y in years:
            rec[str(y)] = float(by_year[y]) if y in by_year.index else np.nan
        labels = pd.Series([status_text(s, lang, src) for s, src in zip(grp["status"], grp["source"], strict=True)],
                           index=grp.index)
        order = grp["status"].map({s: i for i, s in enumerate(PROVENANCE)}).fillna(len(PROVENANCE))
        rec[col("status", lang)] = "; ".join(
            f"{label} {_years_text(grp.loc[labels == label, 'year'])}"
            for label in dict.fromkeys(labels[order.sort_values(kind="stable").index]))
        rec[col("source", lang)] = sources_by_year(grp["source"], grp["year"], lang)
        if "release" in grp:
            rec[t("store_app.col_release", lang)] = "; ".join(
                str(r) for r in sorted({int(r) for r in grp["release"].dropna()}))
        out.append(rec)
    columns = [col("district", lang), col("adcode", lang), col("indicator", lang), col("unit", lang),
               *[str(y) for y in years], col("status", lang), col("source", lang)]
    if "release" in rows:
        columns.append(t("store_app.col_release", lang))
    return pd.DataFrame(out, columns=columns)


def _years_text(years: Iterable[int]) -> str:
    ys = sorted(int(y) for y in years)
    if not ys:
        return ""
    runs, start, prev = [], ys[0], ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            runs.append((start, prev))
            start = y
        prev = y
    runs.append((start, prev))
    return ",".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def change_table(table: pd.DataFrame, indicator_id: str, adcodes: Sequence[str], y0: int, y1: int,
                 lang: str) -> pd.DataFrame:
    """Per district: value in y0 and y1, change and % change (blank where a year is missing), units in
    the headers, and the sources of the two values. The change is taken between the values as shown."""
    cat = load_catalog()
    reg = load_registry()
    ind = cat.indicator(indicator_id)
    unit = unit_label(ind.unit, lang)
    sub = table[table["indicator"] == indicator_id].set_index(["adcode", "year"])
    out = []
    for adcode in [a for a in reg.adcodes if a in set(adcodes)]:
        def get(y: int, field: str, a: str = adcode) -> object:
            return sub.loc[(a, y), field] if (a, y) in sub.index else None

        v0, v1 = (np.nan if v is None else reported([float(v)], ind.unit)[0] for v in (get(y0, "value"),
                                                                                       get(y1, "value")))
        delta = reported([v1 - v0], ind.unit)[0]
        pct = at_precision([delta / v0 * 100], DECIMALS["percent"])[0] if v0 else np.nan
        statuses = {s for s in (get(y0, "status"), get(y1, "status")) if s}
        status = next(iter(statuses)) if len(statuses) == 1 else derived_status(statuses)
        found = [(y, get(y, "source")) for y in (y0, y1) if get(y, "source")]
        out.append({
            col("district", lang): reg.name(adcode, lang),
            col("adcode", lang): adcode,
            with_unit(f"{y0}", unit): v0,
            with_unit(f"{y1}", unit): v1,
            with_unit(col("change", lang), unit): float(delta),
            with_unit(col("pct_change", lang), "%"): float(pct),
            col("status", lang): status_text(status, lang, " ÷ ".join(s for _, s in found if isinstance(s, str))),
            col("source", lang): sources_by_year(pd.Series([s for _, s in found]), pd.Series([y for y, _ in found]),
                                                 lang),
        })
    return pd.DataFrame(out)


def coverage_matrix(table: pd.DataFrame, indicator_id: str, adcodes: Sequence[str], years: Sequence[int],
                    lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labels, keys): district × year, each cell official / derived / illustrative / missing.

    `keys` holds the status ids (for colours), `labels` icon + text so the table reads without colour.
    """
    reg = load_registry()
    sub = table[table["indicator"] == indicator_id].set_index(["adcode", "year"])
    status, source = sub["status"], sub["source"]
    codes = [a for a in reg.adcodes if a in set(adcodes)]
    keys = pd.DataFrame(
        [[status.get((a, y), MISSING) if (a, y) in status.index else MISSING for y in years] for a in codes],
        index=pd.Index([reg.name(a, lang) for a in codes], name=t("col.district", lang)),
        columns=[str(y) for y in years],
    )
    labels = pd.DataFrame(
        [[f"{PROVENANCE_ICONS[keys.iloc[i, j]]} "
          f"{status_text(None if keys.iloc[i, j] == MISSING else keys.iloc[i, j], lang, source.get((a, y)))}"
          for j, y in enumerate(years)] for i, a in enumerate(codes)],
        index=keys.index, columns=keys.columns)
    return labels, keys


def provenance_counts(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """How many of the shown values are official / derived / illustrative: status, label, count, share,
    and `unverified`: how many of them rest on a C-grade document or copy (official ones only)."""
    total = len(rows)
    counts = rows["status"].value_counts()
    flagged = (sum(is_official(s) and is_unverified(src)
                   for s, src in zip(rows["status"], rows["source"], strict=True)) if "source" in rows else 0)
    out = []
    for s in PROVENANCE:
        n = int(counts.get(s, 0))
        out.append({"status": s, "label": status_text(s, lang), "count": n, "share": n / total if total else 0.0,
                    "unverified": flagged if is_official(s) else 0})
    return pd.DataFrame(out)


def funding_detail(check: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The funding check for one year, readable: district, per capita, funding status, data status, then the
    numerator and the population (basis). The three a reader needs come first, so a 1024 px screen or a
    phone shows them without scrolling sideways (the page pins the district column)."""
    cat = load_catalog()
    std = cat.standard(check["standard"].iloc[0]) if len(check) else cat.standard()
    styles = cat.status_styles
    num = cat.indicator(std.numerator)
    den = cat.indicator(std.denominator)
    basis = cat.basis_names[std.basis][lang]
    return pd.DataFrame({
        col("district", lang): check[f"district_{lang}"].tolist(),
        f"{std.value_label(lang)} ({std.unit_label(lang)})":
            [_f(v) for v in check["per_capita"]],
        col("funding_status", lang): [f"{styles[s]['icon']} {styles[s][lang]}" for s in check["status"]],
        col("data_status", lang): [
            status_text(status, lang, mixed=mix) for status, mix in (
                ratio_provenance(a, b)
                for a, b in zip(check["numerator_status"], check["denominator_status"], strict=True))],
        f"{num.name(lang)} ({unit_label(num.unit, lang)})": [_f(v) for v in check["numerator"]],
        f"{basis} ({unit_label(den.unit, lang)})": [_f(v) for v in check["denominator"]],
    })


def _f(v: object) -> float:
    return np.nan if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)  # type: ignore[arg-type]


def funding_matrix(checks: pd.DataFrame, adcodes: Sequence[str], lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labels, keys) district × year: 'icon value' per cell and the status keys (for colours)."""
    styles = load_catalog().status_styles
    reg = load_registry()
    codes = [a for a in reg.adcodes if a in set(adcodes)]
    years = sorted(int(y) for y in checks["year"].unique())
    sub = checks.set_index(["adcode", "year"])
    labels, keys = [], []
    for a in codes:
        lrow, krow = [], []
        for y in years:
            r = sub.loc[(a, y)] if (a, y) in sub.index else None
            status = r["status"] if r is not None else "no_data"
            pc = r["per_capita"] if r is not None else None
            text = styles[status]["icon"] + (f" {float(pc):,.2f}" if pc is not None and not pd.isna(pc) else "")
            lrow.append(text)
            krow.append(status)
        labels.append(lrow)
        keys.append(krow)
    index = [reg.name(a, lang) for a in codes]
    cols = [str(y) for y in years]
    return pd.DataFrame(labels, index=index, columns=cols), pd.DataFrame(keys, index=index, columns=cols)


MATRIX_STYLE = """
<style>
.lc-matrix-box { width: 100%; overflow-x: auto; }
.lc-matrix { width: 100%; table-layout: fixed; border-collapse: collapse; font-size: 0.8rem; }
.lc-matrix th, .lc-matrix td { border: 1px solid #FFFFFF; padding: 3px 2px; text-align: center;
                               overflow-wrap: anywhere; line-height: 1.25; }
.lc-matrix thead th { font-weight: 600; color: #333333; }
.lc-matrix tbody th { text-align: left; font-weight: 400; width: 5.5em; }
.lc-matrix thead th:first-child { width: 5.5em; }
</style>
"""


def matrix_html(labels: pd.DataFrame, keys: pd.DataFrame, colors: dict[str, str], corner: str) -> str:
    """A district × year matrix as a full-width HTML table, every text escaped: its columns shrink to
    the page (a 13-year grid scrolled 2021–2024 out of sight at 1024 px), cells coloured by status."""
    import html

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in labels.columns)
    rows = []
    for name in labels.index:
        cells = "".join(
            f'<td style="background-color: {colors.get(k, "#FFFFFF")}; color: {text_color(colors.get(k, "#FFFFFF"))}">'
            f"{html.escape(str(v))}</td>" for v, k in zip(labels.loc[name], keys.loc[name], strict=True))
        rows.append(f"<tr><th>{html.escape(str(name))}</th>{cells}</tr>")
    return (f'{MATRIX_STYLE}<div class="lc-matrix-box"><table class="lc-matrix"><thead><tr>'
            f'<th>{html.escape(corner)}</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def text_color(background: str) -> str:
    """Black or white text, whichever contrasts more with a #RRGGBB background (WCAG luminance)."""
    h = background.lstrip("#")
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def cell_styles(keys: pd.DataFrame, colors: dict[str, str]) -> pd.DataFrame:
    """CSS per cell (background + contrasting text) for a pandas Styler.apply(axis=None)."""
    return keys.map(lambda k: f"background-color: {colors.get(k, '#FFFFFF')}; "
                              f"color: {text_color(colors.get(k, '#FFFFFF'))}")


def status_counts(checks: pd.DataFrame, adcodes: Sequence[str],
                  statuses: Sequence[str] | None = None) -> pd.DataFrame:
    """Districts per funding status per year (index year, columns `statuses`, default funding.STATUS_ORDER)."""
    from lcity_data.funding import STATUS_ORDER

    sub = checks[checks["adcode"].isin(adcodes)]
    counts = sub.groupby(["year", "status"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(statuses or STATUS_ORDER), fill_value=0).sort_index()


def whatif_table(check: pd.DataFrame, whatif: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per district: the standard's value, status under the standard and under what-if thresholds."""
    cat = load_catalog()
    styles = cat.status_styles
    std = cat.standard(check["standard"].iloc[0]) if len(check) and "standard" in check else cat.standard()
    merged = check[["adcode", f"district_{lang}", "per_capita", "status"]].merge(
        whatif[["adcode", "status"]], on="adcode", suffixes=("", "_whatif"))
    return pd.DataFrame({
        col("district", lang): merged[f"district_{lang}"],
        f"{std.value_label(lang)} ({std.unit_label(lang)})": [_f(v) for v in merged["per_capita"]],
        col("status_standard", lang): [f"{styles[s]['icon']} {styles[s][lang]}" for s in merged["status"]],
        col("status_whatif", lang): [f"{styles[s]['icon']} {styles[s][lang]}" for s in merged["status_whatif"]],
        col("changed", lang): [t("common.yes", lang) if a != b else "" for a, b in
                               zip(merged["status"], merged["status_whatif"], strict=True)],
    })


def styler_number(unit: str) -> str:
    """A pandas Styler number format for a base unit (thousands separators, the unit's decimals)."""
    from dashboard.formatting import DECIMALS

    return f"{{:,.{DECIMALS.get(unit, 2)}f}}"
