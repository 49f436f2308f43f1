"""Key findings for Learning Week briefings, as sentences generated from the data (zh and en).

The numbers in a sentence come from the same funding check, trend series and composite index the
dashboard shows, so a slide can never say something the table does not. Templates live in
catalog/sentences.toml. Pure: no Streamlit, no dashboard imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from lcity_data.aggregate import city_series
from lcity_data.catalog import load_catalog
from lcity_data.composite import score_decimals, settings
from lcity_data.funding import funding_check
from lcity_data.numbers import decimals, shown_text
from lcity_data.ranking import shown
from lcity_data.registry import load_registry

TREND_INDICATOR = "funding_per_capita"
CITY = "city"  # the key of the city-wide series in a TrendFindings
SCORE_DECIMALS = score_decimals(settings()["default_normalisation"])  # slides show the default index


@dataclass(frozen=True)
class FundingFindings:
    """What changed in one year, for the districts shown."""

    year: int
    n_total: int
    n_missing: int
    n_min: int
    n_target: int
    minimum: Decimal
    target: Decimal | None
    largest_rise: tuple[str, ...]
    largest_delta: Decimal | None
    crossed_min: tuple[str, ...]
    crossed_target: tuple[str, ...]
    dropped_min: tuple[str, ...]  # met the minimum last year, below it now
    n_compared: int  # districts with a value in both years (only these can have crossed a line)
    below_min: tuple[str, ...] = ()  # below the minimum this year (registry order of the check)


def funding_findings(df: pd.DataFrame, year: int, standard_id: str | None = None,
                     adcodes: list[str] | None = None) -> FundingFindings:
    """Counts against the standard, who crossed a line since the previous year, and the largest rise."""
    std = load_catalog().standard(standard_id)
    now = funding_check(df, year, standard_id).set_index("adcode")
    before = funding_check(df, year - 1, standard_id).set_index("adcode")
    if adcodes is not None:
        now, before = now.loc[adcodes], before.loc[adcodes]
    meets_min = now["status"].isin(["meets_minimum", "meets_target"])
    was_min = before["status"].isin(["meets_minimum", "meets_target"])
    both = now["per_capita"].notna() & before["per_capita"].notna()
    deltas = (now.loc[both, "per_capita"] - before.loc[both, "per_capita"]) if both.any() else pd.Series(dtype=object)
    largest = max(deltas) if len(deltas) else None
    rise = tuple(deltas.index[deltas == largest]) if largest is not None and largest > 0 else ()
    return FundingFindings(
        year=year, n_total=len(now), n_missing=int((now["status"] == "no_data").sum()),
        n_min=int(meets_min.sum()), n_target=int((now["status"] == "meets_target").sum()),
        minimum=std.minimum, target=std.target,
        largest_rise=rise, largest_delta=largest if rise else None,
        crossed_min=tuple(now.index[meets_min & ~was_min & (before["status"] != "no_data")]),
        crossed_target=tuple(now.index[(now["status"] == "meets_target") & (before["status"] != "meets_target")
                                       & (before["status"] != "no_data")]),
        dropped_min=tuple(now.index[(now["status"] == "below_minimum") & was_min]),
        n_compared=int(both.sum()),
        below_min=tuple(now.index[now["status"] == "below_minimum"]),
    )


def _number(value: Decimal) -> str:
    """4 → '4', 10.50 → '10.5': thresholds and changes as a person would say them."""
    return format(value.normalize(), "f")


def _signed(delta: Decimal) -> str:
    """+7.00 → '+7', +2.10 → '+2.1': a change as a person would say it."""
    return f"{delta:+.2f}".rstrip("0").rstrip(".")


def _names(adcodes: tuple[str, ...], lang: str) -> str:
    reg = load_registry()
    return load_catalog().sentences(lang)["list_sep"].join(reg.district(a).name(lang) for a in adcodes)


def _largest(adcodes: tuple[str, ...], delta: Decimal | None, lang: str) -> str:
    """'；北仑区增幅最大（+7元）', or the tied wording when several share the largest rise."""
    if not adcodes or delta is None:
        return ""
    t = load_catalog().sentences(lang)
    template = t["largest_tied"] if len(adcodes) > 1 else t["largest"]
    return template.format(names=_names(adcodes, lang), delta=_signed(delta))


def funding_sentence(f: FundingFindings, lang: str) -> str:
    """One sentence with the year's key funding finding, e.g. '2024年，10个区（县、市）中有8个…'."""
    t = load_catalog().sentences(lang)
    if f.n_missing == f.n_total:
        return t["no_data"].format(year=f.year)
    key = "funding" if f.target is not None else "funding_no_target"
    text = t[key].format(year=f.year, n_total=f.n_total, n_min=f.n_min, n_target=f.n_target,
                         minimum=_number(f.minimum), target=_number(f.target) if f.target is not None else "")
    if f.n_missing:
        text += t["missing"].format(n_missing=f.n_missing)
    if f.below_min:
        text += t["below_min"].format(names=_names(f.below_min, lang), minimum=_number(f.minimum))
    text += _largest(f.largest_rise, f.largest_delta, lang)
    if f.crossed_min:
        text += t["crossed_min"].format(names=_names(f.crossed_min, lang), minimum=_number(f.minimum))
    if f.crossed_target and f.target is not None:
        text += t["crossed_target"].format(names=_names(f.crossed_target, lang), target=_number(f.target))
    return text + t["end"]


def crossing_sentence(f: FundingFindings, lang: str) -> str:
    """Who crossed the minimum or target line since the previous year, who fell back below the minimum,
    and the largest rise — the 'what changed' slide, without repeating the year's counts."""
    t = load_catalog().sentences(lang)
    fmt = {"year": f.year, "previous": f.year - 1, "minimum": _number(f.minimum),
           "target": _number(f.target) if f.target is not None else ""}
    if f.n_missing == f.n_total:
        return t["no_data"].format(**fmt)
    if f.n_compared == 0:
        return t["crossing_no_previous"].format(**fmt)
    parts = []
    if f.crossed_min:
        parts.append(t["crossing_min"].format(names=_names(f.crossed_min, lang), **fmt))
    if f.crossed_target and f.target is not None:
        parts.append(t["crossing_target"].format(names=_names(f.crossed_target, lang), **fmt))
    if f.dropped_min:
        parts.append(t["crossing_dropped"].format(names=_names(f.dropped_min, lang), **fmt))
    if parts:
        text = t["crossing_since"].format(**fmt) + t["crossing_sep"].join(parts)
    else:
        text = t["crossing_none" if f.target is not None else "crossing_none_no_target"].format(**fmt)
    uncompared = f.n_total - f.n_missing - f.n_compared
    if uncompared > 0:
        text += t["crossing_uncompared"].format(n=uncompared, **fmt)
    return text + _largest(f.largest_rise, f.largest_delta, lang) + t["end"]


# ------------------------------------------------------------------------------------------- trends

@dataclass(frozen=True)
class Change:
    """A series' first and last value inside a window (its own first and last years with data)."""

    key: str  # an adcode, or CITY
    start_year: int
    end_year: int
    start: Decimal
    end: Decimal

    @property
    def delta(self) -> Decimal:
        return self.end - self.start


@dataclass(frozen=True)
class TrendFindings:
    """Per-person funding over a window: the city and each district shown, and the largest rise."""

    start_year: int
    end_year: int
    n_total: int  # districts shown
    city: Change | None  # None when fewer than two years have a complete city figure
    districts: tuple[Change, ...]  # districts with at least two years of data, registry order
    largest_rise: tuple[str, ...]
    largest_delta: Decimal | None


def _change(key: str, years: pd.Series, values: pd.Series, decimals: int) -> Change | None:
    """First and last non-missing value (rounded to the reporting precision), or None with < 2 years."""
    have = pd.DataFrame({"year": years, "value": values}).dropna().sort_values("year")
    if have["year"].nunique() < 2:
        return None
    step = Decimal(1).scaleb(-decimals)
    first, last = have.iloc[0], have.iloc[-1]

    def exact(v: float) -> Decimal:
        return Decimal(repr(float(v))).quantize(step, rounding=ROUND_HALF_UP)

    return Change(key, int(first["year"]), int(last["year"]), exact(first["value"]), exact(last["value"]))


def trend_findings(df: pd.DataFrame, years: tuple[int, int], adcodes: list[str] | None = None) -> TrendFindings:
    """How per-person funding changed from the first to the last year with data in `years` (inclusive).

    The city series is the one the trends chart draws (Σ funding ÷ Σ population, complete years only);
    district values are the table's per-person rows. A series needs two years with data to have a change.
    """
    reg = load_registry()
    ind = load_catalog().indicator(TREND_INDICATOR)
    shown = [a for a in reg.adcodes if adcodes is None or a in adcodes]
    start, end = years
    rows = df[(df["indicator"] == TREND_INDICATOR) & df["year"].between(start, end)]
    changes = []
    for adcode in shown:
        sub = rows[rows["adcode"] == adcode]
        change = _change(adcode, sub["year"], sub["value"], ind.precision)
        if change is not None:
            changes.append(change)
    city = city_series(df, TREND_INDICATOR, years=range(start, end + 1))
    rises = [c for c in changes if c.delta > 0]
    largest = max((c.delta for c in rises), default=None)
    return TrendFindings(
        start_year=start, end_year=end, n_total=len(shown),
        city=_change(CITY, city["year"], city["value"], ind.precision), districts=tuple(changes),
        largest_rise=tuple(c.key for c in rises if c.delta == largest), largest_delta=largest,
    )


def trend_lead(f: TrendFindings) -> Change | None:
    """The series a trend slide leads with: the one district shown, else the city."""
    if f.n_total == 1:
        return f.districts[0] if f.districts else None
    return f.city


def trend_sentence(f: TrendFindings, lang: str) -> str:
    """'全市2014–2024年人均经费从3.92元增至7.66元；北仑区增幅最大（+5.2元）。' (one district: its own change)."""
    t = load_catalog().sentences(lang)
    window = {"start_year": f.start_year, "end_year": f.end_year}
    single = f.n_total == 1
    lead = trend_lead(f)
    if lead is None and (single or not f.largest_rise):
        return t["trend_no_data"].format(**window)
    if lead is None:
        text = t["trend_no_city"].format(**window)
    else:
        name = t["city"] if lead.key == CITY else load_registry().district(lead.key).name(lang)
        key = "trend_up" if lead.delta > 0 else "trend_down" if lead.delta < 0 else "trend_flat"
        text = t[key].format(name=name, start_year=lead.start_year, end_year=lead.end_year,
                             start=f"{lead.start:.2f}", end=f"{lead.end:.2f}")
    if not single:
        text += _largest(f.largest_rise, f.largest_delta, lang)
        if f.n_total > len(f.districts):
            text += t["trend_missing"].format(n_missing=f.n_total - len(f.districts))
    return text + t["end"]


# ------------------------------------------------------------------------------------------ ranking

@dataclass(frozen=True)
class RankingFindings:
    """Who leads the composite index among the districts shown."""

    year: int
    n_total: int
    n_ranked: int  # districts shown that have an index (the others lack data)
    top: tuple[str, ...]  # several when they share the top score at the precision shown
    top_score: Decimal | None


def index_score(value: float) -> Decimal:
    """An index value at the precision slides show it (half up), the same for labels and for ties."""
    return shown(value, SCORE_DECIMALS)


def ranking_findings(index: pd.DataFrame, year: int, adcodes: list[str] | None = None) -> RankingFindings:
    """The leader(s) of `composite.compute_index` output for `year` among `adcodes`.

    Scores are compared at the one decimal a slide shows: two districts printed as 75.5 are announced
    as tied, because a difference nobody can see is not one a presenter should call a ranking.
    """
    reg = load_registry()
    shown = [a for a in reg.adcodes if adcodes is None or a in adcodes]
    sub = index[(index["year"] == year) & index["adcode"].isin(shown)]
    scores = {a: index_score(v) for a, v in zip(sub["adcode"], sub["index"], strict=True) if pd.notna(v)}
    best = max(scores.values(), default=None)
    return RankingFindings(year=year, n_total=len(shown), n_ranked=len(scores),
                           top=tuple(a for a in shown if best is not None and scores.get(a) == best), top_score=best)


def ranking_sentence(f: RankingFindings, lang: str) -> str:
    """'2024年综合指数中，宁海县、北仑区并列第一（75.5分，共10个区（县、市）参与排名）。'"""
    t = load_catalog().sentences(lang)
    if not f.top or f.top_score is None:
        return t["ranking_no_data"].format(year=f.year)
    key = "ranking_single" if f.n_ranked == 1 else "ranking_tied" if len(f.top) > 1 else "ranking_top"
    text = t[key].format(year=f.year, names=_names(f.top, lang), score=f"{f.top_score}", n_ranked=f.n_ranked)
    if f.n_total > f.n_ranked:
        text += t["ranking_missing"].format(n_missing=f.n_total - f.n_ranked)
    return text + t["end"]


# ------------------------------------------------------------------------------------------ profile


def standing_sentence(name: str, value: float, unit: str, rank: int, n_ranked: int, city: float | None,
                      status: str | None, lang: str) -> str:
    """'终身学习参与率 48.2 %，全市第 2，高于全市 6.1 个百分点' for a district profile's strengths and gaps.

    The comparison is made at the precision the value is shown at; an illustrative value says so.
    """
    t = load_catalog().sentences(lang)
    places = decimals(unit)
    text = t["standing"].format(name=name, value=shown_text(shown(value, places), unit, lang), rank=rank, n=n_ranked)
    if city is not None:
        diff = shown(value, places) - shown(city, places)
        if diff == 0:
            text += t["standing_equal"]
        else:
            amount = (t["points"].format(value=f"{abs(diff):,.{places}f}") if unit == "percent"
                      else shown_text(abs(diff), unit, lang))
            text += t["standing_above" if diff > 0 else "standing_below"].format(diff=amount)
    if status == "illustrative":
        text += t["illustrative"]
    return text
