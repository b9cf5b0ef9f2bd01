"""The former ``members_to_columns`` (a Python loop per member per field), kept as a reference.

Imported by bare name by ``tests/io/test_members_columns.py`` (as pytest does) and by
``benchmarks/members_columns.py``, which times the new implementation against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from unionkit.io import MONEY_FIELDS
from unionkit.io.arrays import _BOOL, _DATE, _INT, _TEXT
from unionkit.models import Member
from unionkit.models.base import LabelledEnum
from unionkit.money import yuan_to_fen

__all__ = ["assert_same_columns", "reference_members_to_columns"]


# The former implementation's body, copied verbatim.
def reference_members_to_columns(members: Sequence[Member]) -> dict[str, np.ndarray[Any, Any]]:
    """``members_to_columns`` as it was before it read the members a column at a time."""
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


def assert_same_columns(
    got: dict[str, np.ndarray[Any, Any]], want: dict[str, np.ndarray[Any, Any]]
) -> None:
    """Same keys in the same order; each column the same class, dtype, shape, values, mask."""
    assert list(got) == list(want)
    for field, expected in want.items():
        actual = got[field]
        assert type(actual) is type(expected), field
        assert actual.dtype == expected.dtype, field
        assert actual.shape == expected.shape, field
        if isinstance(expected, np.ma.MaskedArray):
            assert np.ma.getmaskarray(actual).tolist() == np.ma.getmaskarray(expected).tolist()
            # The data under the mask too: code that ignores the mask reads 0 there.
            assert actual.data.tolist() == expected.data.tolist(), field
        elif expected.dtype == object:
            assert [type(v) for v in actual] == [type(v) for v in expected], field
            assert actual.tolist() == expected.tolist(), field
        else:
            # tolist() gives dates / None for datetime64[D] (NaT compares unequal as numbers).
            assert actual.tolist() == expected.tolist(), field
