"""Writing a rule evaluation's results: CSV and XLSX a colleague can open, parquet for analysts."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from unionkit._csv import SafeWriter
from unionkit._files import apply_policy
from unionkit.money import format_fen
from unionkit.rules.output import column_values

if TYPE_CHECKING:
    from unionkit.models import Member
    from unionkit.rules import BatchResult, RuleSet

__all__ = [
    "RESULT_FORMATS",
    "ResultTable",
    "format_count",
    "format_fen",
    "result_table",
    "write_results",
]

Lang = Literal["zh", "en"]

RESULT_FORMATS = (".csv", ".xlsx", ".parquet")
"""The file suffixes :func:`write_results` writes."""

_PERSON_HEADERS = {
    "member_id": ("工号", "member id"),
    "name": ("姓名", "name"),
    "department": ("部门", "department"),
    "is_member": ("会员", "union member"),
}
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}


def format_count(n: int) -> str:
    """
    Write a count with thousands separators (``14224`` -> ``"14,224"``).

    Args:
        n: The count.

    Returns:
        The count as text.

    .. versionadded:: 0.1.0
    """
    return f"{n:,}"


class ResultTable:
    """
    A batch evaluation's results joined to the people they are about, ready to write.

    Attributes:
        rows: The roster positions kept (all, or the union members only).
        people: Per kept row: member id, name (masked unless revealed), department, member?
        rules: ``(rule name, value type, label_zh, label_en, values)`` per rule, values
            plain Python (``None`` unknown, money ``int`` fen, dates ``date``).
        lang: The headers' language.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        people: list[tuple[str, str, str, bool]],
        rules: list[tuple[str, str, str, str, list[object]]],
        lang: Lang,
    ) -> None:
        self.people = people
        self.rules = rules
        self.lang: Lang = lang

    def headers(self) -> list[str]:
        """The header row: person columns, then each rule as ``label (rule_id)``."""
        i = 0 if self.lang == "zh" else 1
        person = [_PERSON_HEADERS[k][i] for k in ("member_id", "name", "department", "is_member")]
        return person + [
            f"{zh if self.lang == 'zh' else en} ({name})" for name, _, zh, en, _ in self.rules
        ]

    def text_rows(self) -> list[list[str]]:
        """Every row as text: yes/no words, money as plain yuan (``8500.50``), ISO dates."""
        yes, no = _YES_NO[self.lang]
        rows = []
        for r, (member_id, name, department, is_member) in enumerate(self.people):
            row = [member_id, name, department, yes if is_member else no]
            for _, kind, _, _, values in self.rules:
                row.append(_text(values[r], kind, yes, no))
            rows.append(row)
        return rows


def _text(value: object, kind: str, yes: str, no: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return yes if value else no
    if kind == "money":
        return format_fen(int(value))  # type: ignore[call-overload]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def result_table(
    batch: BatchResult,
    ruleset: RuleSet,
    members: Sequence[Member],
    *,
    lang: Lang = "zh",
    members_only: bool = False,
    reveal_names: bool = False,
) -> ResultTable:
    """
    Join a batch evaluation to the roster it was run on, one row per person.

    Args:
        batch: What ``RuleSet.evaluate`` returned for *members* (any frame kind).
        ruleset: The rule set evaluated, for the rules' labels.
        members: The roster's members, in the order they were evaluated.
        lang: Headers and yes/no words in Chinese or English.
        members_only: Keep union members only, leaving relatives out.
        reveal_names: Write names whole; by default only their first character shows.

    Returns:
        The table, for :func:`write_results` or your own writer.

    Raises:
        ValueError: *members* and the batch differ in length.

    .. versionadded:: 0.1.0
    """
    kept = [i for i, m in enumerate(members) if m.is_member or not members_only]
    people = [
        (
            m.member_id,
            m.name if reveal_names else m.masked_name,
            m.department or "",
            bool(m.is_member),
        )
        for m in (members[i] for i in kept)
    ]
    rules = []
    for name in batch.rules:
        kind = str(batch.value_types[name])
        values = column_values(batch.frame[name], kind)
        if len(values) != len(members):
            raise ValueError(f"the results have {len(values)} rows for {len(members)} members")
        rule = ruleset.rules[name]
        rules.append((name, kind, rule.label_zh, rule.label_en, [values[i] for i in kept]))
    return ResultTable(people, rules, lang)


def write_atomically(out: Path, write: Callable[[Path], object]) -> None:
    """
    Write *out* through a temporary file beside it, so a failed run leaves no half file.

    The temporary file is created owner-only (0600), and keeps that mode: results name
    people.

    Args:
        out: The destination.
        write: Writes the whole file to the path it is given.

    .. versionadded:: 0.1.0
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        apply_policy(tmp, personal=True)  # results by member id: personal (docs/threat-model.md)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv(out: Path, table: ResultTable) -> None:
    def write(path: Path) -> None:
        # utf-8-sig so that Excel opens Chinese text correctly
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = SafeWriter(handle)
            writer.writerow(table.headers())
            for row in table.text_rows():
                writer.writerow(row)

    write_atomically(out, write)


def _write_xlsx(out: Path, table: ResultTable) -> None:
    import xlsxwriter

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        try:
            sheet = book.add_worksheet("评估结果" if table.lang == "zh" else "results")
            head = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
            money = book.add_format({"num_format": "#,##0.00"})
            day = book.add_format({"num_format": "yyyy-mm-dd"})
            sheet.write_row(0, 0, table.headers(), head)
            yes, no = _YES_NO[table.lang]
            for r, person in enumerate(table.people, start=1):
                sheet.write_string(r, 0, person[0])
                sheet.write_string(r, 1, person[1])
                sheet.write_string(r, 2, person[2])
                sheet.write_string(r, 3, yes if person[3] else no)
                for c, (_, kind, _, _, values) in enumerate(table.rules, start=4):
                    value = values[r - 1]
                    if value is None:
                        continue
                    if kind == "money":
                        # Excel keeps doubles: fen / 100 is exact to the fen below 10**13 yuan.
                        sheet.write_number(r, c, int(value) / 100, money)  # type: ignore[call-overload]
                    elif kind == "bool":
                        sheet.write_string(r, c, yes if value else no)
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, value, day)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
            sheet.freeze_panes(1, 2)
            sheet.set_column(0, 3, 10)
            sheet.set_column(4, 3 + len(table.rules), 16)
        finally:
            book.close()

    write_atomically(out, write)


def _write_parquet(out: Path, table: ResultTable) -> None:
    import polars as pl

    types: dict[str, Any] = {
        "bool": pl.Boolean,
        "int": pl.Int64,
        "number": pl.Float64,
        "date": pl.Date,
        "text": pl.String,
    }
    series = [
        pl.Series("member_id", [p[0] for p in table.people], dtype=pl.String),
        pl.Series("name", [p[1] for p in table.people], dtype=pl.String),
        pl.Series("department", [p[2] or None for p in table.people], dtype=pl.String),
        pl.Series("is_member", [p[3] for p in table.people], dtype=pl.Boolean),
    ]
    for name, kind, _, _, values in table.rules:
        if kind == "money":
            # exact yuan with two places, not float: Decimal(18, 2)
            yuan = [
                None if v is None else Decimal(int(v)).scaleb(-2)  # type: ignore[call-overload]
                for v in values
            ]
            series.append(pl.Series(name, yuan, dtype=pl.Decimal(18, 2)))
        else:
            series.append(pl.Series(name, values, dtype=types.get(kind, pl.String)))
    write_atomically(out, pl.DataFrame(series).write_parquet)


_WRITERS: Mapping[str, Callable[[Path, ResultTable], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}


def write_results(
    path: str | os.PathLike[str],
    batch: BatchResult,
    ruleset: RuleSet,
    members: Sequence[Member],
    *,
    lang: Lang = "zh",
    members_only: bool = False,
    reveal_names: bool = False,
) -> Path:
    """
    Write a batch evaluation's results, one row per person and one column per rule.

    ``.csv`` (UTF-8 with a BOM, so Excel opens it) and ``.xlsx`` are for people: the
    member id, the name (masked unless *reveal_names*), department and membership,
    then one column per rule headed ``label (rule_id)`` in *lang*; yes/no as 是/否
    (yes/no), money in yuan with two decimals (a number cell with thousands
    separators in Excel), unknown values empty. A CSV cell that a spreadsheet would
    run as a formula is neutralised. ``.parquet`` is for analysts: the same rows with
    English column names (the rule ids), money as ``Decimal(18, 2)`` yuan.

    The file is written beside its destination and moved into place, so a failure
    keeps the previous file; it is readable by its owner only.

    Args:
        path: The destination; its suffix picks the format (:data:`RESULT_FORMATS`).
        batch: What ``RuleSet.evaluate`` returned for *members*.
        ruleset: The rule set evaluated.
        members: The members evaluated, in order.
        lang: Headers and words in Chinese or English.
        members_only: Leave relatives (``is_member`` false) out.
        reveal_names: Write names whole.

    Returns:
        The path written.

    Raises:
        ValueError: The suffix is not one of :data:`RESULT_FORMATS`.
        ImportError: ``.xlsx`` without the ``excel`` extra, ``.parquet`` without ``frames``.
        OSError: The file cannot be written.

    .. versionadded:: 0.1.0
    """
    out = Path(path)
    writer = _WRITERS.get(out.suffix.lower())
    if writer is None:
        raise ValueError(f"results are written as {', '.join(RESULT_FORMATS)}, not {out.name}")
    table = result_table(
        batch, ruleset, members, lang=lang, members_only=members_only, reveal_names=reveal_names
    )
    writer(out, table)
    return out
