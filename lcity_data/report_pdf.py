"""The annual report's Word file as a PDF, through LibreOffice, with its table of contents filled in.

Why a macro: `soffice --convert-to pdf` lays the file out but never updates fields, so the contents
page showed only the Word field's "update field" hint. Here LibreOffice opens the file hidden, updates
every index (the TOC, with the page numbers of its own layout) and exports the PDF, in one run of
`soffice` with a Basic macro kept in a throwaway user profile. The Word file itself keeps its field for
Word or WPS to fill. No LibreOffice: a CliError that says how to get it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lcity_data.cli_error import CliError
from lcity_data.report_text import label

TIMEOUT = 300  # s per soffice run: LibreOffice's first start on a loaded machine is slow
MODULE = "LcityReport"
# Basic: open hidden, update every index (the TOC), export as PDF, quit. Errors make no PDF (checked).
MACRO = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{MODULE}" script:language="StarBasic">
Sub ToPdf(inUrl As String, outUrl As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, load())
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(outUrl, store())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""


def _soffice(soffice: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", *args],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


def _install_macro(standard: Path) -> None:
    """Add the module to the profile's Standard Basic library (made by LibreOffice's first start)."""
    (standard / f"{MODULE}.xba").write_text(MACRO, encoding="utf-8")
    index = standard / "script.xlb"
    text = index.read_text(encoding="utf-8")
    if f'library:name="{MODULE}"' not in text:
        index.write_text(text.replace("</library:library>",
                                      f' <library:element library:name="{MODULE}"/>\n</library:library>'),
                         encoding="utf-8")


def to_pdf(docx: bytes, soffice: str | None = None) -> bytes:
    """The Word file as PDF, contents filled in (LibreOffice headless, in a temp dir, own profile)."""
    soffice = soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise CliError(label("report.pdf_needs_libreoffice", "zh"), label("report.pdf_needs_libreoffice", "en"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source, pdf, profile = root / "report.docx", root / "report.pdf", root / "profile"
        source.write_bytes(docx)
        # the first start writes the profile (and would overwrite a Basic library put there before)
        first = _soffice(soffice, profile, "--terminate_after_init")
        standard = profile / "user" / "basic" / "Standard"
        done = first
        if (standard / "script.xlb").exists():
            _install_macro(standard)
            done = _soffice(soffice, profile,
                            f'macro:///Standard.{MODULE}.ToPdf("{source.as_uri()}","{pdf.as_uri()}")')
        if done.returncode != 0 or not pdf.exists():
            raise CliError(f"LibreOffice 转换失败：{done.stderr.strip()[:300]}",
                           f"LibreOffice could not convert the report: {done.stderr.strip()[:300]}")
        return pdf.read_bytes()
