"""A map ready to present, like every chart (issue 15): what its pictures say and where its values come from.

Why here and not in map.js: the footer of a map picture must say exactly what a chart picture says (title,
unit, year, the graded source line, data release, issuing unit, date), so it is made by the same
`chart_tools.chart_meta` / `chart_tools.footer_lines`, once per year of the timeline, and sent to the
component as plain text; map.js only writes those lines under the picture of the year on screen. The
Sources panel and "copy link" under the map are chart_tools' own row for the year shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from dashboard.charts import chart_tools


@dataclass(frozen=True)
class MapSources:
    """What a map shows: its title and unit, and per year the source values (ids, ratios or upload text)
    of the districts it colours. Hashable, so the footers of a view are made once."""

    title: str
    unit: str
    by_year: tuple[tuple[int, tuple[object, ...]], ...]

    def values(self, year: int) -> tuple[object, ...]:
        return dict(self.by_year).get(int(year), ())


def _per_year(rows: pd.DataFrame, values_of: Callable[[pd.DataFrame], list]) -> tuple:
    return tuple((int(y), tuple(dict.fromkeys(values_of(group)))) for y, group in rows.groupby("year", sort=True))


def indicator_sources(table: pd.DataFrame, indicator_id: str, districts: Iterable[str], title: str,
                      unit: str) -> MapSources:
    """The Map page's choropleth: the `source` of each selected district's value, per year."""
    rows = table[(table["indicator"] == indicator_id) & table["adcode"].isin(list(districts))]
    return MapSources(title, unit, _per_year(rows, lambda g: list(g["source"].dropna())))


def status_sources(checks: pd.DataFrame, standard_source: str, districts: Iterable[str], title: str,
                   unit: str) -> MapSources:
    """The funding-status map: the standard's own source, then the numerator and denominator sources of
    each selected district (`chart_tools.check_sources`), per year."""
    rows = checks[checks["adcode"].isin(list(districts))]
    return MapSources(title, unit, _per_year(rows, lambda g: [standard_source, *chart_tools.check_sources(g)]))


def year_meta(sources: MapSources, year: int, lang: str, *, key: str, release: str) -> chart_tools.ChartMeta:
    """The chart meta of the map in `year`: its Sources panel and its picture footer."""
    return chart_tools.chart_meta(sources.title, lang, key=key, unit=sources.unit, years=[int(year)],
                                  source_values=sources.values(year), release=release)


@lru_cache(maxsize=64)
def footers(sources: MapSources, years: tuple[int, ...], lang: str, key: str, release: str, today: date) -> dict:
    """map.js's `footer`: the picture title, and the footer lines of each of `years` (the map's timeline;
    keys are year strings)."""
    return {"title": sources.title,
            "years": {str(y): chart_tools.footer_lines(year_meta(sources, y, lang, key=key, release=release),
                                                       lang, today)
                      for y in years}}
