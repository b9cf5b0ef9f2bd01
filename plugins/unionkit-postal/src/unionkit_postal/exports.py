"""Readers for the HR sick-leave export and the medical-insurance hospitalisation export (CSV)."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from attrs import frozen

from unionkit.errors import RosterFormatError
from unionkit.io._source import read_limited
from unionkit.models import ResidentId, parse_yuan
from unionkit.models.ids import mask_text

__all__ = [
    "HospitalStay",
    "SickLeave",
    "read_hospital_stays",
    "read_sick_leave",
]

SICK_LEAVE_COLUMNS = ("工号", "假别", "开始日期", "结束日期", "请假天数", "审批状态")
HOSPITAL_COLUMNS = ("公民身份号码", "定点医疗机构名称", "入院日期", "出院日期", "个人自付")


@frozen
class SickLeave:
    """One approved sick-leave record from HR (人事系统请假记录)."""

    member_id: str
    start: date
    end: date
    days: int
    row: int


@frozen
class HospitalStay:
    """
    One hospitalisation settled by medical insurance (医保住院结算).

    The resident ID is kept as a :class:`ResidentId` (masked when printed).
    """

    national_id: ResidentId
    hospital: str
    admitted: date
    discharged: date
    self_paid: Decimal
    row: int


def _rows(path: str | os.PathLike[str], required: Sequence[str]) -> list[dict[str, str]]:
    data = read_limited(path)  # FIFOs, devices and huge files are refused, not read
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte string, so this is unreachable in practice
        raise RosterFormatError(str(path), "无法识别文件编码", "cannot decode the file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise RosterFormatError(
            str(path), f"表头无法按 CSV 读取（{exc}）", f"the header cannot be read as CSV ({exc})"
        ) from None
    headers = [unicodedata.normalize("NFKC", h).strip() for h in fieldnames or []]
    missing = [c for c in required if c not in headers]
    if missing:
        raise RosterFormatError(
            str(path), f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}"
        )
    reader.fieldnames = headers
    try:
        return [
            {
                k: unicodedata.normalize("NFKC", (v or "")).replace("\u3000", " ").strip()
                for k, v in row.items()
                if k is not None
            }
            for row in reader
        ]
    except csv.Error as exc:
        # A cell over the csv module's 131,072 characters, or a stray NUL byte.
        raise RosterFormatError(
            str(path),
            f"第{reader.line_num}行附近无法按 CSV 读取（{exc}）",
            f"the CSV cannot be read near line {reader.line_num} ({exc})",
        ) from None


def _date(value: str, path: object, row: int, column: str) -> date:
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise RosterFormatError(
            str(path),
            f"第{row}行“{column}”不是日期：{value!r}",
            f"row {row}, column {column!r}: not a date: {value!r}",
        ) from None


def read_sick_leave(path: str | os.PathLike[str]) -> list[SickLeave]:
    """
    Read HR's leave export and keep approved sick leave (假别=病假, 审批状态=已审批).

    Raises:
        RosterFormatError: A required column is missing, or a date or day count is invalid
            (the message names the row and column).
    """
    out: list[SickLeave] = []
    for i, row in enumerate(_rows(path, SICK_LEAVE_COLUMNS), start=2):
        if row["假别"] != "病假" or row["审批状态"] != "已审批":
            continue
        text = row["请假天数"]
        if not (text.isdigit() and len(text) <= 3):
            # A negative count would cancel real leave in the year's sum; int() would also
            # take "-5", " 5" or a 5,000-digit number.
            raise RosterFormatError(
                str(path),
                f"第{i}行“请假天数”应为0到366的整数",
                f"row {i}, column '请假天数': must be a whole number from 0 to 366",
            )
        days = int(text)
        start = _date(row["开始日期"], path, i, "开始日期")
        end = _date(row["结束日期"], path, i, "结束日期")
        if days > 366 or end < start:
            raise RosterFormatError(
                str(path),
                f"第{i}行请假天数或起止日期不合理（结束早于开始或超过366天）",
                f"row {i}: the leave ends before it starts or lasts more than 366 days",
            )
        out.append(SickLeave(row["工号"], start, end, days, i))
    return out


def read_hospital_stays(path: str | os.PathLike[str]) -> list[HospitalStay]:
    """
    Read the medical-insurance hospitalisation settlement export.

    Raises:
        RosterFormatError: A required column is missing, or an ID number, date or amount is
            invalid (the message names the row and column and shows the ID only masked).
    """
    out: list[HospitalStay] = []
    for i, row in enumerate(_rows(path, HOSPITAL_COLUMNS), start=2):
        raw_id = row["公民身份号码"]
        try:
            nid = ResidentId.parse(raw_id)
        except ValueError as exc:
            raise RosterFormatError(
                str(path),
                f"第{i}行身份证号{mask_text(raw_id, 6, 4)}无效",
                f"row {i}: invalid resident ID {mask_text(raw_id, 6, 4)} ({exc})",
            ) from None
        try:
            self_paid = parse_yuan(row["个人自付"])
            if self_paid < 0:
                raise ValueError("a negative amount would cancel real costs / 金额不能为负")
        except ValueError as exc:
            raise RosterFormatError(
                str(path), f"第{i}行“个人自付”金额无效", f"row {i}, column '个人自付': {exc}"
            ) from None
        out.append(
            HospitalStay(
                nid,
                row["定点医疗机构名称"],
                _date(row["入院日期"], path, i, "入院日期"),
                _date(row["出院日期"], path, i, "出院日期"),
                self_paid,
                i,
            )
        )
    return out
