"""One district in one year (区县画像): where it stands on every indicator, and why.

Why one module: the profile page, `python -m lcity_data profile` and every district section of the
annual report show the same numbers, and those numbers must equal the Funding check's (funding.py),
the Index page's (composite.py with the catalog weights; dimensions against the same median, from
composite.dimension_reference) and the map's ranks (the one tie rule in ranking.py, at the precision
lcity_data/numbers.py shows). The strengths-and-gaps sentences come from
the briefing's sentence builder (briefing.standing_sentence). Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pandas as pd

from lcity_data.aggregate import city_series
from lcity_data.briefing import standing_sentence
from lcity_data.catalog import STATUSES, load_catalog
from lcity_data.composite import compute_index, default_config, dimension_reference
from lcity_data.funding import city_per_capita, funding_check
from lcity_data.numbers import decimals
from lcity_data.ranking import competition_rank, shown
from lcity_data.registry import load_registry


@cache
def rules() -> dict:
    """How many strengths and gaps a profile names (catalog/evaluation.toml [profile])."""
    return dict(load_catalog().profile_rules())


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the district in the year, with the city figure, rank and change."""

    indicator: str
    unit: str
    direction: str  # higher | lower | neutral (catalog)
    value: float | None
    status: str | None
    source: str | None  # the table's source value (catalog ids, 'a ÷ b', or text from a return)
    city: float | None  # the city figure by the indicator's aggregate rule (None when incomplete)
    rank: int | None  # among the districts with a value, competition ranking at the shown precision
    n_ranked: int
    previous: float | None  # the previous year's value
    change: float | None  # at the shown precision
    series: tuple[tuple[int, float], ...]  # every year with a value, for the small trend line
    release: int | None = None
    file: str | None = None

    @property
    def trend(self) -> str:
        """'up', 'down', 'flat', or 'none' without last year's value."""
        if self.change is None:
            return "none"
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"

    @property
    def improved(self) -> bool | None:
        """Whether the change goes the better way (None for context indicators or no change known)."""
        if self.change is None or self.direction == "neutral":
            return None
        return self.change > 0 if self.direction == "higher" else self.change < 0


@dataclass(frozen=True)
class Profile:
    """Everything the district profile shows, in base units and catalog ids (no formatting)."""

    adcode: str
    year: int
    standard: str
    per_capita: Decimal | None  # the standard's ratio, as the Funding check computes it
    funding_status: str
    minimum: Decimal
    target: Decimal | None
    city_per_capita: Decimal | None
    index: float | None  # composite index with the catalog weights, as on the Index page
    index_rank: int | None
    n_index_ranked: int
    dimensions: dict[str, float]  # dimension scores of the district
    dimensions_reference: dict[str, float]  # median of the ranked districts' scores (the Index page's radar)
    rank_trend: tuple[tuple[int, int | None], ...]  # (year, index rank) for every year with an index
    rows: tuple[IndicatorRow, ...]
    strengths: tuple[str, ...]  # indicator ids, best rank first
    gaps: tuple[str, ...]  # indicator ids, worst rank first
    status_counts: dict[str, int]  # values of the district in the year per data status
    origins: tuple[tuple[int, str, int], ...]  # (release, file, values) the year's values came from

    @property
    def improved(self) -> int:
        return sum(1 for r in self.rows if r.improved)

    @property
    def compared(self) -> int:
        """Indicators with a direction and a value in both years (what 'improved' counts out of)."""
        return sum(1 for r in self.rows if r.improved is not None)

    def row(self, indicator: str) -> IndicatorRow | None:
        return next((r for r in self.rows if r.indicator == indicator), None)

    @property
    def illustrative(self) -> bool:
        return self.status_counts.get("illustrative", 0) > 0


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def index_table(df: pd.DataFrame) -> pd.DataFrame:
    """The composite index with the catalog weights for every year (the Index page's default view)."""
    return compute_index(df, default_config())


def _indicator_row(df: pd.DataFrame, indicator: str, adcode: str, year: int) -> IndicatorRow | None:
    ind = load_catalog().indicator(indicator)
    rows = df[df["indicator"] == indicator]
    now = rows[rows["year"] == year].drop_duplicates("adcode").set_index("adcode")
    if adcode not in now.index or pd.isna(now.at[adcode, "value"]):
        return None
    places = decimals(ind.unit)
    adcodes = load_registry().adcodes
    values = now["value"].reindex(adcodes)
    ranks = competition_rank(values.to_numpy(), places, ind.direction != "lower")
    ranks.index = adcodes
    mine = rows[rows["adcode"] == adcode].dropna(subset=["value"]).sort_values("year")
    before = mine[mine["year"] == year - 1]
    value = float(now.at[adcode, "value"])
    previous = float(before["value"].iloc[0]) if len(before) else None
    change = None if previous is None else float(shown(value, places) - shown(previous, places))
    city = city_series(df, indicator, years=[year])
    record = now.loc[adcode]
    return IndicatorRow(
        indicator=indicator, unit=ind.unit, direction=ind.direction, value=value,
        status=record["status"] if isinstance(record["status"], str) else None,
        source=record["source"] if isinstance(record["source"], str) else None,
        city=_float(city["value"].iloc[0]) if len(city) else None,
        rank=int(ranks[adcode]) if not pd.isna(ranks[adcode]) else None,
        n_ranked=int(values.notna().sum()), previous=previous, change=change,
        series=tuple((int(y), float(v)) for y, v in zip(mine["year"], mine["value"], strict=True)),
        release=int(record["release"]) if "release" in record and not pd.isna(record["release"]) else None,
        file=record["file"] if "file" in record and isinstance(record["file"], str) else None,
    )


def _standing(rows: list[IndicatorRow]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Strengths (the district among the best `top`) and gaps (among the worst), by rank.

    Only per-person and rate indicators compete (catalog `compare`): a large district leads every total
    by its size alone, and its total is no use against the city's total.
    """
    r = rules()
    cat = load_catalog()
    ranked = [row for row in rows if row.direction != "neutral" and row.rank is not None and row.n_ranked > 1
              and cat.indicator(row.indicator).aggregate in r["compare"]]
    best = sorted((row for row in ranked if row.rank <= r["top"]), key=lambda row: row.rank)
    worst = sorted((row for row in ranked if row.rank > row.n_ranked - r["bottom"] and row.rank > r["top"]),
                   key=lambda row: -row.rank)
    return (tuple(row.indicator for row in best[: r["max_sentences"]]),
            tuple(row.indicator for row in worst[: r["max_sentences"]]))


def build_profile(df: pd.DataFrame, adcode: str, year: int, standard_id: str | None = None,
                  index: pd.DataFrame | None = None) -> Profile:
    """The profile of `adcode` in `year` from a release's table (with derived indicators).

    `index`: `index_table(df)` when the caller builds many profiles (the report: one per district).
    """
    cat = load_catalog()
    std = cat.standard(standard_id)
    check = funding_check(df, year, std.id)
    mine = check[check["adcode"] == adcode].iloc[0]
    city_pc, _ = city_per_capita(check, std.id)
    index = index_table(df) if index is None else index
    this_year = index[index["year"] == year]
    ok = this_year[this_year["status"] == "ok"]
    me = this_year[this_year["adcode"] == adcode]
    has_index = len(me) and me["status"].iloc[0] == "ok"
    dims = [c for c in index.columns if c.startswith("dim_")]
    rows = [r for r in (_indicator_row(df, i, adcode, year) for i in cat.indicators) if r is not None]
    strengths, gaps = _standing(rows)
    values = df[(df["adcode"] == adcode) & (df["year"] == year) & df["value"].notna()]
    counts = Counter(values["status"])
    origin_cols = [c for c in ("release", "file") if c in values.columns]
    origins = ()
    if len(origin_cols) == 2:
        grouped = values.groupby(["release", "file"], dropna=False).size()
        origins = tuple((int(r), f if isinstance(f, str) else "", int(n)) for (r, f), n in grouped.items())
    trend = index[(index["adcode"] == adcode)].sort_values("year")
    return Profile(
        adcode=adcode, year=year, standard=std.id, per_capita=mine["per_capita"], funding_status=mine["status"],
        minimum=std.minimum, target=std.target, city_per_capita=city_pc,
        index=float(me["index"].iloc[0]) if has_index else None,
        index_rank=int(me["rank"].iloc[0]) if has_index else None, n_index_ranked=len(ok),
        dimensions={d.removeprefix("dim_"): float(me[d].iloc[0]) for d in dims
                    if len(me) and not pd.isna(me[d].iloc[0])},
        dimensions_reference={c.removeprefix("dim_"): v for c, v in dimension_reference(this_year, dims).items()},
        rank_trend=tuple((int(y), None if pd.isna(r) else int(r)) for y, r in zip(trend["year"], trend["rank"],
                                                                                     strict=True)),
        rows=tuple(rows), strengths=strengths, gaps=gaps,
        status_counts={s: int(counts.get(s, 0)) for s in STATUSES},
        origins=origins,
    )


def to_json(profile: Profile) -> dict:
    """The profile as JSON-ready data (numbers at the precision shown, names in both languages)."""
    cat = load_catalog()
    reg = load_registry()
    d = reg.district(profile.adcode)
    std = cat.standard(profile.standard)

    def num(value: object, places: int) -> float | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return float(shown(float(value), places))

    return {
        "adcode": profile.adcode, "district_zh": d.name_zh, "district_en": d.name_en, "year": profile.year,
        "funding": {"standard": std.id, "per_capita": num(profile.per_capita, std.precision),
                    "status": profile.funding_status, "minimum": float(profile.minimum),
                    "target": None if profile.target is None else float(profile.target),
                    "city_per_capita": num(profile.city_per_capita, std.precision)},
        "index": {"score": num(profile.index, 2), "rank": profile.index_rank, "n_ranked": profile.n_index_ranked,
                  "dimensions": {k: num(v, 2) for k, v in profile.dimensions.items()},
                  "dimensions_median": {k: num(v, 2) for k, v in profile.dimensions_reference.items()},
                  "rank_trend": [{"year": y, "rank": r} for y, r in profile.rank_trend]},
        "improved": profile.improved, "compared": profile.compared,
        "indicators": [{
            "indicator": r.indicator, "name_zh": cat.indicator(r.indicator).name_zh,
            "name_en": cat.indicator(r.indicator).name_en, "unit": r.unit,
            "value": num(r.value, decimals(r.unit)), "status": r.status, "source": r.source,
            "city": num(r.city, decimals(r.unit)), "rank": r.rank, "n_ranked": r.n_ranked,
            "rank_text": None if r.rank is None else f"{r.rank}/{r.n_ranked}",
            "previous": num(r.previous, decimals(r.unit)), "change": num(r.change, decimals(r.unit)),
            "trend": r.trend, "improved": r.improved, "release": r.release, "file": r.file,
        } for r in profile.rows],
        "strengths": list(profile.strengths), "gaps": list(profile.gaps),
        "status_counts": profile.status_counts,
        "origins": [{"release": r, "file": f, "values": n} for r, f, n in profile.origins],
    }


def sentences(profile: Profile, lang: str) -> tuple[list[str], list[str]]:
    """(strengths, gaps) as sentences from the briefing's sentence builder, in `lang`."""
    cat = load_catalog()

    def say(indicator: str) -> str:
        r = next(r for r in profile.rows if r.indicator == indicator and r.value is not None and r.rank is not None)
        return standing_sentence(cat.indicator(indicator).name(lang), r.value, r.unit, r.rank, r.n_ranked,
                                 r.city, r.status, lang)

    return [say(i) for i in profile.strengths], [say(i) for i in profile.gaps]
