"""Reading columns out of data frames (pandas, polars, any frame narwhals reads) for the engine."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["frame_column"]


def frame_column(native: Any) -> Any:
    """
    A pandas or polars column as a numpy array, missing cells marked, through narwhals.

    One path for every frame library narwhals reads. NaN and NaT mark missing
    floats and dates themselves, and ``None`` missing objects (text, Decimal), so
    those arrays go to the engine as they are; integer and yes/no columns with
    blanks (pandas ``Int64``/``boolean``, polars nulls) become masked arrays, so
    that integers stay exact instead of passing through floats.
    """
    import narwhals as nw

    s = nw.from_native(native, series_only=True)
    dtype = s.dtype
    values = s.to_numpy()
    kind = values.dtype.kind
    # Integers and yes/no that come out as such have no blanks (a blank makes them float
    # or object); NaN and NaT mark the blanks of floats and dates themselves.
    if kind in "iub" or (kind in "fMm" and (dtype.is_float() or dtype.is_temporal())):
        return values
    mask = s.is_null().to_numpy()
    if not mask.any():
        return values
    if dtype.is_integer():
        return np.ma.MaskedArray(s.fill_null(0).to_numpy().astype(np.int64), mask)
    if dtype == nw.Boolean:
        return np.ma.MaskedArray(s.fill_null(False).to_numpy().astype(bool), mask)
    if kind == "O":
        # pandas text columns mark a blank with NaN or pd.NA, which are not text
        values = values.copy() if values.base is not None else values
        values[mask] = None
        return values
    return np.ma.MaskedArray(values, mask)
