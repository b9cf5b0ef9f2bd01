"""Members as columns: numpy arrays for the rules engine, pandas or polars frames for notebooks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import eq, is_, is_not, itemgetter
from typing import TYPE_CHECKING, Any, Literal

from unionkit.models import Member
from unionkit.models.member import (
    EmploymentType,
    HouseholdRole,
    MemberStatus,
    Sex,
    derived_birth_dates,
    derived_sexes,
)
from unionkit.money import yuan_to_fen

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MONEY_FIELDS", "members_to_columns", "to_frame"]

MONEY_FIELDS: tuple[str, ...] = ("monthly_salary", "annual_income", "rigid_spending")
"""Money columns: int64 fen in arrays and frames."""

_TEXT = (
    "member_id",
    "sex",
    "department",
    "union_group_id",
    "household_id",
    "household_role",
    "employment_type",
    "position",
    "status",
)
_BOOL = ("is_member", "frontline", "serious_illness")
_DATE = ("birth_date", "hire_date", "joined_on", "dues_paid_through")
_INT = ("sick_leave_days",)


def members_to_columns(members: Sequence[Member]) -> dict[str, np.ndarray[Any, Any]]:
    """
    Return the rules engine's input: one numpy array per roster field, in member order.

    The columns are :data:`unionkit.rules.MEMBER_FIELDS`: no name, ID or phone number.

    - text (``member_id``, ``department``, choices as their English values such as
      ``"male"`` or ``"permanent"``): ``object`` arrays, ``None`` where missing;
    - ``birth_date`` (from the ID number when not stated), ``hire_date``, ``joined_on``,
      ``dues_paid_through`` (the last day of the month paid through):
      ``datetime64[D]``, ``NaT`` where missing;
    - ``is_member``, ``frontline``, ``serious_illness``: ``bool``;
    - money (:data:`MONEY_FIELDS`): ``int64`` fen (yuan x 100, exact);
    - ``sick_leave_days``: ``int64``.

    Missing numbers: money and ``sick_leave_days`` are ``numpy.ma.MaskedArray`` (a
    subclass of ``ndarray``) whose mask is true where the value is missing, with 0
    stored underneath, so code that ignores the mask reads a missing amount as 0.

    Args:
        members: The members, e.g. ``read_roster(...).members``.

    Returns:
        ``{field: array}``, every array of length ``len(members)``.

    .. versionadded:: 0.1.0
    """
    import numpy as np

    n = len(members)
    # Pydantic keeps a model's field values in its __dict__: every column is read from
    # those by C-level passes, a few hundred members at a time so that each member's
    # memory, fetched for its first field, is still in the CPU cache for the others.
    # (Not one tuple per member transposed with zip: a hundred thousand tuples kept alive
    # make the garbage collector walk every object the members hold, again and again.)
    rows = list(map(vars, members))
    fields = (*_TEXT, *_BOOL, *_DATE, *MONEY_FIELDS, *_INT, "national_id")
    columns: dict[str, list[Any]] = {field: [] for field in fields}
    for start in range(0, n, _CHUNK):
        chunk = rows[start : start + _CHUNK]
        for field, read in columns.items():
            read.extend(map(itemgetter(field), chunk))
    column = columns.__getitem__

    national_ids = column("national_id")
    out: dict[str, np.ndarray[Any, Any]] = {}
    for field in _TEXT:
        if field == "sex":
            values: list[Any] = derived_sexes(column("sex"), national_ids)
        else:
            values = column(field)
        if field in _ENUM_VALUES:
            value_of = _ENUM_VALUES[field]
            values = list(map(value_of.get, values, values))
        out[field] = np.fromiter(values, dtype=object, count=n)
    for field in _BOOL:
        out[field] = np.fromiter(column(field), dtype=bool, count=n)
    for field in _DATE:
        days = (
            derived_birth_dates(column("birth_date"), national_ids)
            if field == "birth_date"
            else column(field)
        )
        out[field] = _dates_column(days)
    for field in (*MONEY_FIELDS, *_INT):
        raw = column(field)
        missing = np.fromiter(map(is_, raw, repeat(None)), dtype=bool, count=n)
        data = np.zeros(n, dtype=np.int64)
        given = list(compress(raw, map(is_not, raw, repeat(None))))
        if given:
            numbers = _fen(given) if field in MONEY_FIELDS else given
            data[~missing] = np.fromiter(numbers, np.int64, len(given))
        out[field] = np.ma.MaskedArray(data, mask=missing)
    return out


# Enum members to their values, for the enum-typed text columns (a dict lookup per value;
# text that is not one of the members passes through unchanged, as isinstance would leave it).
_ENUM_VALUES: dict[str, dict[Any, str]] = {
    "sex": {s: s.value for s in Sex},
    "household_role": {r: r.value for r in HouseholdRole},
    "employment_type": {t: t.value for t in EmploymentType},
    "status": {s: s.value for s in MemberStatus},
}
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CHUNK = 512


def _dates_column(days: list[date | None]) -> np.ndarray[Any, Any]:
    """``datetime64[D]`` of *days*, ``NaT`` for ``None``, from day numbers made in C."""
    import numpy as np

    given = list(map(is_not, days, repeat(None)))
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    if any(given):
        present = map(date.toordinal, compress(days, given))  # type: ignore[arg-type]
        ordinals = np.fromiter(present, np.int64)
        out[np.array(given, dtype=bool)] = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")
    return out


def _fen(amounts: list[Decimal]) -> list[int]:
    """
    Each amount of yuan as whole fen, exactly as :func:`unionkit.money.yuan_to_fen` does.

    ``int()`` truncates, so each result is compared back with the exact scaled amount:
    an amount with a fraction of a fen (or anything not a finite ``Decimal``) goes to
    ``yuan_to_fen`` itself, which raises its error for it.
    """
    try:
        scaled = list(map(Decimal.scaleb, amounts, repeat(2)))
        fen = list(map(int, scaled))
        if all(map(eq, scaled, fen)):
            return fen
    except (TypeError, ValueError, ArithmeticError):
        pass
    return list(map(yuan_to_fen, amounts))


def to_frame(
    members: Sequence[Member],
    kind: Literal["pandas", "polars"] = "pandas",
    *,
    masked: bool = True,
) -> Any:
    """
    Return the members as a pandas or polars DataFrame (needs ``unionkit[frames]``).

    The frame has the columns of :func:`members_to_columns` (money in int64 fen, missing
    numbers as nulls) plus ``name``, ``national_id`` and ``phone``.

    Args:
        members: The members.
        kind: ``"pandas"`` (the default) or ``"polars"``.
        masked: Show name, ID and phone masked (``张*``, ``1101**********1234``); the
            default, so that a notebook cell never displays them. ``False`` reveals them.

    Returns:
        A ``pandas.DataFrame`` or ``polars.DataFrame``.

    .. versionadded:: 0.1.0
    """
    import numpy as np

    columns = members_to_columns(members)

    def personal(value: Any) -> str | None:
        if value is None:
            return None
        return str(value.masked if masked else value.reveal())

    extra: dict[str, list[str | None]] = {
        "name": [m.masked_name if masked else m.name for m in members],
        "national_id": [personal(m.national_id) for m in members],
        "phone": [personal(m.phone) for m in members],
    }
    if kind == "pandas":
        import pandas as pd

        data: dict[str, Any] = {}
        for field, arr in columns.items():
            if isinstance(arr, np.ma.MaskedArray):
                data[field] = pd.Series(arr.filled(0), dtype="Int64").mask(np.ma.getmaskarray(arr))
            elif arr.dtype == object:
                data[field] = pd.Series(list(arr), dtype="string")
            else:
                data[field] = arr
        data.update({k: pd.Series(v, dtype="string") for k, v in extra.items()})
        return pd.DataFrame(data)
    import polars as pl

    series: list[Any] = []
    for field, arr in columns.items():
        if isinstance(arr, np.ma.MaskedArray):
            series.append(pl.Series(field, arr.tolist(), dtype=pl.Int64))
        elif arr.dtype == object:
            series.append(pl.Series(field, list(arr), dtype=pl.String))
        else:
            series.append(pl.Series(field, arr))
    series += [pl.Series(k, v, dtype=pl.String) for k, v in extra.items()]
    return pl.DataFrame(series)
