"""What a roster import returns: the valid members, every row error, and warnings."""

from __future__ import annotations

from collections import Counter
from typing import Any

from attrs import frozen

from unionkit.labels import Lang
from unionkit.models import Member
from unionkit.rules.html import SHOWN_ROWS
from unionkit.rules.html import table as html_table

__all__ = [
    "RosterImport",
    "RosterSummary",
    "RosterWarning",
    "RowError",
    "roster_import_html",
    "roster_import_repr",
]


@frozen
class RowError:
    """
    One problem in one cell (or one row) of a roster file.

    Args:
        row: The 1-based row in the file, the header being row 1 (as Excel numbers rows).
        column: The file's header text for the cell, or ``""`` when the problem is the row.
        field: The Member field concerned.
        value: The cell's value; masked when it is personal (ID, phone, money, health).
        code: A stable machine-readable reason, listed in ``docs/roster.md``.
        message_zh: The reason in Chinese.
        message_en: The reason in English.
        member_id: The row's member id, when it has one.
    """

    row: int
    column: str
    field: str
    value: str
    code: str
    message_zh: str
    message_en: str
    member_id: str | None = None

    def message(self, lang: Lang | str = Lang.zh) -> str:
        """The reason in *lang*."""
        return self.message_zh if Lang.parse(lang) is Lang.zh else self.message_en

    def as_dict(self) -> dict[str, Any]:
        """The error as plain JSON-ready values."""
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "member_id": self.member_id,
        }

    def __str__(self) -> str:
        return f"row {self.row}, {self.column or self.field}: {self.message_en} / {self.message_zh}"


@frozen
class RosterWarning:
    """
    Something in the file that was ignored or looks odd, but stops nothing.

    Args:
        code: ``unknown_column``, ``no_data_rows`` or ``blank_rows``.
        message_zh: The warning in Chinese.
        message_en: The warning in English.
        column: The header concerned, if any.
    """

    code: str
    message_zh: str
    message_en: str
    column: str | None = None

    def message(self, lang: Lang | str = Lang.zh) -> str:
        """The warning in *lang*."""
        return self.message_zh if Lang.parse(lang) is Lang.zh else self.message_en

    def as_dict(self) -> dict[str, Any]:
        """The warning as plain JSON-ready values."""
        return {
            "code": self.code,
            "column": self.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@frozen
class RosterSummary:
    """
    The counts a roster check reports.

    Args:
        rows_read: Data rows read (blank rows not counted).
        valid: Rows that became members.
        members: Valid rows that are union members.
        relatives: Valid rows that are relatives (``is_member`` false).
        households: Distinct household ids among the valid rows.
        rows_with_errors: Rows left out because of at least one error.
        errors: Total errors.
        errors_by_code: Error count per code, most frequent first.
        warnings: Total warnings.
    """

    rows_read: int
    valid: int
    members: int
    relatives: int
    households: int
    rows_with_errors: int
    errors: int
    errors_by_code: dict[str, int]
    warnings: int

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready values."""
        return {
            "rows_read": self.rows_read,
            "valid": self.valid,
            "members": self.members,
            "relatives": self.relatives,
            "households": self.households,
            "rows_with_errors": self.rows_with_errors,
            "errors": self.errors,
            "errors_by_code": dict(self.errors_by_code),
            "warnings": self.warnings,
        }


@frozen
class RosterImport:
    """
    The result of :func:`~unionkit.io.read_roster`.

    Args:
        members: Every valid row, in file order.
        errors: Every problem found, in file order; a row with any error is not in *members*.
        warnings: Things ignored (unknown columns, blank rows, no data rows).
        rows_read: Data rows read (blank rows not counted).
        source: The file's path or name.
        format: ``"csv"``, ``"xlsx"`` or ``"xls"`` (or another calamine format).
        encoding: The text encoding used for CSV; ``None`` for spreadsheets.
    """

    members: list[Member]
    errors: list[RowError]
    warnings: list[RosterWarning]
    rows_read: int
    source: str
    format: str
    encoding: str | None

    def __repr__(self) -> str:
        # The counts, never every member: a notebook stores the repr of what it displays.

        return roster_import_repr(self)

    def _repr_html_(self) -> str:
        """Counts and the first errors as tables in Jupyter (:func:`roster_import_html`)."""

        return roster_import_html(self)

    @property
    def ok(self) -> bool:
        """True when no row had an error."""
        return not self.errors

    def summary(self) -> RosterSummary:
        """Count rows, members, relatives, households and errors by code."""
        members = sum(1 for m in self.members if m.is_member)
        households = {m.household_id for m in self.members if m.household_id}
        by_code = Counter(e.code for e in self.errors)
        return RosterSummary(
            rows_read=self.rows_read,
            valid=len(self.members),
            members=members,
            relatives=len(self.members) - members,
            households=len(households),
            rows_with_errors=len({e.row for e in self.errors}),
            errors=len(self.errors),
            errors_by_code=dict(by_code.most_common()),
            warnings=len(self.warnings),
        )


def roster_import_html(result: RosterImport) -> str:
    """
    A roster import as HTML: the counts, errors by kind and the first few errors.

    No member is listed, and error values are the masked ones the reader stored.

    Args:
        result: What ``read_roster`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    s = result.summary()
    counts = [
        ("读取行数 rows read", s.rows_read),
        ("有效行 valid", s.valid),
        ("会员 members", s.members),
        ("家属 relatives", s.relatives),
        ("家庭 households", s.households),
        ("有错误的行 rows with errors", s.rows_with_errors),
        ("错误 errors", s.errors),
        ("警告 warnings", s.warnings),
    ]
    parts = [
        html_table(
            f"花名册 / roster {result.source} ({result.format}"
            f"{', ' + result.encoding if result.encoding else ''})",
            ["", ""],
            [(k, f"{v:,}") for k, v in counts],
        )
    ]
    if result.errors:
        by_code = Counter(e.code for e in result.errors)
        parts.append(
            html_table(
                "错误类型 / errors by kind",
                ["code", "n"],
                [(c, f"{k:,}") for c, k in by_code.most_common()],
            )
        )
        parts.append(
            html_table(
                "前几个错误 / first errors",
                ["行 row", "列 column", "原因 reason"],
                [(e.row, e.column or e.field, e.message("zh")) for e in result.errors[:SHOWN_ROWS]],
                more=len(result.errors) - SHOWN_ROWS,
            )
        )
    return "\n".join(parts)


def roster_import_repr(result: RosterImport) -> str:
    """The plain-text repr of a roster import: counts, never the members themselves."""
    s = result.summary()
    return (
        f"<RosterImport {result.source!r}: {s.valid:,} valid rows "
        f"({s.members:,} members, {s.relatives:,} relatives), {s.errors:,} errors>"
    )
