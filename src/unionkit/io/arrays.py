"""Members as columns: numpy arrays for the rules engine, pandas or polars frames for notebooks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from unionkit.models import Member
from unionkit.models.base import LabelledEnum
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
    out: dict[str, np.ndarray[Any, Any]] = {}
    for field in _TEXT:
        values: list[object] = []
        for m in members:
            v = m.derived_sex if field == "sex" else getattr(m, field)
            values.append(v.value if isinstance(v, LabelledEnum) else v)
        arr = np.empty(n, dtype=object)
        arr[:] = values
        out[field] = arr
    for field in _BOOL:
        out[field] = np.fromiter((getattr(m, field) for m in members), dtype=bool, count=n)
    for field in _DATE:
        days: list[date | None] = (
            [m.derived_birth_date for m in members]
            if field == "birth_date"
            else [getattr(m, field) for m in members]
        )
        out[field] = np.array(
            [d if d is not None else np.datetime64("NaT") for d in days], dtype="datetime64[D]"
        ).reshape(n)
    for field in (*MONEY_FIELDS, *_INT):
        raw = [getattr(m, field) for m in members]
        missing = np.fromiter((v is None for v in raw), dtype=bool, count=n)
        numbers = (
            (yuan_to_fen(v) if v is not None else 0 for v in raw)
            if field in MONEY_FIELDS
            else (v if v is not None else 0 for v in raw)
        )
        data = np.fromiter(numbers, dtype=np.int64, count=n)
        out[field] = np.ma.MaskedArray(data, mask=missing)
    return out


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
