"""What the annual monitoring report (年度监测报告) says, independent of its file format.

Why one place: the Word, PDF and HTML forms must hold the same numbers, and those numbers must be the
Funding check's (funding.py, as `python -m lcity_data funding` prints them), the Index's (composite.py
with the catalog weights and its ±10 % rank ranges, as `index` prints them) and the district
profiles' (profile.py). The key findings are the briefing's sentences. Pure: no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from lcity_data.bar_image import Bar, bar_chart
from lcity_data.briefing import (
    TREND_INDICATOR,
    crossing_sentence,
    funding_findings,
    funding_sentence,
    ranking_findings,
    ranking_sentence,
    trend_findings,
    trend_sentence,
)
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_sources
from lcity_data.composite import default_config, dimension_reference, score_decimals, sensitivity
from lcity_data.funding import funding_check
from lcity_data.profile import Profile, build_profile, index_table
from lcity_data.provenance import ratio_provenance
from lcity_data.ranking import competition_rank, shown
from lcity_data.registry import load_registry
from lcity_data.report_text import label, status, value


@dataclass(frozen=True)
class Table:
    """A numbered table: caption text, header and rows of display text (escaped by each writer)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass(frozen=True)
class Figure:
    caption: str
    png: bytes


@dataclass(frozen=True)
class Chapter:
    """One index dimension: sentences, the table of the 10 districts and the chart."""

    title: str
    sentences: tuple[str, ...]
    table: Table
    figure: Figure


@dataclass(frozen=True)
class Report:
    year: int
    lang: str
    release: int | None
    published: date | None
    today: date
    findings: tuple[str, ...]
    funding: Table
    index: Table
    index_figure: Figure
    chapters: tuple[Chapter, ...]
    profiles: tuple[Profile, ...]
    sources: tuple[str, ...]
    illustrative: bool


def _mark(text: str, illustrative: bool, lang: str) -> str:
    """A sentence or caption resting on illustrative values says so."""
    return f"{text}（{label('report.illustrative_mark', lang)}）" if illustrative and lang == "zh" else \
        f"{text} ({label('report.illustrative_mark', lang)})" if illustrative else text


def funding_table(df: pd.DataFrame, year: int, lang: str) -> tuple[Table, bool]:
    """The funding check of every district (the `funding` command's numbers), and whether any is illustrative."""
    cat = load_catalog()
    std = cat.standard()
    check = funding_check(df, year, std.id)
    rows, illustrative = [], False
    for r in check.to_dict("records"):
        data_status, _ = ratio_provenance(r["numerator_status"], r["denominator_status"])
        illustrative |= data_status == "illustrative"
        style = cat.status_styles[r["status"]]
        rows.append((
            load_registry().district(r["adcode"]).name(lang),
            "—" if r["numerator"] is None else f"{r['numerator'] / 1e4:,.2f}",
            "—" if r["denominator"] is None else f"{r['denominator'] / 1e4:,.2f}",
            "—" if r["per_capita"] is None else f"{r['per_capita']:.{std.precision}f}",
            f"{style['icon']} {style[lang]}", status(data_status, lang),
        ))
    header = tuple(label(f"report.{c}", lang) for c in ("col_district", "col_funding", "col_population",
                                                          "col_per_capita", "col_check", "col_data_status"))
    caption = _mark(label("report.funding_table", lang, year=year), illustrative, lang)
    return Table(caption, header, tuple(rows), numeric=(1, 2, 3)), illustrative


def index_section(df: pd.DataFrame, index: pd.DataFrame, year: int, lang: str,
                  illustrative: bool) -> tuple[Table, Figure]:
    """The composite index, rank and ±10 % rank range of every district (the `index` command's numbers)."""
    reg = load_registry()
    places = score_decimals(default_config().normalisation)
    now = index[index["year"] == year].set_index("adcode")
    ranges = sensitivity(df, default_config(), year).set_index("adcode")
    order = sorted(reg.adcodes, key=lambda a: (pd.isna(now["rank"].get(a)), now["rank"].get(a) or 0, a))
    rows, bars = [], []
    for a in order:
        ok = a in now.index and now.at[a, "status"] == "ok"
        score = float(now.at[a, "index"]) if ok else None
        lo, hi = (int(ranges.at[a, "rank_min"]), int(ranges.at[a, "rank_max"])) if ok else (None, None)
        rows.append((str(int(now.at[a, "rank"])) if ok else "—", reg.district(a).name(lang),
                     f"{shown(score, places)}" if score is not None else label("profile.no_data", lang),
                     "—" if lo is None else (f"{lo}" if lo == hi else f"{lo}–{hi}")))
        bars.append(Bar(reg.district(a).name(lang), score, f"{shown(score, places)}" if score is not None else ""))
    header = tuple(label(f"report.{c}", lang) for c in ("col_rank", "col_district", "col_index", "col_range"))
    table = Table(_mark(label("report.index_table", lang, year=year), illustrative, lang), header, tuple(rows),
                  numeric=(0, 2))
    figure = Figure(_mark(label("report.index_figure", lang, year=year), illustrative, lang),
                    bar_chart(bars, axis_max=100, missing_text=label("profile.no_data", lang)))
    return table, figure


def _chapter(df: pd.DataFrame, index: pd.DataFrame, dim: str, year: int, lang: str, illustrative: bool) -> Chapter:
    cat = load_catalog()
    reg = load_registry()
    config = default_config()
    name = cat.zhejiang[dim][lang]
    col = f"dim_{dim}"
    inputs = [i for i in config.indicators if config.dimension_of(i) == dim]
    now = index[index["year"] == year].set_index("adcode")[col].reindex(reg.adcodes)
    before = index[index["year"] == year - 1].set_index("adcode")[col].reindex(reg.adcodes)
    ranks = competition_rank(now.to_numpy(), 1)
    values = df[(df["year"] == year) & df["indicator"].isin(inputs)].pivot_table(
        index="adcode", columns="indicator", values="value", aggfunc="first").reindex(reg.adcodes)
    rows = []
    for k, a in enumerate(reg.adcodes):
        score = now[a]
        rows.append((reg.district(a).name(lang), "—" if pd.isna(score) else f"{shown(score, 1)}",
                     "—" if pd.isna(ranks[k]) else str(int(ranks[k])),
                     *(value(values.at[a, i] if i in values.columns else None, cat.indicator(i).unit, lang)
                       for i in inputs)))
    header = (label("report.col_district", lang), label("report.col_score", lang), label("report.col_rank", lang),
              *(cat.indicator(i).name(lang) for i in inputs))
    have = now.dropna()
    reference = dimension_reference(index[index["year"] == year], [col]).get(col)
    sentences = []
    if len(have):
        top, bottom = have.idxmax(), have.idxmin()
        sentences.append(label("report.dimension_lead", lang, year=year, name=name,
                               top=reg.district(top).name(lang), top_score=shown(have[top], 1),
                               bottom=reg.district(bottom).name(lang), bottom_score=shown(have[bottom], 1),
                               reference="—" if reference is None else shown(reference, 1)))
        both = now.notna() & before.notna()
        if both.any():
            delta = [shown(now[a], 1) - shown(before[a], 1) for a in reg.adcodes if both[a]]
            sentences.append(label("report.dimension_progress", lang, previous=year - 1,
                                   up=sum(d > 0 for d in delta), down=sum(d < 0 for d in delta)))
    bars = sorted((Bar(reg.district(a).name(lang), None if pd.isna(now[a]) else float(now[a]),
                       "" if pd.isna(now[a]) else f"{shown(now[a], 1)}") for a in reg.adcodes),
                  key=lambda b: -(b.value if b.value is not None else -1))
    png = bar_chart(bars, axis_max=100, reference=reference,
                    reference_label=label("index.reference", lang), missing_text=label("profile.no_data", lang))
    numbered = list(cat.zhejiang).index(dim) + 1
    return Chapter(
        title=label("report.dimension_chapter", lang, n=numbered, name=name),
        sentences=tuple(_mark(s, illustrative, lang) for s in sentences),
        table=Table(_mark(label("report.dimension_table", lang, name=name, year=year), illustrative, lang), header,
                    tuple(rows), numeric=tuple(range(1, len(header)))),
        figure=Figure(_mark(label("report.dimension_figure", lang, name=name, year=year), illustrative, lang), png),
    )


def district_figure(profile: Profile, lang: str) -> Figure:
    """A district's index dimensions, each a bar with the median district as a dashed tick (print form of
    the profile's dimension chart)."""
    zj = load_catalog().zhejiang
    name = load_registry().district(profile.adcode).name(lang)
    bars = [Bar(zj[d][lang], profile.dimensions.get(d),
                label("report.dimension_bar", lang, score=shown(profile.dimensions[d], 1),
                      reference=shown(m, 1)) if d in profile.dimensions else "", mark=m)
            for d, m in ((d, profile.dimensions_reference[d]) for d in zj if d in profile.dimensions_reference)]
    png = bar_chart(bars, axis_max=100, reference_label=label("index.reference", lang),
                    missing_text=label("profile.no_data", lang), text_room=520)
    caption = label("report.district_figure", lang, district=name, year=profile.year)
    return Figure(_mark(caption, profile.illustrative, lang), png)


def findings(df: pd.DataFrame, index: pd.DataFrame, year: int, lang: str, illustrative: bool) -> tuple[str, ...]:
    """The briefing's key-finding sentences for the year, marked when they rest on illustrative values."""
    f = funding_findings(df, year)
    years = sorted(int(y) for y in df.loc[df["indicator"] == TREND_INDICATOR, "year"].unique() if y <= year)
    texts = [funding_sentence(f, lang), crossing_sentence(f, lang)]
    if years:
        texts.append(trend_sentence(trend_findings(df, (years[0], year)), lang))
    texts.append(ranking_sentence(ranking_findings(index, year), lang))
    return tuple(_mark(t, illustrative, lang) for t in texts)


def build_report(df: pd.DataFrame, year: int, lang: str, *, release: int | None = None,
                 published: date | None = None, today: date | None = None) -> Report:
    """Everything the report holds for `year`, from a release's table (with derived indicators)."""
    index = index_table(df)
    funding, illustrative = funding_table(df, year, lang)
    illustrative |= bool((df.loc[df["year"] == year, "status"] == "illustrative").any())
    index_tab, index_fig = index_section(df, index, year, lang, illustrative)
    dims = [d for d in load_catalog().zhejiang if f"dim_{d}" in index.columns]
    return Report(
        year=year, lang=lang, release=release, published=published, today=today or date.today(),
        findings=findings(df, index, year, lang, illustrative), funding=funding, index=index_tab,
        index_figure=index_fig, chapters=tuple(_chapter(df, index, d, year, lang, illustrative) for d in dims),
        profiles=tuple(build_profile(df, a, year, index=index) for a in load_registry().adcodes),
        sources=tuple(format_sources(df.loc[df["year"] == year, "source"], lang)),
        illustrative=illustrative,
    )

