"""``read_roster``: import a roster file into validated members and a full error report."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from itertools import compress, count, islice, repeat
from operator import is_not, sub
from typing import IO, Any, cast

from unionkit._gc import paused_gc
from unionkit.io._cells import Fail, cell_text, converters
from unionkit.io._source import open_table
from unionkit.io.columns import HeaderPlan, plan_headers
from unionkit.io.result import RosterImport, RosterWarning, RowError
from unionkit.models import Member
from unionkit.models.base import Privacy, field_labels, fields_by_privacy
from unionkit.models.columns import RowsValidation, validate_rows
from unionkit.models.ids import ResidentId, mask_name, mask_raw, mask_text, reveal_all
from unionkit.models.member import (
    Inconsistency,
    blank_cells,
    consistency_by_row,
    control_character_problem,
    member_columns,
)

__all__ = ["PERSONAL_FIELDS", "mask_value", "read_roster"]

PERSONAL_FIELDS = fields_by_privacy(Member, Privacy.IDENTIFYING, Privacy.SENSITIVE)
"""Fields whose values are masked in every error report (identity, income and health facts)."""

# Identifiers and exact amounts seldom repeat: looking for repeats would cost more than it saves.
_MOSTLY_DISTINCT = frozenset(
    {"member_id", "name", "national_id", "phone", "household_id", "monthly_salary", "annual_income"}
)
_CHUNK_ROWS = 2048

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
    with paused_gc():
        members, errors, rows_read, blank = _validate_rows(
            table.rows,
            header_row=table.header_row,
            plan=plan,
            today=today,
            progress=progress,
            text_only=table.format == "csv",
            total_hint=table.total_hint,
            clean=table.clean,
        )
    if blank:
        warnings.append(
            RosterWarning("blank_rows", f"跳过了 {blank} 个空行", f"skipped {blank} blank rows")
        )
    if rows_read == 0:
        warnings.append(
            RosterWarning(
                "no_data_rows", "文件只有表头，没有数据行", "the file has a header but no data rows"
            )
        )
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
) -> Sequence[object]:
    # CSV cells stay as read: they are stripped once per distinct value (see _preparers).
    if transposed is not None:
        return transposed[index]
    if text_only:
        return [r[index] if index < len(r) else "" for r in rows]
    return [_spreadsheet_cell(r[index]) if index < len(r) else "" for r in rows]


def _transpose(rows: list[Sequence[object]], width: int) -> list[tuple[object, ...]] | None:
    # The common case, a CSV whose rows all match the header, is cut into columns in C;
    # ragged rows (and spreadsheet cells, which are not all text) take the per-cell path.
    if not rows or set(map(len, rows)) != {width}:
        return None
    return list(zip(*rows, strict=True))


def _spreadsheet_cell(cell: object) -> object:
    if type(cell) is str:
        return cell.strip()
    return "" if cell is None else cell


def _preparers(
    plan: HeaderPlan, convert: Mapping[str, Callable[[object], object]], text_only: bool
) -> dict[str, Callable[[object], object]]:
    # The converters strip what they read; CSV text fields are stripped here, once per
    # distinct cell rather than once per cell.
    if not text_only:
        return dict(convert)
    strip = cast(Callable[[object], object], str.strip)
    return {f: convert.get(f, strip) for f in plan.fields if f is not None}


class _Collector:
    """The import's running state across chunks: results and duplicate tracking."""

    def __init__(self, plan: HeaderPlan, header_row: int) -> None:
        self.plan = plan
        self.next_row = header_row + 1
        self.members: list[Member] = []
        self.errors: list[RowError] = []
        self.seen_ids: dict[str, int] = {}
        self.seen_national: dict[str, tuple[int, str | None]] = {}
        self.rows_read = 0
        self.blank = 0


def _validate_rows(
    raw_rows: Iterable[Sequence[object]],
    *,
    header_row: int,
    plan: HeaderPlan,
    today: date,
    progress: Callable[[int, int], None] | None,
    text_only: bool,
    total_hint: int,
    clean: bool,
) -> tuple[list[Member], list[RowError], int, int]:
    # A chunk of rows at a time, each field a whole column at a time: every distinct cell
    # is converted and validated once (by Member's own field rules), and the raw cells of
    # a chunk are dropped before the next is read.
    prepare = _preparers(plan, converters(today), text_only)
    memo: dict[str, dict[Hashable, object]] = {}
    state = _Collector(plan, header_row)
    rows_iter = iter(raw_rows)
    done = 0
    while rows := list(islice(rows_iter, _CHUNK_ROWS)):
        _validate_chunk(
            rows,
            state,
            prepare=prepare,
            memo=memo,
            today=today,
            text_only=text_only,
            clean=clean,
        )
        done += len(rows)
        if progress is not None:
            progress(done, max(total_hint, done))
    if progress is not None:
        progress(done, done)
    return state.members, state.errors, state.rows_read, state.blank


def _validate_chunk(
    rows: list[Sequence[object]],
    state: _Collector,
    *,
    prepare: Mapping[str, Callable[[object], object]],
    memo: dict[str, dict[Hashable, object]],
    today: date,
    text_only: bool,
    clean: bool,
) -> None:
    plan = state.plan
    width = len(plan.fields)
    n = len(rows)
    first_row = state.next_row
    state.next_row += n
    transposed = _transpose(rows, width) if text_only else None
    mapped = [(i, f) for i, f in enumerate(plan.fields) if f is not None]
    columns: dict[str, Sequence[object]] = {}
    for index, field in mapped:
        cells = _column(rows, index, text_only, transposed)
        if not text_only and field not in prepare:
            cells = [c if type(c) is str else cell_text(c) for c in cells]
        columns[field] = cells
    builder, checkers = member_columns()
    result = validate_rows(
        Member,
        columns,
        n,
        context={"today": today},
        blank=blank_cells,
        row_check=consistency_by_row,
        prepare=prepare,
        reject=Fail,
        field_columns=checkers,
        text_problem=None if clean else control_character_problem,
        builder=builder,
        memo=memo,
        distinct_fields=_MOSTLY_DISTINCT,
        all_text=text_only,
    )
    fails: dict[str, dict[int, Fail]] = result.rejected  # type: ignore[assignment]
    blank_before = state.blank
    bits = {f: 1 << i for i, f in enumerate(builder.fields)}
    all_mapped = sum(bits[f] for _, f in mapped)
    extra = (
        {}
        if transposed is not None
        else {
            j: len(r) - width
            for j, r in enumerate(rows)
            if len(r) > width and any(cell_text(c) for c in r[width:])
        }
    )
    # A blank row has no member id, a required field, so it is among the rows with errors.
    special = set(result.errors).union(result.problems, extra, *fails.values())
    member_ids = result.values["member_id"]
    national_ids = cast(list[ResidentId | None], result.values["national_id"])
    seen_ids, seen_national = state.seen_ids, state.seen_national
    members = state.members
    if not special and _add_all_new(state, result.models, member_ids, national_ids, first_row):
        state.rows_read += n
        return
    for j, member in enumerate(result.models):
        rowno = first_row + j
        if j not in special:
            # The common row: valid, and new unless one of its two keys was seen before.
            member_id = member_ids[j]
            nid = national_ids[j]
            if seen_ids.setdefault(member_id, rowno) == rowno and (  # type: ignore[arg-type]
                nid is None
                or seen_national.setdefault(
                    nid.reveal(),
                    (rowno, member_id),  # type: ignore[arg-type]
                )[0]
                == rowno
            ):
                members.append(member)  # type: ignore[arg-type]
                continue
        row_fails = [(i, f, fails[f][j]) for i, f in mapped if f in fails and j in fails[f]]
        if (
            not row_fails
            and result.absent[j] & all_mapped == all_mapped
            and not any(cell_text(c) for c in rows[j])
        ):
            state.blank += 1
            continue
        id_index = plan.fields.index("member_id")
        raw_id = cell_text(rows[j][id_index]) if id_index < len(rows[j]) else ""
        _report_row(
            state,
            rows[j],
            rowno=rowno,
            result=result,
            j=j,
            row_fails=row_fails,
            extra=extra.get(j),
            raw_id=raw_id,
            bits=bits,
        )
    state.rows_read += n - state.blank + blank_before


def _add_all_new(
    state: _Collector,
    models: list[Member | None],
    member_ids: list[object],
    national_ids: list[ResidentId | None],
    first_row: int,
) -> bool:
    """
    Add a chunk of valid rows in one go when none repeats a member id or ID number.

    Returns:
        Whether it did; when not (some key repeats), nothing was changed and the rows
        take the row-by-row path, which says which row repeats which.
    """
    given = list(compress(count(first_row), map(is_not, national_ids, repeat(None))))
    numbers = reveal_all(filter(None, national_ids))
    if (
        len(set(member_ids)) < len(member_ids)
        or len(set(numbers)) < len(numbers)
        or not state.seen_ids.keys().isdisjoint(member_ids)
        or not state.seen_national.keys().isdisjoint(numbers)
    ):
        return False
    ids = cast(list[str], member_ids)
    state.seen_ids.update(zip(ids, range(first_row, first_row + len(models)), strict=True))
    their_ids = map(ids.__getitem__, map(sub, given, repeat(first_row)))
    state.seen_national.update(zip(numbers, zip(given, their_ids, strict=True), strict=True))
    state.members.extend(cast(list[Member], models))
    return True


def _report_row(
    state: _Collector,
    cells: Sequence[object],
    *,
    rowno: int,
    result: RowsValidation[Member, Inconsistency],
    j: int,
    row_fails: list[tuple[int, str, Fail]],
    extra: int | None,
    raw_id: object,
    bits: Mapping[str, int],
) -> None:
    plan = state.plan
    row_errors = _row_errors(
        cells,
        rowno=rowno,
        plan=plan,
        result=result,
        j=j,
        row_fails=row_fails,
        extra=extra,
        bits=bits,
    )
    member_id = raw_id if isinstance(raw_id, str) and raw_id else None
    nid = result.values["national_id"][j]
    # Rows with other errors take part too: the same person twice is worth knowing
    # even when one of the two rows is also wrong in another way.
    row_errors += _duplicates(
        member_id,
        nid if isinstance(nid, ResidentId) else None,
        rowno=rowno,
        plan=plan,
        seen_ids=state.seen_ids,
        seen_national=state.seen_national,
    )
    if row_errors:
        state.errors.extend(_with_member(e, member_id) for e in row_errors)
    else:
        model = result.models[j]
        assert model is not None  # no errors and no problems: it was built
        state.members.append(model)


def _row_errors(
    cells: Sequence[object],
    *,
    rowno: int,
    plan: HeaderPlan,
    result: RowsValidation[Member, Inconsistency],
    j: int,
    row_fails: list[tuple[int, str, Fail]],
    extra: int | None,
    bits: Mapping[str, int],
) -> list[RowError]:
    # In the order the per-row import gave: cells that could not be read (file order),
    # surplus cells, field errors (Member's field order), then cross-field problems.
    out = [
        RowError(
            rowno,
            plan.headers[index],
            field,
            mask_value(field, cells[index]),
            fail.code,
            fail.zh,
            fail.en,
        )
        for index, field, fail in row_fails
    ]
    if extra:
        out.append(
            RowError(
                rowno,
                "",
                "",
                "",
                "extra_cells",
                f"此行比表头多出 {extra} 个单元格（可能是值中含未加引号的逗号）",
                f"the row has {extra} more cells than the header "
                f"(perhaps an unquoted comma inside a value)",
            )
        )
    index_of = {f: i for i, f in enumerate(plan.fields) if f is not None}

    def raw(field: str) -> object:
        # The cell as written when the field was given, else nothing to show.
        given = field in index_of and not result.absent[j] & bits[field]
        return cells[index_of[field]] if given else ""

    for err in result.errors.get(j, ()):
        field = str(err["loc"][0])
        code, zh, en = _describe(err, field)
        out.append(
            RowError(
                rowno,
                plan.header_of(field),
                field,
                mask_value(field, raw(field)),
                code,
                zh,
                en,
            )
        )
    for problem in result.problems.get(j, ()):
        field = problem.field
        out.append(
            RowError(
                rowno,
                plan.header_of(field),
                field,
                mask_value(field, raw(field)),
                problem.code,
                problem.message_zh,
                problem.message_en,
            )
        )
    return out


def _with_member(error: RowError, member_id: str | None) -> RowError:
    if member_id is None or error.member_id is not None:
        return error
    return RowError(
        error.row,
        error.column,
        error.field,
        error.value,
        error.code,
        error.message_zh,
        error.message_en,
        member_id,
    )


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
            found.append(
                RowError(
                    rowno,
                    plan.header_of("member_id"),
                    "member_id",
                    member_id,
                    "duplicate_member_id",
                    f"工号与第 {first} 行重复；本行未导入",
                    f"member id already used on row {first}; this row left out",
                    member_id,
                )
            )
    if national_id is not None:
        prev_row, prev_id = seen_national.setdefault(national_id.reveal(), (rowno, member_id))
        if prev_row != rowno:
            of_zh = f"（工号 {prev_id}）" if prev_id else ""
            of_en = f" (member id {prev_id})" if prev_id else ""
            found.append(
                RowError(
                    rowno,
                    plan.header_of("national_id"),
                    "national_id",
                    national_id.masked,
                    "duplicate_national_id",
                    f"身份证号与第 {prev_row} 行{of_zh}重复；本行未导入",
                    f"ID number already used on row {prev_row}{of_en}; this row left out",
                    member_id,
                )
            )
    return found


def _describe(err: Any, field: str) -> tuple[str, str, str]:
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    label_zh, label_en = _LABELS.get(field, (field, field))
    if kind in ("missing", "string_too_short"):
        return "required", f"{label_zh}为必填项，不能为空", f"{label_en} is required"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return (
            "too_long",
            f"{label_zh}过长（最多 {limit} 个字符）",
            f"{label_en} is too long (at most {limit} characters)",
        )
    if kind.startswith("int_"):
        return ("invalid_integer", f"{label_zh}应为整数", f"{label_en} must be a whole number")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        above = kind.startswith("greater")
        return (
            "out_of_range",
            f"{label_zh}应{'不小于' if above else '不大于'} {bound}",
            f"{label_en} must be {'at least' if above else 'at most'} {bound}",
        )
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
