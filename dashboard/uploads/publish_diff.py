"""What a publish would change, as an editor checks it before confirming (Import page, issue 21):

- `changes_table`: each changed value in the unit the return is written in (万元, 万人: the template's
  unit, lcity_data/catalog/reporting_units.toml), with thousands separators, before → after, and the
  values the plausibility check warned about flagged;
- `per_capita_table`: for every district and year the publish touches, per-capita funding, its funding
  status and its data status before → after, flagged when one of its inputs was warned about;
- `warnings_key`: the (district, year, indicator) of each warning, so both tables can flag it.
Pure pandas: the page (dashboard/uploads/publish_view.py) only shows these.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.i18n import t
from dashboard.map.maps import status_text
from lcity_data.catalog import load_catalog
from lcity_data.collection.template import columns as template_columns
from lcity_data.funding import funding_check
from lcity_data.plausibility import Implausible
from lcity_data.provenance import ratio_provenance
from lcity_data.registry import load_registry
from lcity_data.store import PublishPlan

Key = tuple[str, int, str]
FLAG = "⚠"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"publish_diff.{key}", lang, **fmt)


def warnings_key(warnings: Iterable[Implausible]) -> set[Key]:
    return {(w.adcode, int(w.year), w.indicator) for w in warnings if w.adcode and w.year and w.indicator}


def _number(value: float | None, decimals: int, trim: bool = True) -> str:
    """Thousands separators; trailing zeros trimmed for typed values (523.2 万元), kept for per-capita
    figures, which are compared at their precision (8.00 元/人)."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if trim and "." in text else text


def changes_table(plan: PublishPlan, warned: set[Key], lang: str) -> pd.DataFrame:
    """Changed values in the reporting unit, before → after, warned rows first and flagged."""
    reg, cat = load_registry(), load_catalog()
    rows = []
    for c in plan.changed:
        known = c["indicator"] in cat.indicators
        column = template_columns([c["indicator"]])[0] if known else None
        factor = column.factor if column else 1.0
        unit = getattr(column, f"unit_{lang}") if column else ""
        old, new = (None if c[k] is None else float(c[k]) / factor for k in ("old", "new"))
        flagged = (c["adcode"], int(c["year"]), c["indicator"]) in warned
        rows.append({
            _t("flag", lang): FLAG if flagged else "",
            t("col.district", lang): reg.name(c["adcode"], lang) if c["adcode"] in reg.adcodes else c["adcode"],
            t("col.year", lang): str(int(c["year"])),
            t("col.indicator", lang): cat.indicator(c["indicator"]).name(lang) if known else c["indicator"],
            # one cell, unit at the end: the change stays in view at 1024 px
            _t("change", lang): f"{_number(old, 2)} → {_number(new, 2)} {unit}".rstrip(),
        })
    out = pd.DataFrame(rows, columns=[_t("flag", lang), t("col.district", lang), t("col.year", lang),
                                      t("col.indicator", lang), _t("change", lang)])
    return out.sort_values(_t("flag", lang), ascending=False, kind="stable", ignore_index=True)


def per_capita_table(before: pd.DataFrame, after: pd.DataFrame, touched: Iterable[Key], warned: set[Key],
                     lang: str) -> pd.DataFrame:
    """Per-capita funding, funding status and data status before → after for each district-year touched
    (the standard's own inputs only), warned district-years first and flagged."""
    cat = load_catalog()
    std = cat.standard()
    styles = cat.status_styles
    inputs = {std.numerator, std.denominator}
    pairs = sorted({(a, int(y)) for a, y, i in touched if i in inputs})
    rows = []
    for year in sorted({y for _, y in pairs}):
        checks = [funding_check(table, year, std.id).set_index("adcode") for table in (before, after)]
        for adcode in [a for a, y in pairs if y == year]:
            old, new = (c.loc[adcode] if adcode in c.index else None for c in checks)

            def value(r: pd.Series | None) -> str:
                return "—" if r is None else _number(r["per_capita"], std.precision, trim=False)

            def status(r: pd.Series | None) -> str:
                return "—" if r is None else f"{styles[r['status']]['icon']} {styles[r['status']][lang]}"

            def data(r: pd.Series | None) -> str:
                if r is None:
                    return "—"
                s, mixed = ratio_provenance(r["numerator_status"], r["denominator_status"])
                return status_text(s, lang, mixed=mixed)

            flagged = any((adcode, year, i) in warned for i in inputs)
            name = (new if new is not None else old)[f"district_{lang}"]
            rows.append({_t("flag", lang): FLAG if flagged else "", t("col.district", lang): name,
                         t("col.year", lang): str(year),
                         _t("per_capita", lang, unit=std.unit_label(lang)): f"{value(old)} → {value(new)}",
                         _t("funding_status", lang): f"{status(old)} → {status(new)}",
                         _t("data_status", lang): f"{data(old)} → {data(new)}"})
    out = pd.DataFrame(rows)
    return out.sort_values(_t("flag", lang), ascending=False, kind="stable", ignore_index=True) if rows else out
