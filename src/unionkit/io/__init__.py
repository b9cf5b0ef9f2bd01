"""Roster import and export: CSV (UTF-8, GBK/GB18030) and Excel, to and from validated members."""

from __future__ import annotations

from unionkit.io.arrays import MONEY_FIELDS, members_to_columns, to_frame
from unionkit.io.codes import ERROR_CODES, WARNING_CODES
from unionkit.io.columns import COLUMNS, DEFAULT_MAPPING, REQUIRED_FIELDS, Column
from unionkit.io.reader import PERSONAL_FIELDS, read_roster
from unionkit.io.result import RosterImport, RosterSummary, RosterWarning, RowError
from unionkit.io.synthetic import generate_roster, iter_roster, write_rows
from unionkit.io.writer import write_roster

__all__ = [
    "COLUMNS",
    "DEFAULT_MAPPING",
    "ERROR_CODES",
    "MONEY_FIELDS",
    "PERSONAL_FIELDS",
    "REQUIRED_FIELDS",
    "WARNING_CODES",
    "Column",
    "RosterImport",
    "RosterSummary",
    "RosterWarning",
    "RowError",
    "generate_roster",
    "iter_roster",
    "members_to_columns",
    "read_roster",
    "to_frame",
    "write_roster",
    "write_rows",
]
