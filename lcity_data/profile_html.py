"""A district profile as one printable, self-contained A4 HTML page (`python -m lcity_data profile
--format html`, the profile page's download, and each district of the report's HTML form).

Why plain HTML with inline SVG: it opens offline in any browser and prints on A4 portrait as it is,
with no script, font or picture fetched from anywhere. Every text is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from lcity_data.catalog import load_catalog
from lcity_data.citation import RATIO_SEP, format_sources, grade_note, parts, short_cite
from lcity_data.composite import settings
from lcity_data.profile import Profile, rules, sentences
from lcity_data.registry import load_registry
from lcity_data.report_text import change, issued_line, label, release_line, status, value

PRINT_STYLE = """
@page { size: A4 portrait; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", sans-serif;
       color: #1a1a1a; font-size: 10pt; line-height: 1.45; margin: 0 auto; max-width: 186mm; padding: 8px; }
h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 12pt; margin: 14px 0 6px; }
.lc-meta { color: #444; font-size: 9pt; margin: 0; }
.lc-ill { border: 1px solid #b45309; background: #fff7ed; padding: 4px 8px; margin: 8px 0; font-size: 9pt; }
.lc-heads { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0; }
.lc-head { flex: 1 1 150px; border: 1px solid #ccc; border-radius: 6px; padding: 6px 10px; }
.lc-head b { display: block; font-size: 16pt; } .lc-head span { font-size: 8.5pt; color: #444; }
.lc-cols { display: flex; gap: 16px; flex-wrap: wrap; } .lc-cols > div { flex: 1 1 240px; }
ul { margin: 0; padding-left: 1.2em; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 8.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 4px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { font-weight: 600; background: #f3f4f6; } td.n { text-align: right; white-space: nowrap; }
.lc-note { font-size: 8pt; color: #444; } svg { max-width: 100%; height: auto; }
tr { page-break-inside: avoid; } h2 { page-break-after: avoid; }
.lc-profile + .lc-profile { page-break-before: always; }
"""
COLUMN_WIDTHS = ("21%", "12%", "7%", "12%", "7%", "12%", "9%", "20%")
BAR_COLORS = ("#0072B2", "#BBBBBB")


def _e(text: object) -> str:
    return html.escape(str(text))


def sparkline(series: Sequence[tuple[int, float]], width: int = 72, height: int = 18) -> str:
    """A small trend line of a district's values (no axes: the table holds the numbers)."""
    if len(series) < 2:
        return ""
    xs, ys = [y for y, _ in series], [v for _, v in series]
    lo, hi = min(ys), max(ys)
    span_x, span_y = (max(xs) - min(xs)) or 1, (hi - lo) or 1
    points = " ".join(f"{(x - min(xs)) / span_x * (width - 4) + 2:.1f},"
                      f"{height - 2 - (y - lo) / span_y * (height - 4):.1f}" for x, y in zip(xs, ys, strict=True))
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="trend">'
            f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="1.5"/></svg>')


def dimension_svg(profile: Profile, lang: str) -> str:
    """Horizontal bars: each index dimension of the district against the district average (0–100)."""
    zj = load_catalog().zhejiang
    dims = [d for d in zj if d in profile.dimensions_reference]
    row_h, left, width = 34, 120, 520
    height = row_h * len(dims) + 30
    parts = []
    for i, dim in enumerate(dims):
        y = 8 + i * row_h
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" font-size="12">{_e(zj[dim][lang])}</text>')
        for j, (score, color) in enumerate(((profile.dimensions.get(dim), BAR_COLORS[0]),
                                             (profile.dimensions_reference[dim], BAR_COLORS[1]))):
            if score is None:
                continue
            w = max(score, 0) / 100 * (width - left - 50)
            parts.append(f'<rect x="{left}" y="{y + j * 13}" width="{w:.1f}" height="12" fill="{color}"/>'
                         f'<text x="{left + w + 4:.1f}" y="{y + j * 13 + 10}" font-size="10">{score:.1f}</text>')
    legend_y = height - 8
    for k, key in enumerate(("profile.dimension_district", "index.reference")):
        x = left + 150 * k
        parts.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{BAR_COLORS[k]}"/>'
                     f'<text x="{x + 14}" y="{legend_y}" font-size="10">{_e(label(key, lang))}</text>')
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{_e(label("profile.dimensions", lang))}">{"".join(parts)}</svg>')


def rank_svg(profile: Profile, lang: str) -> str:
    """The district's composite-index rank by year (1 at the top)."""
    points = [(y, r) for y, r in profile.rank_trend if r is not None]
    if len(points) < 2:
        return ""
    width, height, left, top, bottom = 520, 150, 36, 10, 24
    years = [y for y, _ in points]
    n = max(profile.n_index_ranked, max(r for _, r in points))
    span = (max(years) - min(years)) or 1

    def xy(year: int, rank: int) -> tuple[float, float]:
        return (left + (year - min(years)) / span * (width - left - 14),
                top + (rank - 1) / max(n - 1, 1) * (height - top - bottom))

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*p) for p in points))
    ticks = "".join(f'<text x="{left - 6}" y="{xy(min(years), r)[1] + 4:.1f}" text-anchor="end" '
                    f'font-size="10">{r}</text>' for r in (1, n))
    years_text = "".join(f'<text x="{xy(y, n)[0]:.1f}" y="{height - 6}" text-anchor="middle" font-size="10">{y}</text>'
                         for y in years[:: max(1, len(years) // 7)])
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#0072B2"/>' for x, y in (xy(*p) for p in points))
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{_e(label("profile.rank_trend", lang))}">{ticks}{years_text}'
            f'<polyline points="{line}" fill="none" stroke="#0072B2" stroke-width="2"/>{dots}</svg>')


def headline_values(profile: Profile, lang: str) -> list[tuple[str, str, str]]:
    """(label, big value, note) of the three headline figures: funding, index, improvements."""
    cat = load_catalog()
    std = cat.standard(profile.standard)
    style = cat.status_styles[profile.funding_status]
    index = (f"{profile.index:.1f}", label("profile.headline_index_note", lang, rank=profile.index_rank,
                                           n=profile.n_index_ranked)) if profile.index is not None \
        else ("—", label("profile.headline_index_none", lang))
    return [
        (label("profile.headline_funding", lang), value(profile.per_capita, std.unit, lang),
         label("profile.headline_funding_note", lang, status=f"{style['icon']} {style[lang]}",
               minimum=f"{profile.minimum}", target=f"{profile.target}" if profile.target is not None else "—",
               city=value(profile.city_per_capita, std.unit, lang))),
        (label("profile.headline_index", lang), *index),
        (label("profile.headline_improved", lang), f"{profile.improved}",
         label("profile.headline_improved_note", lang, improved=profile.improved, compared=profile.compared)),
    ]


def indicator_cells(profile: Profile, lang: str) -> list[list[str]]:
    """The indicator table as text: indicator, value, status, city, rank, change, (trend), source."""
    cat = load_catalog()
    return [[cat.indicator(r.indicator).name(lang), value(r.value, r.unit, lang), status(r.status, lang),
             value(r.city, r.unit, lang) if r.city is not None else "—",
             "—" if r.rank is None else f"{r.rank}/{r.n_ranked}", change(r.change, r.trend, r.unit, lang),
             short_source(r.source, lang)] for r in profile.rows]


def short_source(source: object, lang: str) -> str:
    """A row's sources in a few words (the full, graded citations are listed under the table)."""
    return RATIO_SEP.join(dict.fromkeys(short_cite(p, lang) for p in parts(source)))


def status_text(profile: Profile, lang: str) -> tuple[str, list[str]]:
    """The data-status line ('…共20个数值：官方2个、示例18个') and one line per release file."""
    sep = label("profile.list_sep", lang)
    counts = sep.join(label("profile.count_item", lang, status=status(s, lang), n=n)
                      for s, n in profile.status_counts.items() if n)
    line = label("profile.status_line", lang, year=profile.year, n=sum(profile.status_counts.values()), counts=counts)
    origins = [label("profile.origin_line", lang, release=r, file=f or label("profile.origin_computed", lang), n=n)
               for r, f, n in profile.origins]
    return line, origins


def section_html(profile: Profile, lang: str, *, heading: str = "h1") -> str:
    """One district's profile as an HTML section (title, headline, sentences, table, charts, statuses)."""
    reg = load_registry()
    strengths, gaps = sentences(profile, lang)
    r = rules()
    none = label("profile.none", lang, top=r["top"], bottom=r["bottom"])
    sub = "h2" if heading == "h1" else "h3"
    heads = "".join(f'<div class="lc-head">{_e(name)}<b>{_e(big)}</b><span>{_e(note)}</span></div>'
                    for name, big, note in headline_values(profile, lang))
    cols = label("profile.col_indicator", lang), label("profile.col_value", lang), label("profile.col_status", lang), \
        label("profile.col_city", lang), label("profile.col_rank", lang), label("profile.col_change", lang), \
        label("profile.col_trend", lang), label("profile.col_source", lang)
    head = "".join(f'<th style="width:{w}">{_e(c)}</th>' for c, w in zip(cols, COLUMN_WIDTHS, strict=True))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=n" if i in (1, 3, 4, 5) else ""}>{_e(c)}</td>' for i, c in enumerate(cells[:6]))
        + f"<td>{sparkline(row.series)}</td><td>{_e(cells[6])}</td></tr>"
        for cells, row in zip(indicator_cells(profile, lang), profile.rows, strict=True))
    status_line, origins = status_text(profile, lang)

    def items(texts: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{_e(s)}</li>" for s in (texts or [none])) + "</ul>"

    title = label("profile.title", lang, district=reg.district(profile.adcode).name(lang), year=profile.year)
    illustrative = f'<p class="lc-ill">{_e(label("profile.illustrative", lang))}</p>' if profile.illustrative else ""
    return (
        f'<section class="lc-profile" id="d{_e(profile.adcode)}"><{heading}>{_e(title)}</{heading}>{illustrative}'
        f'<div class="lc-heads">{heads}</div>'
        f'<div class="lc-cols"><div><{sub}>{_e(label("profile.strengths", lang))}</{sub}>{items(strengths)}</div>'
        f'<div><{sub}>{_e(label("profile.gaps", lang))}</{sub}>{items(gaps)}</div></div>'
        f'<{sub}>{_e(label("profile.indicators", lang))}</{sub}><table><thead><tr>{head}</tr></thead>'
        f'<tbody>{body}</tbody></table><p class="lc-note">{_e(label("profile.rank_note", lang))}</p>'
        f'<div class="lc-cols"><div><{sub}>{_e(label("profile.dimensions", lang))}</{sub}>'
        f'{dimension_svg(profile, lang)}</div>'
        f'<div><{sub}>{_e(label("profile.rank_trend", lang))}</{sub}>{rank_svg(profile, lang)}</div></div>'
        f'<{sub}>{_e(label("profile.data_status", lang))}</{sub}><p>{_e(status_line)}</p>'
        f'<ul class="lc-note">{"".join(f"<li>{_e(o)}</li>" for o in origins)}</ul></section>'
    )


def sources_html(profiles: Sequence[Profile], lang: str) -> str:
    """Every graded source behind the profiles (original document first), then what grades mean."""
    cited = format_sources([r.source for p in profiles for r in p.rows], lang)
    items = "".join(f"<li>{_e(s)}</li>" for s in cited)
    return (f'<h2>{_e(label("profile.sources", lang))}</h2><ol class="lc-note">{items}</ol>'
            f'<p class="lc-note">{_e(grade_note(lang))} {_e(settings()[f"source_{lang}"])}</p>')


def page_html(profile: Profile, lang: str, *, release: int | None = None, published: date | None = None,
              today: date | None = None) -> str:
    """The whole printable page for one district."""
    meta = " · ".join(x for x in (release_line(release, published, lang), issued_line(lang, today)) if x)
    title = label("profile.title", lang, district=load_registry().district(profile.adcode).name(lang),
                  year=profile.year)
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{PRINT_STYLE}</style></head><body><p class=\"lc-meta\">{_e(meta)}</p>"
            f"{section_html(profile, lang)}{sources_html([profile], lang)}</body></html>")
