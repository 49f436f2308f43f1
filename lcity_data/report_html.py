"""The annual monitoring report as one self-contained HTML file (`report --format html`).

Same content as the Word file (lcity_data/report_content.py), pictures inlined as data: URLs and the
district sections written by the printable profile (profile_html.py); prints on A4 portrait.
"""

from __future__ import annotations

import base64
import html

from lcity_data.profile_html import PRINT_STYLE, section_html
from lcity_data.report_content import Figure, Report, Table
from lcity_data.report_text import issuer, label, release_line


def _e(text: object) -> str:
    return html.escape(str(text))


class _Numbers:
    def __init__(self) -> None:
        self.tables = self.figures = 0


def _table(table: Table, n: _Numbers, lang: str) -> str:
    n.tables += 1
    head = "".join(f"<th>{_e(c)}</th>" for c in table.header)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in table.numeric else ""}>{_e(c)}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in table.rows)
    caption = label("report.table_caption", lang, n=n.tables, text=table.caption)
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(figure: Figure, n: _Numbers, lang: str) -> str:
    n.figures += 1
    data = base64.b64encode(figure.png).decode("ascii")
    caption = label("report.figure_caption", lang, n=n.figures, text=figure.caption)
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(figure.caption)}" style="width:100%">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def render_html(report: Report) -> str:
    """The report as one HTML document (no external file, script or font)."""
    lang = report.lang
    n = _Numbers()
    cover = [f"<h1>{_e(label('report.title', lang))}</h1>",
             f"<p>{_e(label('report.year', lang, year=report.year))}</p>",
             f"<p>{_e(label('report.issuer', lang, issuer=issuer(lang)))}</p>",
             f"<p>{_e(label('report.date', lang, date=report.today.isoformat()))}</p>",
             f"<p>{_e(release_line(report.release, report.published, lang))}</p>"]
    if report.illustrative:
        cover.append(f'<p class="lc-ill">{_e(label("report.illustrative_cover", lang))}</p>')
    parts = ['<section class="lc-cover">', *cover, "</section>",
             f"<h1>{_e(label('report.summary', lang))}</h1><h2>{_e(label('report.findings', lang))}</h2><ul>",
             *(f"<li>{_e(f)}</li>" for f in report.findings), "</ul>", _table(report.funding, n, lang),
             f'<h1 class="lc-break">{_e(label("report.dimensions", lang))}</h1>', _table(report.index, n, lang),
             _figure(report.index_figure, n, lang)]
    for chapter in report.chapters:
        parts += [f"<h2>{_e(chapter.title)}</h2>", *(f"<p>{_e(s)}</p>" for s in chapter.sentences),
                  _table(chapter.table, n, lang), _figure(chapter.figure, n, lang)]
    parts.append(f'<h1 class="lc-break">{_e(label("report.districts", lang))}</h1>')
    parts += [section_html(p, lang, heading="h2") for p in report.profiles]
    parts += [f'<h1 class="lc-break">{_e(label("report.appendix", lang))}</h1>',
              f"<h2>{_e(label('report.sources', lang))}</h2><ol class=\"lc-note\">",
              *(f"<li>{_e(s)}</li>" for s in report.sources), "</ol>"]
    style = PRINT_STYLE + (".lc-break { page-break-before: always; } caption, figcaption { font-size: 9pt; "
                           "color: #444; text-align: center; margin: 4px 0; } figure { margin: 8px 0; }")
    title = f"{label('report.title', lang)} {label('report.year', lang, year=report.year)}"
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
