"""Refusing a tampered template: metadata naming another round, unit or year, formulas, hidden sheets.

Why: a template is a form the office sent; a returned one that computes its figures, hides a sheet or
claims to be another unit's is not the form that was sent, and its numbers cannot be taken at face
value. Run after the importer has read the file (so its zip is known to be within bounds); reads only
the workbook part and scans sheet XML for formula tags, in bounded chunks.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from lcity_data.collection.errors import SubmissionRejected
from lcity_data.collection.meta import TemplateMeta
from lcity_data.collection.rounds import Round

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CHUNK = 1 << 20
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _refuse(zh: str, en: str) -> SubmissionRejected:
    return SubmissionRejected(f"模板被改动，未提交：{zh}", f"the template was tampered with, nothing submitted: {en}")


def check_template(data: bytes, meta: TemplateMeta, rnd: Round, unit: str) -> None:
    """Raise SubmissionRejected unless the template is this round's, this unit's, with no formula or hidden sheet."""
    if meta.round != rnd.id:
        raise _refuse(f"这是第{meta.round}轮的模板，不能提交到第{rnd.id}轮；请下载本轮模板",
                      f"this is a template of round {meta.round}, not round {rnd.id}: download this round's template")
    if meta.unit != unit:
        raise _refuse(f"这是单位 {meta.unit} 的模板，不能作为 {unit} 提交",
                      f"this is the template of unit {meta.unit}; it cannot be submitted as {unit}")
    if meta.year != rnd.year:
        raise _refuse(f"模板年份为{meta.year}年，本轮为{rnd.year}年",
                      f"the template says {meta.year}; the round is {rnd.year}")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        hidden = _hidden_sheets(archive)
        if hidden:
            raise _refuse(f"含有隐藏的工作表：{'、'.join(hidden)}；请取消隐藏或删除后再提交",
                          f"it has hidden sheets: {', '.join(hidden)}; unhide or delete them and submit again")
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and _has_formula(archive, name):
                raise _refuse("含有公式；请把公式单元格改为数值（复制后“选择性粘贴—数值”）后再提交",
                              "it holds formulas; replace them by their values (copy, paste special: values) "
                              "and submit again")


def _hidden_sheets(archive: zipfile.ZipFile) -> list[str]:
    try:
        root = etree.fromstring(archive.read("xl/workbook.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except (KeyError, etree.XMLSyntaxError):
        return []  # the importer has already read this workbook, so it has a readable workbook part
    return [el.get("name") or "?" for el in root.iter(f"{_NS}sheet") if el.get("state") in ("hidden", "veryHidden")]


def _has_formula(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False
