"""Loading indicator tables (a store release, or the shipped sample file) and adding derived indicators.

The app reads published data only through this module (`load_release`, the release infos and ids; via
dashboard/data_access.py), as do the CLI's `funding`, `index` and `export`; the store below it speaks SQL
and turns database errors into `StoreError`.
Files are read once per process (the app adds `st.cache_data` on top); callers get a copy so that an
upload overlay can never change the shipped data.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from lcity_data.catalog import DATA_DIR, SHIPPED_CSV, load_catalog
from lcity_data.ratios import ratio_table
from lcity_data.store import ReleaseInfo, open_store
from lcity_data.validation import COLUMNS, digest, read_long_csv

SHIPPED_DIGEST = DATA_DIR / "ningbo_indicators.validated"
"""The digest of the shipped table as it last passed validation (tests/test_loading_fast.py keeps it true)."""
MIXED_NOTE = "混合来源：部分输入为示例数据 / mixed sources: some inputs are illustrative"


def _validated_digest() -> str | None:
    try:
        return SHIPPED_DIGEST.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def record_shipped_digest() -> str:
    """Validate the shipped table and record its digest (run after editing the shipped CSV)."""
    validated = read_long_csv(SHIPPED_CSV)
    value = digest(validated)
    SHIPPED_DIGEST.write_text(value + "\n", encoding="utf-8")
    return value


@cache
def _shipped() -> pd.DataFrame:
    return with_derived(read_long_csv(SHIPPED_CSV, _validated_digest()))


def load_shipped() -> pd.DataFrame:
    """The shipped sample table plus derived indicators (a fresh copy every call)."""
    return _shipped().copy()


def load_release(release: int | None = None, *, url: str | None = None) -> tuple[pd.DataFrame, ReleaseInfo]:
    """Release `release` (default: the latest) of the store at `url` (default: resolved), plus derived
    indicators, with each value's provenance (release, file, sheet, row), and the release's info.

    A derived value's `release` is the newest release among its inputs; it has no file, sheet or row.
    """
    store = open_store(url)
    info = store.latest_release() if release is None else store.release(release)
    base = store.read(info.release)
    full = with_derived(base[COLUMNS])
    derived = full[full["indicator"].isin(load_catalog().derived_ids())]
    derived = derived.merge(_input_releases(base), on=["adcode", "year", "indicator"], how="left")
    derived = derived.assign(file=None, sheet=None, row=pd.array([pd.NA] * len(derived), dtype="Int64"))
    table = pd.concat([base, derived[base.columns]], ignore_index=True)
    table["release"] = table["release"].fillna(info.release).astype("int64")
    return table.sort_values(["indicator", "adcode", "year"], ignore_index=True), info


def latest_release(url: str | None = None) -> ReleaseInfo:
    """The newest release's info (one row: the app asks for it on every run)."""
    return open_store(url).latest_release()


def release_history(url: str | None = None) -> list[ReleaseInfo]:
    """Every release's info, oldest first, with its files and import report."""
    return open_store(url).releases()


def release_ids(url: str | None = None) -> list[int]:
    """Every release id, oldest first (what a `release=N` link may pin; ids are not assumed consecutive)."""
    return open_store(url).release_ids()


def _input_releases(base: pd.DataFrame) -> pd.DataFrame:
    """(adcode, year, derived indicator) -> the newest release among that derived value's inputs."""
    frames = []
    for ind in load_catalog().derived_indicators():
        inputs = base[base["indicator"].isin([ind.numerator, ind.denominator])]
        newest = inputs.groupby(["adcode", "year"], as_index=False)["release"].max()
        frames.append(newest.assign(indicator=ind.id))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["adcode", "year", "release", "indicator"])


def with_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Add rows for derived catalog indicators (e.g. funding_per_capita), replacing any given ones.

    Derived values are always recomputed from their inputs, so an uploaded per-capita column can never
    disagree with the uploaded funding and population it should come from.

    A derived value takes its weakest input's status (lcity_data.provenance): `derived` only when every
    input is official or derived, `reported` with a district return among them, `illustrative` if any
    input is: made-up inputs never yield an official-looking number. When the inputs mix real and
    sample data the row's note says so (MIXED_NOTE), and `mixed_sources` lists those rows.
    """
    derived = load_catalog().derived_indicators()
    out = [df[~df["indicator"].isin([ind.id for ind in derived])]]
    for ind in derived:
        pc = ratio_table(df, ind.numerator, ind.denominator, ind.per, ind.precision).dropna(subset=["per_capita"])
        if pc.empty:
            continue
        out.append(pd.DataFrame({
            "adcode": pc["adcode"], "year": pc["year"], "indicator": ind.id,
            "value": pc["per_capita"].astype(float), "unit": ind.unit, "status": pc["status_of_inputs"],
            "source": pc["source"],
            "note": [f"{note}；{MIXED_NOTE}" if mix else note for note, mix in zip(pc["formula_note"], pc["mixed"],
                                                                                 strict=True)],
        }))
    return pd.concat(out, ignore_index=True)[COLUMNS].sort_values(
        ["indicator", "adcode", "year"], ignore_index=True)


def mixed_sources(df: pd.DataFrame, indicator_id: str | None = None) -> set[tuple[str, int, str]]:
    """(adcode, year, indicator) of the derived values whose inputs mix real and sample data; with
    `indicator_id`, of that indicator only (one ratio instead of all of them: the map asks per indicator).

    Why: a per-capita figure from a reported funding and a sample population is shown as a sample, and
    the map and tables also say that it mixes sources, so nobody mistakes half-real for all-real.
    """
    out: set[tuple[str, int, str]] = set()
    for ind in (i for i in load_catalog().derived_indicators() if indicator_id in (None, i.id)):
        pc = ratio_table(df, ind.numerator, ind.denominator, ind.per, ind.precision)
        out |= {(str(a), int(y), ind.id) for a, y in pc.loc[pc["mixed"], ["adcode", "year"]].itertuples(index=False)}
    return out


def overlay(base: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    """`base` with the uploaded rows in place of the same (adcode, year, indicator); derived recomputed.

    A blank upload cell (no value, see `ImportReport.upload_table`) removes the base value and adds
    nothing: "not reported" never shows a sample value underneath. Base rows keep their provenance
    columns (release, file, sheet, row) when `base` has them; upload rows (whatever input row and sheet
    the import gave them) and recomputed derived rows carry none, since they are this session's, not
    published.
    """
    key = ["adcode", "year", "indicator"]
    derived_ids = load_catalog().derived_ids()
    base = base[~base["indicator"].isin(derived_ids)]
    replaced = pd.MultiIndex.from_frame(uploaded[key])
    kept = base[~pd.MultiIndex.from_frame(base[key]).isin(replaced)]
    fresh = uploaded[uploaded["value"].notna() & ~uploaded["indicator"].isin(derived_ids)]
    rows = pd.concat([kept, fresh[COLUMNS].reindex(columns=list(base.columns))], ignore_index=True)
    derived = with_derived(rows[COLUMNS])
    out = pd.concat([rows, derived[derived["indicator"].isin(derived_ids)].reindex(columns=list(base.columns))],
                    ignore_index=True)
    if "release" in out:
        out["release"] = out["release"].astype("Int64")
    return out.sort_values(["indicator", "adcode", "year"], ignore_index=True)
