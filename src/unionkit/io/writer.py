"""``write_roster``: export members to CSV or ``.xlsx`` so that reading them back gives the same."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from unionkit._csv import SafeWriter, defuse
from unionkit._files import write_atomically
from unionkit.errors import RosterFormatError
from unionkit.io.columns import COLUMNS
from unionkit.io.reader import PERSONAL_FIELDS
from unionkit.labels import Lang
from unionkit.models import Member
from unionkit.models.base import LabelledEnum
from unionkit.models.ids import MobileNumber, ResidentId

__all__ = ["neutralise_csv_cell", "write_roster"]

_MONEY = frozenset({"monthly_salary", "annual_income", "rigid_spending"})


def neutralise_csv_cell(text: str) -> str:
    """
    Keep a spreadsheet from running a CSV cell as a formula (CSV injection).

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe, which Excel and LibreOffice show as text. Numbers
    (``-12.50``) are left as they are, so amounts stay amounts. Every CSV unionkit
    writes goes through the same rule (``unionkit._csv``).

    .. versionadded:: 0.2.0
    """
    return str(defuse(text))


def _text(value: object, headers: str, reveal_pii: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, (ResidentId, MobileNumber)):
        return value.reveal() if reveal_pii else value.masked
    if isinstance(value, bool):
        return ("是" if value else "否") if headers == "zh" else ("true" if value else "false")
    if isinstance(value, LabelledEnum):
        return value.label_zh if headers == "zh" else value.value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _shared(member: Member, field: str, reveal_pii: bool) -> object:
    # A file for sharing shows who (masked name) but no ID, phone, income or health fact.
    if reveal_pii or field not in PERSONAL_FIELDS:
        return getattr(member, field)
    if field == "name":
        return member.masked_name
    if field in ("national_id", "phone"):
        return getattr(member, field)  # _text writes them masked
    return None


def write_roster(
    members: Iterable[Member],
    path: str | os.PathLike[str],
    *,
    format: Literal["csv", "xlsx"] | None = None,
    encoding: Literal["utf-8-sig", "gb18030"] = "utf-8-sig",
    headers: Lang | str = Lang.zh,
    reveal_pii: bool = True,
) -> Path:
    """
    Write *members* as a roster that :func:`~unionkit.io.read_roster` reads back unchanged.

    The file is written next to its destination and moved into place at the end, so a
    failure never leaves a half-written roster (or destroys the previous one). A file
    with personal data whole (``reveal_pii=True``) is made private (``0600``); a masked
    file for sharing follows the umask. CSV text cells starting like a formula
    (``= + - @``, tab, carriage return) get a leading ``'`` (the reader removes it);
    in ``.xlsx`` they are typed strings.

    Args:
        members: The members to write, in order.
        path: The destination; its suffix picks the format unless *format* is given.
        format: ``"csv"`` or ``"xlsx"``.
        encoding: CSV only: UTF-8 with a BOM (opens correctly in Excel) or GB18030.
        headers: Chinese headers and labels (``是``, ``在编``) or English field names and
            values (``true``, ``permanent``).
        reveal_pii: Write every column whole (default, needed to read the file back).
            ``False`` writes a file for sharing: names and ID and phone numbers masked,
            salary, income, rigid spending, sick-leave days and serious illness left
            empty; such a file no longer imports.

    Returns:
        The path written.

    Raises:
        RosterFormatError: The format cannot be told from the suffix.

    .. versionadded:: 0.1.0
    """
    headers = Lang.parse(headers)
    target = Path(path)
    kind = format or {".csv": "csv", ".xlsx": "xlsx"}.get(target.suffix.lower())
    if kind not in ("csv", "xlsx"):
        raise RosterFormatError(
            str(target),
            "无法从文件后缀判断格式；请使用 .csv 或 .xlsx，或指定 format",
            "cannot tell the format from the suffix; use .csv or .xlsx, or give format",
        )
    header = [c.zh if headers == "zh" else c.en for c in COLUMNS]
    fields = [c.field for c in COLUMNS]

    def write(tmp: Path) -> None:
        if kind == "csv":
            with tmp.open("w", encoding=encoding, newline="") as out:
                writer = SafeWriter(out)
                writer.writerow(header)
                for member in members:
                    writer.writerow(
                        [_text(_shared(member, f, reveal_pii), headers, reveal_pii) for f in fields]
                    )
        else:
            _write_xlsx(
                members,
                tmp=tmp,
                header=header,
                fields=fields,
                headers=headers,
                reveal_pii=reveal_pii,
            )

    return write_atomically(target, write, personal=reveal_pii)


def _write_xlsx(
    members: Iterable[Member],
    *,
    tmp: Path,
    header: list[str],
    fields: list[str],
    headers: str,
    reveal_pii: bool,
) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    try:
        sheet = book.add_worksheet("花名册" if headers == "zh" else "roster")
        money = book.add_format({"num_format": "0.00"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, header)
        for row, member in enumerate(members, start=1):
            for col, field in enumerate(fields):
                value = _shared(member, field, reveal_pii)
                if value is None:
                    continue
                if field in _MONEY and isinstance(value, Decimal):
                    # Excel keeps numbers as doubles; fifteen significant digits are exact,
                    # and the reader turns the cell back into Decimal through its text.
                    sheet.write_number(row, col, float(value), money)
                elif isinstance(value, date):
                    sheet.write_datetime(row, col, value, day)
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(row, col, value)
                else:
                    # IDs and phone numbers must stay text, or Excel drops their digits.
                    sheet.write_string(row, col, _text(value, headers, reveal_pii))
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
