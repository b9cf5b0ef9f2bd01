"""Reading a roster file's raw cells: CSV in UTF-8 or GB18030, spreadsheets through calamine."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from attrs import frozen

from unionkit.errors import RosterFormatError

__all__ = ["RawTable", "open_table"]

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
    """

    source: str
    format: str
    encoding: str | None
    header: list[str]
    header_row: int
    rows: Iterator[Sequence[object]]
    total_hint: int


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
            data: bytes | str = path.read_bytes()
        except FileNotFoundError:
            raise RosterFormatError(source, "文件不存在", "the file does not exist") from None
        except IsADirectoryError:
            raise RosterFormatError(source, "这是一个目录，不是文件", "this is a directory, "
                                    "not a file") from None
        except OSError as exc:
            raise RosterFormatError(
                source, f"无法读取文件（{exc.strerror}）", f"cannot read the file ({exc.strerror})"
            ) from exc
        suffix = path.suffix.lower()
    else:
        data = path_or_file.read()
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
    stream: IO[str] = io.StringIO(text, newline="") if data is None else io.TextIOWrapper(
        io.BytesIO(data), encoding=encoding, newline=""
    )
    if data is not None and bom:
        stream.read(1)  # the byte-order mark the codec kept, as removed from the text above
    reader = csv.reader(stream, delimiter=delimiter)
    header_row = 0
    header: list[str] = []
    for cells in reader:
        header_row += 1
        if any(c.strip() for c in cells):
            header = cells
            break
    return RawTable(
        source=source,
        format="csv",
        encoding=encoding,
        header=header,
        header_row=header_row,
        rows=reader,
        total_hint=max(text.count("\n") - header_row + 1, 0),
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
