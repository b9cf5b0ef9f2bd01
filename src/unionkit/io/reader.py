"""``read_roster``: import a roster file into validated members and a full error report."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import IO, Any

from pydantic import ValidationError

from unionkit.io._cells import Fail, cell_text, converters
from unionkit.io._source import open_table
from unionkit.io.columns import HeaderPlan, plan_headers
from unionkit.io.result import RosterImport, RosterWarning, RowError
from unionkit.models import Member, Sex
from unionkit.models.base import Privacy, field_labels, fields_by_privacy
from unionkit.models.ids import ResidentId, mask_name, mask_raw, mask_text
from unionkit.models.member import BLANKS_REMOVED, consistency_problems

__all__ = ["PERSONAL_FIELDS", "mask_value", "read_roster"]

PERSONAL_FIELDS = fields_by_privacy(Member, Privacy.IDENTIFYING, Privacy.SENSITIVE)
"""Fields whose values are masked in every error report (identity, income and health facts)."""

_PROGRESS_EVERY = 2048

# Model validators raise ValueError("english / 中文"); the English part says which rule failed.
# Cross-field problems are not parsed from text: consistency_problems() gives them whole.
_VALUE_ERRORS: tuple[tuple[str, str], ...] = (
    ("must not be negative", "negative_amount"),
    ("decimal places", "money_precision"),
    ("amount too large", "money_too_large"),
    ("amount of money", "money_format"),
    ("finite amount", "money_format"),
    ("birth date is in the future", "birth_date_future"),
    ("birth date more than", "birth_date_too_old"),
    ("hire date is in the future", "hire_date_future"),
)

_LABELS = field_labels(Member)


def mask_value(field: str, raw: object) -> str:
    """
    Return *raw* as text fit for an error report: personal fields are masked.

    Args:
        field: The Member field the value belongs to.
        raw: The cell value as read.
    """
    text = cell_text(raw)
    if not text or field not in PERSONAL_FIELDS:
        return text
    if field == "name":
        return mask_name(text)
    if field == "phone" and len(text) <= 13:
        return mask_text(text, 3, 4) if len(text) > 7 else mask_text(text, 0, 1)
    if field in ("national_id", "phone"):
        return mask_raw(text)
    return "*" * len(text)


def read_roster(
    path_or_file: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RosterImport:
    """
    Read a roster (CSV, ``.xlsx`` or ``.xls``) and validate every row as a :class:`Member`.

    The import never stops at a bad row: every valid row becomes a member and every
    problem of every other row is reported. Duplicate member ids and duplicate ID
    numbers are reported on the later row, which is left out.

    Args:
        path_or_file: A path, or a binary (or text) file object.
        mapping: Extra ``{header: field}`` entries that override the default mapping.
        encoding: The CSV encoding; by default UTF-8 (with or without BOM), then GB18030.
        sheet: The worksheet name or 0-based index for spreadsheets; the first by default.
        today: The date against which future dates and ages are judged; the real today
            by default.
        progress: Called as ``progress(rows_done, rows_expected)`` every few thousand rows
            and once at the end; *rows_expected* is an estimate until then.

    Returns:
        The members, the row errors and the warnings.

    Raises:
        RosterFormatError: The file cannot be read as a roster at all: missing, empty,
            undecodable, an unknown sheet, or required columns (member id, name) missing.

    .. versionadded:: 0.1.0
    """
    today = today or date.today()
    table = open_table(path_or_file, encoding=encoding, sheet=sheet)
    plan = plan_headers(table.header, table.source, mapping)
    warnings = [
        RosterWarning(
            "unknown_column",
            f"未识别的列“{h}”已忽略",
            f"unknown column {h!r} ignored",
            column=h,
        )
        for h in plan.unknown
    ]
    # A roster makes millions of small acyclic objects; the cyclic collector would rescan
    # all of them again and again (import time growing faster than the row count).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        members, errors, rows_read, blank = _validate_rows(
            table.rows, header_row=table.header_row, plan=plan, today=today, progress=progress,
            text_only=table.format == "csv",
        )
    finally:
        if gc_was_enabled:
            gc.enable()
    if blank:
        warnings.append(RosterWarning(
            "blank_rows", f"跳过了 {blank} 个空行", f"skipped {blank} blank rows"
        ))
    if rows_read == 0:
        warnings.append(RosterWarning(
            "no_data_rows", "文件只有表头，没有数据行", "the file has a header but no data rows"
        ))
    return RosterImport(
        members=members,
        errors=errors,
        warnings=warnings,
        rows_read=rows_read,
        source=table.source,
        format=table.format,
        encoding=table.encoding,
    )


def _column(
    rows: list[Sequence[object]],
    index: int,
    text_only: bool,
    transposed: list[tuple[object, ...]] | None,
) -> list[object]:
    if transposed is not None:
        # Every row as wide as the header: C-level strip over a column zip() already cut.
        return list(map(str.strip, transposed[index]))  # type: ignore[arg-type]
    if text_only:
        return [r[index].strip() if index < len(r) else ""  # type: ignore[attr-defined]
                for r in rows]
    return [_spreadsheet_cell(r[index]) if index < len(r) else "" for r in rows]


def _transpose(rows: list[Sequence[object]], width: int) -> list[tuple[object, ...]] | None:
    # The common case, a CSV whose rows all match the header, is cut into columns in C;
    # ragged rows (and spreadsheet cells, which are not all text) take the per-cell path.
    if not rows or any(len(r) != width for r in rows):
        return None
    return list(zip(*rows, strict=True))


def _spreadsheet_cell(cell: object) -> object:
    if type(cell) is str:
        return cell.strip()
    return "" if cell is None else cell


def _validate_rows(
    raw_rows: Iterable[Sequence[object]],
    *,
    header_row: int,
    plan: HeaderPlan,
    today: date,
    progress: Callable[[int, int], None] | None,
    text_only: bool,
) -> tuple[list[Member], list[RowError], int, int]:
    # Column by column: each converter runs over a whole column with its cache warm,
    # and a row only costs one dict and one model validation.
    rows = list(raw_rows)
    width = len(plan.fields)
    convert = converters(today)
    fields: list[str] = []
    indexes: list[int] = []
    columns: list[list[object]] = []
    failed: dict[int, list[int]] = {}
    transposed = _transpose(rows, width) if text_only else None
    for index, field in enumerate(plan.fields):
        if field is None:
            continue
        cells = _column(rows, index, text_only, transposed)
        conv = convert.get(field)
        if conv is not None:
            cells = [conv(c) if c != "" else "" for c in cells]
            for j, value in enumerate(cells):
                if type(value) is Fail:
                    failed.setdefault(j, []).append(len(fields))
        elif not text_only:
            cells = [c if type(c) is str else cell_text(c) for c in cells]
        fields.append(field)
        indexes.append(index)
        columns.append(cells)
    context = {"today": today, BLANKS_REMOVED: True}
    validate = Member.model_validate
    members: list[Member] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    seen_national: dict[str, tuple[int, str | None]] = {}
    total = len(rows)
    rows_read = blank = 0
    for j, values in enumerate(zip(*columns, strict=True)):
        rowno = header_row + 1 + j
        if progress is not None and j % _PROGRESS_EVERY == 0 and j:
            progress(j, total)
        data = {f: v for f, v in zip(fields, values, strict=True) if v != ""}
        row_errors: list[RowError] | None = None
        bad = failed.get(j)
        if bad is not None:
            row_errors = []
            for k in bad:
                fail = values[k]
                assert type(fail) is Fail
                field = fields[k]
                row_errors.append(RowError(
                    rowno, plan.headers[indexes[k]], field, mask_value(field, rows[j][indexes[k]]),
                    fail.code, fail.zh, fail.en,
                ))
                del data[field]
        elif (not data.get("member_id") and not any(v != "" for v in values)
              and not any(cell_text(c) for c in rows[j])):
            blank += 1
            continue
        rows_read += 1
        row_cells = rows[j]
        if len(row_cells) > width and any(cell_text(c) for c in row_cells[width:]):
            row_errors = row_errors or []
            row_errors.append(RowError(
                rowno, "", "", "", "extra_cells",
                f"此行比表头多出 {len(row_cells) - width} 个单元格（可能是值中含未加引号的逗号）",
                f"the row has {len(row_cells) - width} more cells than the header "
                f"(perhaps an unquoted comma inside a value)",
            ))
        try:
            member: Member | None = validate(data, context=context)
        except ValidationError as exc:
            row_errors = row_errors or []
            row_errors.extend(_pydantic_errors(
                exc, rowno=rowno, plan=plan, data=data, cells=rows[j], indexes=indexes,
                fields=fields,
            ))
            member = None
        raw_id = data.get("member_id")
        member_id = raw_id if isinstance(raw_id, str) and raw_id else None
        raw_nid = data.get("national_id")
        national_id = raw_nid if isinstance(raw_nid, ResidentId) else None
        # Rows with other errors take part too: the same person twice is worth knowing
        # even when one of the two rows is also wrong in another way.
        duplicates = _duplicates(member_id, national_id, rowno=rowno, plan=plan,
                                 seen_ids=seen_ids, seen_national=seen_national)
        if duplicates:
            row_errors = [*(row_errors or []), *duplicates]
        if member is not None and not row_errors:
            members.append(member)
        if row_errors:
            errors.extend(_with_member(e, member_id) for e in row_errors)
    if progress is not None:
        progress(total, total)
    return members, errors, rows_read, blank


def _with_member(error: RowError, member_id: str | None) -> RowError:
    if member_id is None or error.member_id is not None:
        return error
    return RowError(error.row, error.column, error.field, error.value, error.code,
                    error.message_zh, error.message_en, member_id)


def _duplicates(
    member_id: str | None,
    national_id: ResidentId | None,
    *,
    rowno: int,
    plan: HeaderPlan,
    seen_ids: dict[str, int],
    seen_national: dict[str, tuple[int, str | None]],
) -> list[RowError]:
    found: list[RowError] = []
    if member_id is not None:
        first = seen_ids.setdefault(member_id, rowno)
        if first != rowno:
            found.append(RowError(
                rowno, plan.header_of("member_id"), "member_id", member_id,
                "duplicate_member_id",
                f"工号与第 {first} 行重复；本行未导入",
                f"member id already used on row {first}; this row left out",
                member_id,
            ))
    if national_id is not None:
        prev_row, prev_id = seen_national.setdefault(national_id.reveal(), (rowno, member_id))
        if prev_row != rowno:
            of_zh = f"（工号 {prev_id}）" if prev_id else ""
            of_en = f" (member id {prev_id})" if prev_id else ""
            found.append(RowError(
                rowno, plan.header_of("national_id"), "national_id", national_id.masked,
                "duplicate_national_id",
                f"身份证号与第 {prev_row} 行{of_zh}重复；本行未导入",
                f"ID number already used on row {prev_row}{of_en}; this row left out",
                member_id,
            ))
    return found


def _pydantic_errors(
    exc: ValidationError,
    *,
    rowno: int,
    plan: HeaderPlan,
    data: Mapping[str, object],
    cells: Sequence[object],
    indexes: Sequence[int],
    fields: Sequence[str],
) -> list[RowError]:
    out: list[RowError] = []
    details = exc.errors(include_url=False, include_input=False)
    # pydantic skips the model's cross-field check once a field fails, so a bad salary
    # would hide a hire date before 16: run the same check on the cells that did parse.
    failed = {str(err["loc"][0]) for err in details if err["loc"]}

    def parsed(field: str, kind: type[object]) -> Any:
        value = data.get(field)
        return value if field not in failed and isinstance(value, kind) else None

    problems = consistency_problems(
        national_id=parsed("national_id", ResidentId), birth_date=parsed("birth_date", date),
        sex=parsed("sex", Sex), hire_date=parsed("hire_date", date),
    )
    for err in details:
        loc = err["loc"]
        if not loc and problems:
            continue
        field = str(loc[0]) if loc else ""
        code, zh, en = _describe(err, field)
        raw = cells[indexes[fields.index(field)]] if field in data else ""
        out.append(RowError(
            rowno, plan.header_of(field), field, mask_value(field, raw), code, zh, en,
        ))
    for problem in problems:
        field = problem.field
        raw = cells[indexes[fields.index(field)]] if field in data else ""
        out.append(RowError(
            rowno, plan.header_of(field), field, mask_value(field, raw), problem.code,
            problem.message_zh, problem.message_en,
        ))
    return out


def _describe(err: Any, field: str) -> tuple[str, str, str]:
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    label_zh, label_en = _LABELS.get(field, (field, field))
    if kind in ("missing", "string_too_short"):
        return "required", f"{label_zh}为必填项，不能为空", f"{label_en} is required"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return ("too_long", f"{label_zh}过长（最多 {limit} 个字符）",
                f"{label_en} is too long (at most {limit} characters)")
    if kind.startswith("int_"):
        return ("invalid_integer", f"{label_zh}应为整数", f"{label_en} must be a whole number")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        above = kind.startswith("greater")
        return ("out_of_range",
                f"{label_zh}应{'不小于' if above else '不大于'} {bound}",
                f"{label_en} must be {'at least' if above else 'at most'} {bound}")
    if kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        en, _, zh = message.partition(" / ")
        for needle, code in _VALUE_ERRORS:
            if needle in en:
                if code.startswith(("money_", "negative_")):
                    return code, f"{label_zh}：{zh or en}", f"{label_en}: {en}"
                return code, zh or en, en
        return "invalid", zh or en, en
    return ("invalid", f"{label_zh}无效（{kind}）", f"{label_en} is invalid: {err['msg']}")
