"""The annual monitoring report as a Word file (python-docx), for offices that edit reports in Word or WPS.

A4 portrait; 宋体 body and 黑体 headings declared as East Asian fonts (w:eastAsia), so Word and WPS pick
Chinese faces and LibreOffice substitutes installed CJK ones; a table-of-contents field (filled when the
reader updates fields), numbered tables and figures (SEQ fields with their numbers already in place) and
page numbers (PAGE field) in the footer. Content: lcity_data/report_content.py.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from lcity_data.catalog import load_catalog
from lcity_data.citation import cite, grade_note
from lcity_data.composite import default_config, settings
from lcity_data.profile import Profile, rules, sentences
from lcity_data.profile_html import headline_values, indicator_cells, status_text
from lcity_data.registry import load_registry
from lcity_data.report_content import Figure, Report, Table, district_figure
from lcity_data.report_text import issuer, label, release_line, since_first

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
TEXT_WIDTH_MM = 160  # A4 (210 mm) less 25 mm margins either side
PROFILE_WIDTHS_MM = (30, 19, 10, 19, 11, 19, 20, 32)


def _fonts(style_or_run: object, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian fonts on a style or run (python-docx sets only the Latin one itself)."""
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = latin
    rpr = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A Word field (TOC, SEQ, PAGE) with its current result, so it reads right before an update."""
    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(result)
    char("end")


class _Writer:
    """Adds headings, paragraphs, numbered tables and figures to one document."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.doc = Document()
        self.tables = self.figures = 0
        self._setup()

    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin, section.bottom_margin = Mm(25), Mm(22)
        styles = self.doc.styles
        _fonts(styles["Normal"], BODY_FONT)
        styles["Normal"].font.size = Pt(10.5)
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
            _fonts(styles[name], HEADING_FONT)
            styles[name].font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
        styles["Caption"].font.size = Pt(9)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = label("report.page", self.lang, page="\0").partition("\0")
        footer.add_run(before)
        _field(footer, "PAGE", "1")
        footer.add_run(after)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level)

    def para(self, text: str, *, bold: bool = False, size: float | None = None, center: bool = False,
             color: RGBColor | None = None) -> Paragraph:
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def bullets(self, texts: list[str]) -> None:
        for text in texts:
            self.doc.add_paragraph(text, style="List Bullet")

    def _caption(self, kind: str, n: int, text: str) -> None:
        p = self.doc.add_paragraph(style="Caption")
        before, _, after = label(f"report.{kind}_caption", self.lang, n="\0", text=text).partition("\0")
        p.add_run(before)
        _field(p, f"SEQ {'Table' if kind == 'table' else 'Figure'} \\* ARABIC", str(n))
        p.add_run(after)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def table(self, table: Table, widths_mm: tuple[float, ...] | None = None, size: float = 8.5) -> None:
        """A numbered table, caption above, header row repeated on every page, fitted to the text width."""
        self.tables += 1
        self._caption("table", self.tables, table.caption)
        grid = self.doc.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        widths = widths_mm or tuple([TEXT_WIDTH_MM / len(table.header)] * len(table.header))
        self._fill(grid.rows[0].cells, table.header, True, table.numeric, size)
        trpr = grid.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for texts in table.rows:
            self._fill(grid.add_row().cells, texts, False, table.numeric, size)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Mm(width)  # the grid LibreOffice lays out by; Word reads the cells'
            for cell in column.cells:
                cell.width = Mm(width)

    @staticmethod
    def _fill(cells: list, texts: tuple[str, ...], header: bool, numeric: tuple[int, ...], size: float) -> None:
        for i, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            p = cell.paragraphs[0]
            run = p.add_run(text)
            run.font.size = Pt(size)
            run.bold = header
            if i in numeric and not header:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def figure(self, figure: Figure, width_mm: float = TEXT_WIDTH_MM) -> None:
        """A picture at print resolution across the text width, numbered caption below."""
        self.figures += 1
        self.doc.add_picture(io.BytesIO(figure.png), width=Mm(width_mm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._caption("figure", self.figures, figure.caption)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cover(w: _Writer, report: Report) -> None:
    lang = report.lang
    for _ in range(6):
        w.para("")
    w.doc.add_paragraph(label("report.title", lang), style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    w.para(label("report.year", lang, year=report.year), size=16, center=True)
    for _ in range(8):
        w.para("")
    w.para(label("report.issuer", lang, issuer=issuer(lang)), size=12, center=True)
    w.para(label("report.date", lang, date=report.today.isoformat()), size=12, center=True)
    release = release_line(report.release, report.published, lang)
    if release:
        w.para(release, size=12, center=True)
    if report.illustrative:
        w.para(label("report.illustrative_cover", lang), bold=True, size=11, center=True,
               color=RGBColor(0xB4, 0x53, 0x09))
    w.page_break()
    w.para(label("report.toc", lang), bold=True, size=14, center=True)
    _field(w.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', label("report.toc_hint", lang))
    w.page_break()


def _profile(w: _Writer, profile: Profile, lang: str) -> None:
    reg = load_registry()
    w.heading(reg.district(profile.adcode).name(lang), 2)
    for what, big, note in headline_values(profile, lang):
        w.para(f"{what}：{big}（{note}）" if lang == "zh" else f"{what}: {big} ({note})")
    strengths, gaps = sentences(profile, lang)
    none = label("profile.none", lang, top=rules()["top"], bottom=rules()["bottom"])
    for key, lines in (("profile.strengths", strengths), ("profile.gaps", gaps)):
        w.para(label(key, lang), bold=True)
        w.bullets(lines or [none])
    w.figure(district_figure(profile, lang))
    cols = ("profile.col_indicator", "profile.col_value", "profile.col_status", "profile.col_city",
            "profile.col_rank", "profile.col_change", "report.col_since", "profile.col_source")
    rows = tuple((*cells[:6], since_first(r.series, profile.year, r.unit, lang), cells[6])
                 for cells, r in zip(indicator_cells(profile, lang), profile.rows, strict=True))
    w.table(Table(label("report.district_table", lang, district=reg.district(profile.adcode).name(lang),
                        year=profile.year), tuple(label(c, lang) for c in cols), rows,
                  numeric=(1, 3, 4, 5)), PROFILE_WIDTHS_MM, size=7.5)
    ranks = "、".join(f"{y}: {r}" for y, r in profile.rank_trend if r is not None)
    w.para(f"{label('profile.rank_trend', lang)}：{ranks}", size=9)
    line, origins = status_text(profile, lang)
    w.para(line + ("；" if lang == "zh" else "; ") + label("profile.list_sep", lang).join(origins), size=9)


def _appendix(w: _Writer, report: Report) -> None:
    lang = report.lang
    cat = load_catalog()
    std = cat.standard()
    w.heading(label("report.appendix", lang), 1)
    w.heading(label("report.methods", lang), 2)
    w.para(label("report.method_funding", lang, basis=cat.basis_names[std.basis][lang], minimum=std.minimum,
                 target=std.target, source=cite(cat.sources[std.source], lang)))
    config = default_config()
    w.para(label("report.method_index", lang, n=len(config.indicators),
                 dims=label("profile.list_sep", lang).join(cat.zhejiang[d][lang] for d in config.dimensions),
                 share=f"{settings()['max_missing_share'] * 100:g}", missing_source=settings()[f"source_{lang}"]))
    w.para(label("report.method_city", lang))
    w.heading(label("report.statuses", lang), 2)
    meanings = tuple((getattr(spec, lang), label(f"report.status_{sid}", lang)) for sid, spec in cat.statuses.items())
    w.table(Table(label("report.statuses", lang), (label("report.col_status", lang), label("report.col_meaning", lang)),
                  meanings),
            (40, 120))
    w.heading(label("report.sources", lang), 2)
    for i, source in enumerate(report.sources, 1):
        w.para(f"{i}. {source}", size=9)
    w.para(grade_note(lang), size=9)


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    lang = report.lang
    w = _Writer(lang)
    _cover(w, report)
    w.heading(label("report.summary", lang), 1)
    w.heading(label("report.findings", lang), 2)
    w.bullets(list(report.findings))
    w.table(report.funding, (26, 28, 28, 22, 30, 26))
    w.page_break()
    w.heading(label("report.dimensions", lang), 1)
    w.table(report.index, (20, 50, 40, 50))
    w.figure(report.index_figure)
    for chapter in report.chapters:
        w.heading(chapter.title, 2)
        for sentence in chapter.sentences:
            w.para(sentence)
        n = len(chapter.table.header)
        w.table(chapter.table, (26, 20, 14, *[(TEXT_WIDTH_MM - 60) / (n - 3)] * (n - 3)))
        w.figure(chapter.figure)
    w.page_break()
    w.heading(label("report.districts", lang), 1)
    for k, profile in enumerate(report.profiles):
        if k:
            w.page_break()
        _profile(w, profile, lang)
    w.page_break()
    _appendix(w, report)
    buf = io.BytesIO()
    w.doc.save(buf)
    return buf.getvalue()
