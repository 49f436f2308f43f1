"""What an upload may hold, and the one error for a file refused as a whole.

Why a module of its own: a return comes from a stranger, and a few kilobytes can declare a million
rows, a cell in column XFD or a zip that unpacks to gigabytes. Every limit the import works within is
here, next to the budget that one file spends across its sheets and the refusals that name the limit,
so the readers (lcity_data.importing.table_reader) and the pages that state the limits read one number.

- Files: regular files only (a device or FIFO would never end or block), at most `MAX_BYTES` + 1
  bytes read from any stream.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from openpyxl.utils import get_column_letter

# The one upload limit: .streamlit/config.toml server.maxUploadSize is the same number of MB (a test
# reads both), so the browser refuses a bigger file before sending it and the message is the same.
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an xlsx is a zip: refuse "zip bombs" before parsing
MAX_COLUMNS = 50
MAX_ROWS = 20_000
# Counted in the sheet XML before it is parsed (a byte count, at C speed): every tag, empty cells and
# formatting included: four per value cell (<c><v></v></c>) over the full 50 x 20,000 area, and room.
MAX_MARKUP = 5 * MAX_COLUMNS * MAX_ROWS
MAX_ROW_BYTES = 4 * 1024 * 1024  # a row's XML is held in memory until the row ends
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024  # parsed whole on open: ~0.5 M tiny strings, ~3 s CPU
MAX_PART_BYTES = 4 * 1024 * 1024  # styles, workbook, theme ...: parsed whole by openpyxl on open
MAX_FILE_CELLS = MAX_COLUMNS * MAX_ROWS  # cells with content in all the sheets read from one file
MAX_MERGES = 100_000

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX only; Windows has no FIFOs to block on open


class UnreadableFileError(ValueError):
    """The upload is not a table this importer can read (the whole file is refused, not a row)."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass
class Budget:
    """What one file may still cost across the sheets read from it (a workbook with one sheet per year
    is read sheet by sheet: each within the bounds, and all of them together within the same ones)."""

    cells: int = field(default_factory=lambda: MAX_FILE_CELLS)
    markup: int = field(default_factory=lambda: MAX_MARKUP)

    def spend_cell(self) -> None:
        self.cells -= 1
        if self.cells < 0:
            raise UnreadableFileError(
                f"所读取的工作表合计内容过多：一份文件最多{MAX_FILE_CELLS:,}个有内容的单元格；请拆分后分别上传",
                f"the sheets read hold too much together: at most {MAX_FILE_CELLS:,} cells with content per "
                "file; split it and upload the parts")



def cell_error(row: int, col: int) -> UnreadableFileError:
    """A value outside the readable area: say which cell, so that it can be found and deleted."""
    ref = f"{get_column_letter(col)}{row}" if 1 <= col <= 16_384 else f"R{row}C{col}"
    return UnreadableFileError(
        f"单元格 {ref} 超出可读取范围（最多{MAX_COLUMNS}列、{MAX_ROWS:,}行）。请删除表格以外的内容，"
        "或把表格复制到新工作表后再上传",
        f"cell {ref} is outside what can be read (at most {MAX_COLUMNS} columns and {MAX_ROWS:,} rows). "
        "Delete what lies outside the table, or copy the table to a new sheet, and upload again",
    )


def too_complex() -> UnreadableFileError:
    return UnreadableFileError(
        f"工作表的内容过多或过于复杂，无法在限定时间内读取（最多{MAX_COLUMNS}列、{MAX_ROWS:,}行）",
        f"the worksheet holds too much or is too complex to read in bounded time "
        f"(at most {MAX_COLUMNS} columns and {MAX_ROWS:,} rows)",
    )


# ---------------------------------------------------------------------------------------------------
# Bytes


def read_limited(source: str | Path | bytes | BinaryIO, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The upload's bytes and its name; more than `max_bytes`, or a file that is not a regular file
    (a device or FIFO could block or never end), is refused without reading it all."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source[: max_bytes + 1]), filename or "upload"
    elif isinstance(source, str | Path):
        path = Path(source)
        name = filename or path.name
        data = _read_path(path, max_bytes)
    else:
        data = _read_stream(source, max_bytes)
        name = filename or getattr(source, "name", None) or "upload"
    if len(data) > max_bytes:
        raise too_big(max_bytes)
    return data, str(name)


def _read_path(path: Path, max_bytes: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says what was opened.
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))  # O_BINARY: Windows
    except FileNotFoundError:
        raise UnreadableFileError(f"文件不存在：{path}", f"file not found: {path}") from None
    except OSError as exc:
        raise UnreadableFileError(f"无法打开文件：{path}", f"cannot open file: {path} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(f"无法打开文件：{path} 不是普通文件（目录、设备或管道）",
                                      f"cannot open file: {path} is not a regular file (a directory, device or pipe)")
        if info.st_size > max_bytes:
            raise too_big(max_bytes)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as handle:
            return _read_stream(handle, max_bytes)
    finally:
        os.close(fd)


def _read_stream(stream: BinaryIO, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes, however the stream hands them out."""
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = stream.read(max_bytes + 1 - size)
        if not chunk:
            break
        chunks.append(bytes(chunk))
        size += len(chunk)
    return b"".join(chunks)


def too_big(max_bytes: int) -> UnreadableFileError:
    """The one message for the upload limit (the page's uploader is set to the same number)."""
    mb = max_bytes // (1024 * 1024)
    return UnreadableFileError(f"文件超过{mb} MB上限", f"file is larger than the {mb} MB limit")

