import csv

import pandas as pd

from lcity_data.catalog import DATA_DIR, SHIPPED_CSV, load_catalog
from lcity_data.loading import load_shipped
from lcity_data.sample_data import build_rows, render_csv
from lcity_data.units import to_base, unit_id_for


def test_generator_is_deterministic_and_matches_the_shipped_file():
    text = render_csv(build_rows())
    assert text == render_csv(build_rows())
    assert text == SHIPPED_CSV.read_text(encoding="utf-8"), "rebuild with: python -m lcity_data.sample_data"


def test_a_different_seed_gives_different_illustrative_values():
    assert render_csv(build_rows(seed=1)) != render_csv(build_rows())


def test_every_official_fact_is_shipped_unchanged_with_its_citation():
    df = load_shipped().set_index(["adcode", "year", "indicator"])
    sources = load_catalog().sources
    with (DATA_DIR / "official_facts.csv").open(encoding="utf-8") as fh:
        for fact in csv.DictReader(fh):
            row = df.loc[(fact["adcode"], int(fact["year"]), fact["indicator"])]
            assert row["status"] == "official"
            assert row["value"] == to_base(fact["value"], unit_id_for(fact["unit"]))
            assert row["source"] == sources[fact["source_id"]].id


def test_no_unsourced_number_without_illustrative_status():
    df = load_shipped()
    assert set(df["status"]) <= {"official", "derived", "illustrative"}
    assert (df["source"].str.len() > 0).all()
    made_up = df[df["source"].str.contains("illustrative")]
    assert (made_up["status"] == "illustrative").all()
    official = df[df["status"] == "official"]
    assert not official["source"].str.contains("illustrative").any()
    assert set(official["source"]) <= set(load_catalog().sources)


def test_sample_covers_2012_2024_for_all_districts_and_household_ratio_is_plausible():
    df = load_shipped()
    wide = df.pivot_table(index=["adcode", "year"], columns="indicator", values="value")
    years = set(range(2012, 2025))
    for adcode, group in wide.groupby(level=0):
        assert years <= set(group.index.get_level_values(1)), adcode
    ratio = (wide["population_household"] / wide["population_resident"]).dropna()
    assert ratio.between(0.45, 0.95).all()  # 奉化's published 户籍 figures put it near 0.9


def test_2020_census_populations_sum_to_the_city_total():
    df = load_shipped()
    census = df[(df["indicator"] == "population_resident") & (df["year"] == 2020)]
    assert census["value"].sum() == 9_404_283
    assert pd.Series(census["status"]).eq("official").all()
