"""Build the shipped sample table `lcity_data/data/ningbo_indicators.csv`.

Run: `python -m lcity_data.sample_data` (deterministic: the same seed writes the same bytes).

Why it exists: almost no district-by-year figure for Ningbo's learning-city indicators is public.
The table therefore combines
- **official** figures copied, with their citations, from public statistics
  (`lcity_data/data/official_facts.csv`: census and bulletin populations, urbanisation rates, the few
  published household-registered populations);
- **derived** figures computed from official ones (2010 census populations restated on post-2016
  boundaries from the share column of the 7th-census bulletin);
- **illustrative** values made up here, with a fixed seed, where no public figure exists. Every one
  is labelled `illustrative` (示例) and cites the `illustrative` source; none may be presented as official.

The `source` column holds catalog source ids (catalog/sources.toml); lcity_data.citation writes them
for people (original document, authority grade, the copy it was read from).

How illustrative values are made (all on post-2016 boundaries):
- resident population: geometric interpolation between the nearest official/derived anchors;
  extrapolated with the district's 2020–2024 trend where there is no anchor on one side;
- household-registered population: resident × a district ratio drawn from 0.55–0.65 (the published
  cases lie in that range), drifting slowly, and scaled to pass through every published value;
- community-education funding: a per-capita path per district whose 2022 values are spread over
  roughly 3–14 yuan (so the sample shows all three funding statuses) and grow 4–9% a year, times the
  household population, rounded to 0.1 万元 as district returns are;
- other learning indicators: plausible scales per resident with gentle growth and noise.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from lcity_data.catalog import DATA_DIR, load_catalog
from lcity_data.registry import load_registry
from lcity_data.units import to_base, unit_id_for

SEED = 20241101
YEARS = range(2012, 2025)
OUTPUT = DATA_DIR / "ningbo_indicators.csv"
COLUMNS = ["adcode", "year", "indicator", "value", "unit", "status", "source", "note"]

CENSUS_2010_TOTAL = 7605689
# Share of the city's 2010 census population by post-2016 district, from the 2010 column of
# 表1 of the 7th-census bulletin (source `census_share_2010`). Only these are restated there.
CENSUS_2010_SHARES = {"330203": "11.59", "330205": "4.75", "330211": "5.18", "330212": "16.35"}

ILLUSTRATIVE_NOTE = "示例数据（非官方）/ illustrative, not official"


def _official_rows() -> list[dict]:
    cat = load_catalog()
    rows = []
    with (DATA_DIR / "official_facts.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ind = cat.indicator(r["indicator"])
            rows.append({
                "adcode": r["adcode"], "year": int(r["year"]), "indicator": r["indicator"],
                "value": to_base(r["value"], unit_id_for(r["unit"])), "unit": ind.unit,
                "status": "official", "source": cat.sources[r["source_id"]].id, "note": r["note"],
            })
    return rows


def _derived_2010_rows() -> list[dict]:
    source = load_catalog().sources["census_share_2010"].id
    return [
        {"adcode": adcode, "year": 2010, "indicator": "population_resident",
         "value": float(round(CENSUS_2010_TOTAL * float(share) / 100)), "unit": "person", "status": "derived",
         "source": source, "note": f"2010年全市常住人口 × {share}%（按2016年后区划）"}
        for adcode, share in CENSUS_2010_SHARES.items()
    ]


def _interpolate(anchors: dict[int, float], years: range) -> dict[int, float]:
    """Geometric interpolation between anchors; log-linear extrapolation from the two nearest."""
    known = sorted(anchors)
    out = {}
    for y in years:
        if y in anchors:
            continue
        lo = [k for k in known if k < y]
        hi = [k for k in known if k > y]
        if lo and hi:
            a, b = lo[-1], hi[0]
        elif len(hi) >= 2:
            a, b = hi[0], hi[1]
        else:
            a, b = lo[-2], lo[-1]
        rate = (math.log(anchors[b]) - math.log(anchors[a])) / (b - a)
        out[y] = math.exp(math.log(anchors[a]) + rate * (y - a))
    return out


def build_rows(seed: int = SEED) -> list[dict]:
    """All rows of the sample table, official first; deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    source = load_catalog().sources["illustrative"].id
    adcodes = load_registry().adcodes
    rows = _official_rows() + _derived_2010_rows()
    have = {(r["adcode"], r["year"], r["indicator"]): r["value"] for r in rows}

    def add(adcode: str, year: int, indicator: str, value: float, unit: str) -> None:
        if (adcode, year, indicator) in have:
            return
        have[(adcode, year, indicator)] = value
        rows.append({"adcode": adcode, "year": year, "indicator": indicator, "value": value, "unit": unit,
                     "status": "illustrative", "source": source, "note": ILLUSTRATIVE_NOTE})

    resident: dict[str, dict[int, float]] = defaultdict(dict)
    for a in adcodes:
        anchors = {y: v for (ad, y, ind), v in have.items() if ad == a and ind == "population_resident"}
        filled = _interpolate(anchors, YEARS)
        for y in YEARS:
            resident[a][y] = anchors.get(y, filled.get(y))
            add(a, y, "population_resident", float(round(resident[a][y], -2)), "person")

    # Household-registered population: ratio to residents, pinned to published values.
    spread_2022 = rng.permutation([3.2, 3.7, 4.6, 5.5, 6.8, 7.9, 9.1, 10.4, 11.8, 13.6])
    household: dict[str, dict[int, float]] = defaultdict(dict)
    for i, a in enumerate(adcodes):
        ratio0 = rng.uniform(0.55, 0.65)
        drift = rng.uniform(-0.006, -0.002)  # residents grow faster than registrations
        base = {y: resident[a][y] * (ratio0 + drift * (y - 2018)) for y in YEARS}
        published = {y: v for (ad, y, ind), v in have.items() if ad == a and ind == "population_household"}
        if published:
            scale = float(np.mean([v / base[y] for y, v in published.items() if y in base]))
            base = {y: v * scale for y, v in base.items()}
        for y in YEARS:
            household[a][y] = published.get(y, base[y])
            add(a, y, "population_household", float(round(base[y], -2)), "person")

        # Community-education funding: per-capita path reaching spread_2022[i] in 2022.
        growth = rng.uniform(0.04, 0.09)
        for y in YEARS:
            per_capita = spread_2022[i] * math.exp(growth * (y - 2022)) * (1 + rng.normal(0, 0.03))
            wan_yuan = round(per_capita * household[a][y] / 10000, 1)
            if (a, y) == (adcodes[7], 2013):
                continue  # one honest gap: the sample shows what "no data" looks like
            add(a, y, "funding_community_edu", to_base(wan_yuan, "wan_yuan"), "yuan")

        res = resident[a]
        rate0, rate_growth = rng.uniform(32, 48), rng.uniform(0.8, 1.8)
        teachers_per_10k = rng.uniform(0.9, 2.6)
        points_per_10k = rng.uniform(2.5, 5.5)
        elderly_share = rng.uniform(0.003, 0.009)
        orgs_per_10k = rng.uniform(1.0, 3.0)
        week_events_per_10k = rng.uniform(2.0, 5.0)
        spend_per_resident = rng.uniform(1800, 3000)
        for y in YEARS:
            t = y - 2012
            noise = lambda sd=0.04: 1 + rng.normal(0, sd)  # noqa: E731 - a local, readable shorthand
            add(a, y, "participation_rate", round(min(95.0, rate0 + rate_growth * t + rng.normal(0, 1.2)), 1),
                "percent")
            add(a, y, "community_edu_teachers", float(round(teachers_per_10k * res[y] / 1e4 * noise())), "person")
            add(a, y, "learning_points", float(round(points_per_10k * res[y] / 1e4 * (1 + 0.03 * t) * noise())),
                "count")
            add(a, y, "elderly_university_enrolment",
                float(round(elderly_share * res[y] * (1 + 0.05 * t) * noise(), -1)), "person")
            add(a, y, "learning_organisations", float(round(orgs_per_10k * res[y] / 1e4 * (1 + 0.06 * t) * noise())),
                "count")
            events = week_events_per_10k * res[y] / 1e4 * (1 + 0.04 * t) * noise(0.1)
            add(a, y, "learning_week_activities", float(round(events)), "count")
            add(a, y, "learning_week_participants", float(round(events * rng.uniform(180, 320), -2)), "person_time")
            add(a, y, "education_expenditure",
                to_base(round(spend_per_resident * res[y] * (1 + 0.07 * t) / 1e4, 0), "wan_yuan"), "yuan")
            if y >= 2015:  # the online platform starts in 2015: earlier years are missing, not 0
                share = min(0.45, 0.02 * (y - 2014) ** 1.35 * noise(0.08))
                add(a, y, "online_platform_users", float(round(share * res[y], -2)), "person")
        urb = {y: v for (ad, y, ind), v in have.items() if ad == a and ind == "urbanisation_rate"}
        first = min(urb)
        for y in YEARS:
            if y < first:
                add(a, y, "urbanisation_rate", round(urb[first] - 0.55 * (first - y) + rng.normal(0, 0.2), 1),
                    "percent")
            elif y not in urb:
                lo = max(k for k in urb if k < y)
                hi = min(k for k in urb if k > y)
                add(a, y, "urbanisation_rate", round(urb[lo] + (urb[hi] - urb[lo]) * (y - lo) / (hi - lo), 1),
                    "percent")
    rows.sort(key=lambda r: (r["indicator"], r["adcode"], r["year"]))
    return rows


def render_csv(rows: list[dict]) -> str:
    """CSV text with stable number formatting (so rebuilding is byte-identical)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "value": format(r["value"], ".10g") if isinstance(r["value"], float) else r["value"]})
    return buf.getvalue()


def main(output: Path = OUTPUT) -> None:
    output.write_text(render_csv(build_rows()), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
