"""Map data: what each district shows and in which class. Pure: DataFrames in and out, no Streamlit.

- `map_frame`: one row per current district for an indicator and year (value, rank of all
  districts with data, status, source, display texts), districts without data kept with NaN;
- `classify_frame`: the classes to colour by (policy classes from the standard for funding per
  capita, mapclassify breaks or continuous otherwise) and their legend entries;
- `check_frame`: one year of the funding-status map shared by the overview, funding and briefing pages.
The Leaflet view of the same frames is `dashboard.map.leaflet_view`, imported only when a user asks for it
(folium and streamlit-folium cost every server process memory and start-up time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from plotly.colors import sample_colorscale

from dashboard.charts.figures import MapClass
from dashboard.formatting import DECIMALS, legend_text, other_lang, value_text
from dashboard.i18n import t
from lcity_data.catalog import load_catalog
from lcity_data.citation import short_source, status_suffix
from lcity_data.classify import NO_DATA, class_breaks, policy_classes, standard_for_indicator
from lcity_data.loading import mixed_sources
from lcity_data.provenance import any_illustrative, ratio_provenance
from lcity_data.ranking import competition_rank
from lcity_data.registry import load_registry

SEQUENTIAL = "YlGnBu"


def status_text(status: object, lang: str, source: object = None, mixed: bool = False) -> str:
    """official / derived / reported / illustrative in the UI language (示例 for illustrative); with the
    row's source, an official figure resting on a C-grade document or copy reads 官方（待核实）; "mixed
    sources" when a computed value's inputs mix real and sample data."""
    if not isinstance(status, str) or not status:
        return t("status.missing", lang)
    text = t(f"status.{status}", lang) + status_suffix(status, source, lang)
    return t("import_returns.status_mixed", lang, status=text) if mixed else text


def rank_text(rank: float, n: int, lang: str) -> str:
    if pd.isna(rank):
        return ""
    return t("map.rank", lang, rank=int(rank), n=n)


def map_frame(table: pd.DataFrame, indicator_id: str, year: int, lang: str,
              selected: Iterable[str] | None = None,
              mixes: set[tuple[str, int, str]] | None = None) -> pd.DataFrame:
    """One row per current district (registry order) with the indicator's value in `year`.

    Columns: adcode, name, name_alt, value, unit, status, mixed (inputs mix real and sample data),
    source (the original document, `citation.short_source`: the map, its hover and ranking table are shown
    and handed out; the copies read and their addresses are in the Sources panel and on the About page),
    note, rank, selected, and the display texts value_text, rank_text, status_text, year. Rank 1 = best
    (highest, or lowest when the catalog says lower is better) among all districts with data, whatever the
    selection.
    `mixes`: `mixed_sources(table, indicator_id)` when the caller already has it (every year of a map
    shares it; it does not depend on the year).
    """
    cat = load_catalog()
    reg = load_registry()
    ind = cat.indicator(indicator_id)
    other = other_lang(lang)
    sub = table[(table["indicator"] == indicator_id) & (table["year"] == year)].set_index("adcode")
    chosen = set(reg.adcodes if selected is None else selected)
    if mixes is None:
        mixes = mixed_sources(table, indicator_id) if ind.derived else set()
    rows = []
    for adcode in reg.adcodes:
        d = reg.district(adcode)
        r = sub.loc[adcode] if adcode in sub.index else None
        value = float(r["value"]) if r is not None and pd.notna(r["value"]) else math.nan
        rows.append({
            "adcode": adcode, "name": d.name(lang), "name_alt": d.name(other), "value": value,
            "unit": ind.unit, "status": r["status"] if r is not None else None,
            "source": short_source(r["source"], lang) if r is not None else "",
            "note": r["note"] if r is not None else "",
            "selected": adcode in chosen, "year": year, "mixed": (adcode, year, indicator_id) in mixes,
        })
    frame = pd.DataFrame(rows)
    frame["rank"] = competition_rank(frame["value"], DECIMALS.get(ind.unit, 2), ind.direction != "lower")
    n = int(frame["value"].notna().sum())
    frame["value_text"] = [value_text(v, ind.unit, lang) for v in frame["value"]]
    frame["rank_text"] = [rank_text(r, n, lang) for r in frame["rank"]]
    frame["status_text"] = [status_text(s, lang, sub["source"].get(a), m) for s, a, m in
                            zip(frame["status"], frame["adcode"], frame["mixed"], strict=True)]
    return frame


def policy_legend(standard_id: str | None, lang: str, minimum: float | None = None,
                  target: float | None = None) -> list[MapClass]:
    """Legend entries of a standard's status classes: icon + text + threshold range + unit."""
    cat = load_catalog()
    std = cat.standard(standard_id)
    styles = cat.status_styles
    unit = std.unit_label(lang)
    lo = float(std.minimum if minimum is None else minimum)
    hi = std.target if target is None else target
    hi = None if hi is None else float(hi)

    def num(x: float) -> str:
        return f"{x:,.{std.precision}f}".rstrip("0").rstrip(".")

    ranges = {"below_minimum": f"< {num(lo)} {unit}"}
    if hi is None:
        ranges["meets_minimum"] = f"≥ {num(lo)} {unit}"
    else:
        ranges["meets_minimum"] = f"{num(lo)}–{num(hi)} {unit}"
        ranges["meets_target"] = f"≥ {num(hi)} {unit}"
    return [
        MapClass(key, t("map.policy_class", lang, icon=styles[key]["icon"], status=styles[key][lang], range=rng),
                 styles[key]["color"])
        for key, rng in ranges.items()
    ]


def sequential_colors(k: int) -> list[str]:
    if k <= 0:
        return []
    if k == 1:
        return sample_colorscale(SEQUENTIAL, [0.6])
    return sample_colorscale(SEQUENTIAL, [0.15 + 0.85 * i / (k - 1) for i in range(k)])


def classify_frame(frame: pd.DataFrame, indicator_id: str, method: str, k: int, lang: str,
                   ) -> tuple[pd.Series, list[MapClass] | None, str]:
    """(class key per row, legend classes or None for continuous, scheme actually used).

    Funding per capita always uses the standard's fixed policy classes (thresholds from the
    catalog); other indicators use `method` (quantiles / natural_breaks / equal_interval) or
    `continuous`. Only selected districts are classified.
    """
    ind = load_catalog().indicator(indicator_id)
    values = frame["value"].where(frame["selected"])
    std = standard_for_indicator(indicator_id)
    if std is not None:
        result = policy_classes(values, std)
        return pd.Series(result.keys(), index=frame.index), policy_legend(std.id, lang), "policy"
    if method == "continuous":
        return pd.Series([None if pd.isna(v) else "value" for v in values], index=frame.index), None, "continuous"
    result = class_breaks(values, method, k)
    colors = sequential_colors(result.k)
    top = max((max(abs(b.lower), abs(b.upper)) for b in result.bins), default=0.0)
    legend = [MapClass(b.key, legend_text((b.lower, b.upper), ind.unit, lang, top), color)
              for b, color in zip(result.bins, colors, strict=True)]
    keys = [None if i == NO_DATA else result.bins[i].key for i in result.ids]
    return pd.Series(keys, index=frame.index), legend, method


def apply_classes(frame: pd.DataFrame, indicator_id: str, method: str, k: int, lang: str,
                  ) -> tuple[pd.DataFrame, list[MapClass] | None, str]:
    """`frame` with class_key and class_text (the legend label of the district's class) added."""
    keys, classes, scheme = classify_frame(frame, indicator_id, method, k, lang)
    label_of = {c.key: c.label for c in classes or ()}
    out = frame.assign(class_key=keys, class_text=[label_of.get(k, "") if k else "" for k in keys])
    return out, classes, scheme


def hover_labels(lang: str) -> dict[str, str]:
    return {
        "value": t("common.value", lang), "rank": t("common.rank", lang), "year": t("common.year", lang),
        "status": t("common.status", lang), "source": t("common.source", lang), "note": t("common.note", lang),
        "marker_filled": t("trends.marker_filled", lang), "marker_open": t("trends.marker_open", lang),
        "not_selected": t("map.not_selected", lang), "class": t("common.class", lang),
        "progress": t("progress.hover", lang),
    }


def shows_illustrative(frame: pd.DataFrame) -> bool:
    """Whether any selected district on a map frame carries illustrative (made-up) values."""
    return any_illustrative(frame.loc[frame["selected"].astype(bool), "status"])


def check_frame(check: pd.DataFrame, lang: str, selected: Iterable[str]) -> pd.DataFrame:
    """A `map_frame`-shaped table from one year of `funding.funding_check`: per-capita value and status.

    class_key = the funding status (None for no_data, drawn grey); class_text = icon + status text.
    """
    cat = load_catalog()
    std = cat.standard(check["standard"].iloc[0])
    styles = cat.status_styles
    other = other_lang(lang)
    chosen = set(selected)
    frame = pd.DataFrame({
        "adcode": check["adcode"],
        "name": check[f"district_{lang}"],
        "name_alt": check[f"district_{other}"],
        "value": [math.nan if v is None or pd.isna(v) else float(v) for v in check["per_capita"]],
        "unit": std.unit,
        "year": check["year"],
        "selected": [a in chosen for a in check["adcode"]],
        "class_key": [None if s == "no_data" else s for s in check["status"]],
        "class_text": [f"{styles[s]['icon']} {styles[s][lang]}" for s in check["status"]],
    })
    statuses = []
    mixes = []
    sources = []
    for ns, ds, nsrc, dsrc in zip(check["numerator_status"], check["denominator_status"],
                                  check["numerator_source"], check["denominator_source"], strict=True):
        status, mix = ratio_provenance(ns, ds)
        statuses.append(status)
        mixes.append(mix)
        parts = [s for s in (nsrc, dsrc) if isinstance(s, str) and s]
        sources.append(short_source(parts[0] if len(set(parts)) == 1 else " ÷ ".join(parts), lang))
    frame["status"] = statuses
    frame["mixed"] = mixes
    frame["source"] = sources
    frame["note"] = ""
    frame["rank"] = competition_rank(frame["value"], DECIMALS.get(std.unit, 2))
    n = int(frame["value"].notna().sum())
    frame["value_text"] = [value_text(v, std.unit, lang) for v in frame["value"]]
    frame["rank_text"] = [rank_text(r, n, lang) for r in frame["rank"]]
    frame["status_text"] = [status_text(s, lang, mixed=m) for s, m in zip(frame["status"], frame["mixed"], strict=True)]
    return frame.reset_index(drop=True)
