"""A round template's hidden metadata (round, unit, year, data sheet), kept in the workbook's custom
document properties.

Why custom properties: they are invisible to a clerk, survive Excel, WPS and LibreOffice saving the
file, and need no hidden sheet (a submitted template with a hidden sheet is refused as tampered).
The importer reads them so that a filled template needs no options; the round's submit step checks
that they name the round and unit it is submitted for.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from lcity_data.importing.bounds import UnreadableFileError

CUSTOM_PART = "docProps/custom.xml"
PREFIX = "lcity_"
FORMAT = "round-template-1"
_MAX_PART = 64 * 1024  # ours is a few hundred bytes; a bigger one is not ours to parse


@dataclass(frozen=True)
class TemplateMeta:
    """What a round template says about itself."""

    round: int
    unit: str
    year: int
    sheet: str  # the data sheet's name

    def properties(self) -> dict[str, str]:
        """As custom document properties (all text: every spreadsheet program keeps text properties)."""
        return {f"{PREFIX}template": FORMAT, f"{PREFIX}round": str(self.round), f"{PREFIX}unit": self.unit,
                f"{PREFIX}year": str(self.year), f"{PREFIX}sheet": self.sheet}


def _tampered(what: str) -> UnreadableFileError:
    return UnreadableFileError(f"填报模板的隐藏信息（{what}）已被修改或损坏，请重新下载模板后填写",
                               f"the template's hidden information ({what}) was edited or is damaged: download "
                               "the template again and fill that in")


def read_template_meta(data: bytes) -> TemplateMeta | None:
    """The metadata of a round template, None for any other file; a template whose metadata was edited
    into nonsense is refused (UnreadableFileError). Call after the zip's bounds were checked."""
    if not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(CUSTOM_PART) if CUSTOM_PART in archive.namelist() else None
            if info is None or info.file_size > _MAX_PART:
                return None
            root = etree.fromstring(archive.read(info), etree.XMLParser(resolve_entities=False, no_network=True))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError, KeyError):
        return None
    props = {el.get("name"): "".join(el.itertext()).strip() for el in root if el.get("name")}
    if props.get(f"{PREFIX}template") != FORMAT:
        return None
    try:
        meta = TemplateMeta(round=int(props[f"{PREFIX}round"]), unit=props[f"{PREFIX}unit"],
                            year=int(props[f"{PREFIX}year"]), sheet=props[f"{PREFIX}sheet"])
    except (KeyError, ValueError):
        raise _tampered("round / unit / year") from None
    if not meta.unit or not meta.sheet or meta.round < 1:
        raise _tampered("round / unit / sheet")
    return meta
