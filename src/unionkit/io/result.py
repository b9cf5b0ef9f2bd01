"""What a roster import returns: the valid members, every row error, and warnings."""

from __future__ import annotations

from collections import Counter
from typing import Any

from attrs import frozen

from unionkit.labels import Lang
from unionkit.models import Member

__all__ = ["RosterImport", "RosterSummary", "RosterWarning", "RowError"]


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
        from unionkit.notebook import roster_import_repr

        return roster_import_repr(self)

    def _repr_html_(self) -> str:
        """Counts and the first errors as tables in Jupyter (see ``unionkit.notebook``)."""
        from unionkit.notebook import roster_import_html

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
