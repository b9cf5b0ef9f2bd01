"""Responses as questionnaire platforms (问卷星 and the like) export them: CSV or Excel."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from attrs import frozen

from unionkit.errors import InvalidSurveyData
from unionkit.models.demand import Satisfaction
from unionkit.surveys._questionnaire import GRADE_SCORES, QuestionKind, Questionnaire

__all__ = ["ParsedResponse", "parse_responses", "read_responses"]

# Columns a platform adds that are not answers; they are read or ignored, never "unknown".
_IGNORED = frozenset(
    {
        "序号",
        "所用时间",
        "来源",
        "来源详情",
        "来自ip",
        "来自IP",
        "总分",
        "ip",
        "user agent",
        "答题时长",
        "答卷编号",
        "id",
        "no.",
        "seq",
    }
)
_SUBMITTED = frozenset({"提交答卷时间", "提交时间", "答题时间", "submitted_at", "submitted at"})
_DEPARTMENT = frozenset({"科室", "部门", "所在科室", "所在部门", "department"})
_RESPONDENT = frozenset({"工号", "人员编号", "职工编号", "member_id", "member id"})
_NUMBERED = re.compile(r"^\s*(?:Q|第)?\s*(\d+)\s*(?:题)?\s*[、.．:：)]?")
_MAX_PROBLEMS = 20


@frozen
class ParsedResponse:
    """
    One response row: who (named surveys only), department, when, and the answers.

    Answers are in hundredths (``value_centi``): a grade is 100 to 400, a numeric
    answer of 85.5 is 8550.

    .. versionadded:: 0.1.0
    """

    row: int
    respondent: str | None
    department: str | None
    submitted_at: datetime | None
    answers: dict[str, int]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column_for(header: str, survey: Questionnaire) -> str | None:
    text = header.strip()
    for q in survey.questions:
        if text in (q.question_id, q.text_zh, q.text_en):
            return q.question_id
    numbered = _NUMBERED.match(text)
    if numbered and text[numbered.end() :].strip():
        n = int(numbered.group(1))
        rest = text[numbered.end() :].strip()
        if 1 <= n <= len(survey.questions):
            q = survey.questions[n - 1]
            if rest.startswith((q.text_zh[:6], q.text_en[:6])) or rest in (q.text_zh, q.text_en):
                return q.question_id
    return None


def _when(raw: str) -> datetime | None:
    for fmt in (
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def _grade(raw: str) -> int | None:
    try:
        return GRADE_SCORES[Satisfaction(raw)] * 100
    except ValueError:
        pass
    # Platforms may export the option's number, or "A. 非常满意".
    stripped = re.sub(r"^[A-Da-d][.、．]\s*", "", raw)
    if stripped != raw:
        return _grade(stripped)
    if raw.isdigit() and 1 <= int(raw) <= 4:
        return int(raw) * 100
    return None


def parse_responses(
    survey: Questionnaire,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    source: str = "<rows>",
) -> list[ParsedResponse]:
    """
    Read a platform export's header and rows into responses, checking every cell.

    Headers are matched to questions by id, by the question text, or by the
    platform's numbering (``1、您对食堂的满意度``); the platform's bookkeeping columns
    (序号, 提交答卷时间, 所用时间, 来源, 来自IP …), a department column (科室/部门)
    and, for named surveys, a respondent column (工号/人员编号) are understood. A
    grade is one of 非常满意/满意/基本满意/不满意 (or the English labels, or 1 to 4);
    a numeric answer is a number within the question's range; an empty cell is no answer.

    Args:
        survey: The questionnaire the file answers.
        header: The column headers.
        rows: The data rows.
        source: The file name, for messages.

    Returns:
        The responses, in file order (file row numbers count the header as row 1).

    Raises:
        InvalidSurveyData: An unknown column, a grade or number outside the scale, or
            an empty file; every problem is listed (up to 20), naming row and column.

    .. versionadded:: 0.1.0
    """
    columns: list[tuple[int, str]] = []
    unknown: list[str] = []
    respondent_at = department_at = submitted_at = None
    for i, raw in enumerate(header):
        name = _cell(raw)
        key = name.casefold()
        if not name or name in _IGNORED or key in _IGNORED:
            continue
        if name in _SUBMITTED or key in _SUBMITTED:
            submitted_at = i
        elif name in _DEPARTMENT or key in _DEPARTMENT:
            department_at = i
        elif name in _RESPONDENT or key in _RESPONDENT:
            respondent_at = i
        elif (qid := _column_for(name, survey)) is not None:
            columns.append((i, qid))
        else:
            unknown.append(name)
    if unknown:
        raise InvalidSurveyData(
            source,
            [
                f"column {u!r}: not a question of survey {survey.survey_id!r} nor a known platform "
                f"column / 未知列：不是该问卷的题目"
                for u in unknown
            ],
        )
    if not columns:
        raise InvalidSurveyData(
            source, ["header: no column matches a question / 没有与题目对应的列"]
        )
    if not rows:
        raise InvalidSurveyData(source, ["rows: the file has no responses / 文件中没有答卷"])
    problems: list[str] = []
    out: list[ParsedResponse] = []
    for n, row in enumerate(rows, 2):
        cells = [_cell(c) for c in row]
        answers: dict[str, int] = {}
        for i, qid in columns:
            raw = cells[i] if i < len(cells) else ""
            if not raw or raw in ("(跳过)", "(空)", "-"):
                continue
            q = survey.question(qid)
            value = (
                _grade(raw)
                if q.kind is QuestionKind.GRADE
                else _number(raw, q.scale_min, q.scale_max)
            )
            if value is None:
                scale = (
                    "非常满意/满意/基本满意/不满意 or 1-4"
                    if q.kind is QuestionKind.GRADE
                    else f"{q.scale_min}-{q.scale_max}"
                )
                problems.append(
                    f"row {n}, column {header[i]!r}: {raw!r} is outside the scale "
                    f"({scale}) / 超出量表范围"
                )
                continue
            answers[qid] = value

        def at(index: int | None, cells: list[str] = cells) -> str | None:
            return (cells[index] or None) if index is not None and index < len(cells) else None

        when_raw = at(submitted_at)
        out.append(
            ParsedResponse(
                row=n,
                respondent=None if survey.anonymous else at(respondent_at),
                department=at(department_at),
                submitted_at=_when(when_raw) if when_raw else None,
                answers=answers,
            )
        )
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise InvalidSurveyData(source, problems)
    return out


def _number(raw: str, lo: int, hi: int) -> int | None:
    try:
        value = Decimal(raw.replace("分", ""))
    except InvalidOperation:
        return None
    centi = value * 100
    if not value.is_finite() or not lo <= value <= hi or centi != centi.to_integral_value():
        return None
    return int(centi)


def read_responses(
    survey: Questionnaire,
    path: str | os.PathLike[str],
    *,
    sheet: int | str = 0,
) -> list[ParsedResponse]:
    """
    Read a platform export file: CSV (UTF-8, or GB18030 as Excel on Chinese Windows
    saves it) or a spreadsheet (``.xlsx``/``.xls``, needs ``unionkit[excel]``).

    Args:
        survey: The questionnaire the file answers.
        path: The file.
        sheet: The sheet of a spreadsheet (index or name).

    Returns:
        The responses (see :func:`parse_responses`).

    Raises:
        InvalidSurveyData: The file cannot be read, or a cell or column is invalid.

    .. versionadded:: 0.1.0
    """
    source = os.fspath(path)
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidSurveyData(
            source, [f"file: cannot be read ({exc.strerror}) / 无法读取"]
        ) from exc
    if file.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            table = (
                book.get_sheet_by_index(sheet)
                if isinstance(sheet, int)
                else book.get_sheet_by_name(sheet)
            ).to_python()
        except Exception as exc:  # calamine raises its own untyped errors for broken files
            raise InvalidSurveyData(
                source, [f"file: not a readable spreadsheet ({type(exc).__name__}) / 无法读取表格"]
            ) from exc
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidSurveyData(source, ["file: neither UTF-8 nor GB18030 text / 编码无法识别"])
        table = [list(r) for r in csv.reader(io.StringIO(text))]
    table = [r for r in table if any(_cell(c) for c in r)]
    if not table:
        raise InvalidSurveyData(source, ["file: empty / 文件为空"])
    return parse_responses(survey, [_cell(c) for c in table[0]], table[1:], source)
