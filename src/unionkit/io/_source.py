"""Reading a roster file's raw cells: CSV in UTF-8 or GB18030, spreadsheets through calamine."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from attrs import frozen

from unionkit._csv import restore
from unionkit.errors import RosterFormatError
from unionkit.models.base import forbidden_character

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_SHEET_CELLS",
    "RawTable",
    "open_table",
    "read_limited",
]

MAX_FILE_BYTES = int(os.environ.get("UNIONKIT_MAX_FILE_MB", "256")) * 1024 * 1024
"""The largest roster file read (256 MiB, or ``$UNIONKIT_MAX_FILE_MB``); 100,000 members take
about 20 MiB as CSV."""

MAX_CELL_CHARS = csv.field_size_limit()
"""The longest CSV cell read (131,072 characters, the csv module's limit)."""

MAX_COLUMNS = 1024
"""The most header cells a roster may have; the roster format has about 25 columns."""

MAX_SHEET_CELLS = 10_000_000
"""The largest used range (rows x columns) of a spreadsheet: calamine allocates every cell
of it up front, about 32 bytes each, and aborts the process when that fails."""

_SHEET_XML_BYTES = 2 * MAX_FILE_BYTES
"""How much unpacked sheet XML is scanned before the file is called a zip bomb."""

_CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
_SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@frozen
class RawTable:
    """
    A file's header row and an iterator over its data rows, cells not yet interpreted.

    Args:
        source: The file's name, for messages.
        format: ``"csv"`` or the spreadsheet suffix without the dot.
        encoding: The CSV text encoding, or ``None`` for spreadsheets.
        header: The header cells, as text.
        header_row: The 1-based row number of the header.
        rows: Data rows: CSV cells are ``str``; spreadsheet cells are what calamine gives.
        total_hint: An estimate of the number of data rows, for progress reports.
        clean: Whether the whole file is known to hold no control character (a CSV
            checked once as text), so that no cell needs checking for one.
    """

    source: str
    format: str
    encoding: str | None
    header: list[str]
    header_row: int
    rows: Iterator[Sequence[object]]
    total_hint: int
    clean: bool = False


def _source_name(path_or_file: object) -> str:
    if isinstance(path_or_file, (str, os.PathLike)):
        return os.fspath(path_or_file)
    name = getattr(path_or_file, "name", None)
    return str(name) if isinstance(name, str) else "<file>"


def open_table(
    path_or_file: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    encoding: str | None,
    sheet: str | int | None,
) -> RawTable:
    """
    Open a roster file and return its header and rows.

    Raises:
        RosterFormatError: The file is missing, empty, undecodable or not a roster table.
    """
    source = _source_name(path_or_file)
    if isinstance(path_or_file, (str, os.PathLike)):
        path = Path(path_or_file)
        try:
            data: bytes | str = _read_regular_file(source, path)
        except FileNotFoundError:
            raise RosterFormatError(source, "文件不存在", "the file does not exist") from None
        except IsADirectoryError:
            raise RosterFormatError(
                source, "这是一个目录，不是文件", "this is a directory, not a file"
            ) from None
        except OSError as exc:
            raise RosterFormatError(
                source, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})"
            ) from exc
        suffix = path.suffix.lower()
    else:
        data = path_or_file.read(MAX_FILE_BYTES + 1)
        _check_size(source, len(data))
        suffix = Path(source).suffix.lower()
    if isinstance(data, str):
        return _csv_table(source, data, "text")
    if not data.strip():
        raise RosterFormatError(source, "文件为空", "the file is empty")
    is_sheet = suffix in _SHEET_SUFFIXES or (
        suffix not in _CSV_SUFFIXES and data[:4] in (_ZIP_MAGIC, _OLE_MAGIC)
    )
    if is_sheet:
        return _sheet_table(source, data, suffix.lstrip(".") or "xlsx", sheet)
    text, used = _decode(source, data, encoding)
    return _csv_table(source, text, used, data)


def _too_big(source: str) -> RosterFormatError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return RosterFormatError(
        source,
        f"文件超过 {limit} MiB，不是花名册（可用环境变量 UNIONKIT_MAX_FILE_MB 调整上限）",
        f"the file is larger than {limit} MiB, too large for a roster "
        f"(set UNIONKIT_MAX_FILE_MB to change the limit)",
    )


def _check_size(source: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise _too_big(source)


def read_limited(path: str | os.PathLike[str]) -> bytes:
    """
    Read a whole input file within the bounds a roster has (for other CSV exports too).

    Args:
        path: The file.

    Returns:
        Its bytes.

    Raises:
        RosterFormatError: The file is missing, not a regular file (FIFO, device), or
            larger than :data:`MAX_FILE_BYTES`.
    """
    source = os.fspath(path)
    try:
        return _read_regular_file(source, Path(path))
    except FileNotFoundError:
        raise RosterFormatError(source, "文件不存在", "the file does not exist") from None
    except OSError as exc:
        raise RosterFormatError(
            source, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})"
        ) from None


def _read_regular_file(source: str, path: Path) -> bytes:
    # stat first: opening a FIFO blocks until a writer comes, and /dev/zero never ends.
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise RosterFormatError(
            source,
            "这不是普通文件（是管道、设备或套接字），不能作为花名册读取",
            f"this is {kind}, not a regular file; save the roster to a file first",
        )
    with path.open("rb") as handle:
        # Read one byte more than allowed: a file that grows (or lies in st_size) is caught.
        data = handle.read(MAX_FILE_BYTES + 1)
    _check_size(source, len(data))
    return data


def _decode(source: str, data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise RosterFormatError(
                source, f"未知的编码“{encoding}”", f"unknown encoding {encoding!r}"
            ) from None
        except UnicodeDecodeError as exc:
            raise RosterFormatError(
                source,
                f"文件不是 {encoding} 编码（第 {exc.start} 字节处无法解码）",
                f"the file is not in {encoding} (undecodable byte at offset {exc.start})",
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with a byte-order mark.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise RosterFormatError(
        source,
        "无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030；"
        "请另存为“CSV UTF-8”或用 --encoding 指定",
        "cannot decode the file: it is neither UTF-8 nor GBK/GB18030; save it as "
        "'CSV UTF-8' or name the encoding explicitly",
    )


def _csv_table(source: str, text: str, encoding: str, data: bytes | None = None) -> RawTable:
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise RosterFormatError(source, "文件为空", "the file is empty")
    first_line = text.split("\n", 1)[0]
    # European-locale Excel saves "CSV" with semicolons; tab-separated is Excel's text export.
    delimiter = max((",", "\t", ";"), key=first_line.count)
    # Rows are decoded again as they are read, from the bytes: a StringIO of the whole text
    # would hold four bytes a character for the whole import.
    stream: IO[str] = (
        io.StringIO(text, newline="")
        if data is None
        else io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    )
    if data is not None and bom:
        stream.read(1)  # the byte-order mark the codec kept, as removed from the text above
    reader = csv.reader(stream, delimiter=delimiter)
    rows = _bounded_rows(source, reader, quoted="'" in text)
    header_row = 0
    header: list[str] = []
    for cells in rows:
        header_row += 1
        if any(c.strip() for c in cells):
            header = cells
            break
    _check_width(source, len(header))
    return RawTable(
        source=source,
        format="csv",
        encoding=encoding,
        header=header,
        header_row=header_row,
        rows=rows,
        total_hint=max(text.count("\n") - header_row + 1, 0),
        # One scan of the text instead of one per column of every chunk.
        clean=forbidden_character(text) is None,
    )


def _bounded_rows(source: str, reader: Any, *, quoted: bool) -> Iterator[list[str]]:
    """The CSV rows, with a clear error for a cell the csv module refuses (too long ...)."""
    try:
        if quoted:
            # Undo the quote unionkit's CSV writers put before formula-like cells; the
            # check on the whole text keeps files without any quote on the fast path.
            for cells in reader:
                yield [restore(c) if c[:1] == "'" else c for c in cells]
        else:
            yield from reader
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise RosterFormatError(
                source,
                f"第 {line} 行附近有单元格超过 {MAX_CELL_CHARS} 个字符（可能缺少右引号）",
                f"a cell near line {line} is longer than {MAX_CELL_CHARS} characters "
                f"(perhaps a missing closing quote)",
            ) from None
        raise RosterFormatError(
            source,
            f"第 {line} 行附近的 CSV 格式无法读取（{exc}）",
            f"the CSV cannot be read near line {line} ({exc})",
        ) from None


def _check_width(source: str, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise RosterFormatError(
            source,
            f"表头有 {columns} 列，超过上限 {MAX_COLUMNS} 列；这不是花名册",
            f"the header has {columns} columns, more than the {MAX_COLUMNS} a roster may have",
        )


def _sheet_table(source: str, data: bytes, kind: str, sheet: str | int | None) -> RawTable:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:
        raise RosterFormatError(
            source,
            "读取 Excel 需要安装 unionkit[excel]",
            "reading Excel files needs the extra: pip install 'unionkit[excel]'",
        ) from exc
    if kind in ("xlsx", "xlsm") or (data[:4] == _ZIP_MAGIC and kind not in ("ods", "xlsb")):
        _check_xlsx_extent(source, data, sheet)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise RosterFormatError(
            source,
            f"无法作为 {kind} 表格读取（文件损坏或格式不符）",
            f"cannot read the file as a {kind} spreadsheet (damaged or another format): "
            f"{type(exc).__name__}",
        ) from exc
    names: list[str] = list(book.sheet_names)
    if sheet is None:
        chosen = 0
    elif isinstance(sheet, int):
        chosen = sheet
        if not 0 <= sheet < len(names):
            raise RosterFormatError(
                source,
                f"没有第 {sheet} 个工作表（共 {len(names)} 个）",
                f"there is no sheet number {sheet} (the file has {len(names)})",
            )
    elif sheet in names:
        chosen = names.index(sheet)
    else:
        listed = ", ".join(names)
        raise RosterFormatError(
            source,
            f"没有名为“{sheet}”的工作表（现有：{listed}）",
            f"there is no sheet named {sheet!r} (sheets: {listed})",
        )
    # Keep leading empty rows so that reported row numbers match what Excel shows.
    rows: list[list[Any]] = book.get_sheet_by_index(chosen).to_python(skip_empty_area=False)
    header_row = 0
    header: list[str] = []
    for index, cells in enumerate(rows):
        if any(str(c).strip() for c in cells):
            header_row = index + 1
            header = [_header_text(c) for c in cells]
            break
    if not header:
        raise RosterFormatError(source, "工作表为空", "the sheet is empty")
    _check_width(source, len(header))
    return RawTable(
        source=source,
        format=kind,
        encoding=None,
        header=header,
        header_row=header_row,
        rows=iter(rows[header_row:]),
        total_hint=len(rows) - header_row,
    )


def _header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


_ROW_TAG = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# Literal prefixes keep the scan fast (about 0.2 s per pattern on 100,000 x 25 cells);
# "ref=" of merged ranges matches too, which only makes the estimate safer.
_FAR_ROW = re.compile(rb'r="[A-Z]+\d{7,}[":]')
_WIDE_COLUMN = re.compile(rb'r="([A-Z]{2,})\d')
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_xlsx_extent(source: str, data: bytes, sheet: str | int | None) -> None:
    """
    Refuse an xlsx whose used range is too large before calamine allocates it.

    calamine allocates rows x columns cells for the range from the first to the last
    cell, so a 5 KB file with one cell at XFD1048576 asks for half a terabyte and the
    process aborts. The sheet XML is scanned in chunks (never unpacked whole, so a
    zip bomb stops at a bound too) for the highest row and the widest column.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = sorted(
            n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
        )
    except (zipfile.BadZipFile, ValueError):
        return  # calamine reports a damaged file in its own words
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        names = (
            [f"xl/worksheets/sheet{sheet + 1}.xml"]
            if (f"xl/worksheets/sheet{sheet + 1}.xml" in names)
            else names
        )
    for name in names:
        rows = columns = unpacked = 0
        tail = b""
        try:
            with book.open(name) as part:
                while chunk := part.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > _SHEET_XML_BYTES:
                        raise _sheet_too_large(source, "unpacked", 0, 0)
                    window = tail + chunk
                    if _FAR_ROW.search(window):
                        rows = max(rows, 1_000_000)
                    for found in _ROW_TAG.findall(window):
                        rows = max(rows, int(found))
                    for found in _WIDE_COLUMN.findall(window):
                        columns = max(columns, _column_number(found))
                    tail = window[-64:]
        except (zipfile.BadZipFile, OSError, EOFError):
            return
        columns = max(columns, 26)
        if rows * columns > MAX_SHEET_CELLS or columns > 16384:
            raise _sheet_too_large(source, name, rows, columns)


def _sheet_too_large(source: str, part: str, rows: int, columns: int) -> RosterFormatError:
    if part == "unpacked":
        return RosterFormatError(
            source,
            "表格解压后过大（可能是压缩炸弹），不能读取",
            "the spreadsheet unpacks to far more data than its size suggests (a zip bomb?)",
        )
    return RosterFormatError(
        source,
        f"工作表用到第 {rows} 行、第 {columns} 列，超过 {MAX_SHEET_CELLS} 个单元格的上限；"
        f"请删除远处多余的单元格后另存",
        f"a sheet reaches row {rows} and column {columns}, more than the "
        f"{MAX_SHEET_CELLS:,} cells allowed; delete the stray far-away cells and save again",
    )
