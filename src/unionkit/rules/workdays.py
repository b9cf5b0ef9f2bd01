"""Date arithmetic in the rule language: days, months, years; working days through a protocol."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.rules.expr import Call
from unionkit.rules.schema import ValueType
from unionkit.rules.values import Val, any_missing, ndim

__all__ = [
    "DATE_FUNCTIONS",
    "WORKDAY_FUNCTIONS",
    "WorkingDays",
    "date_type",
    "date_vector",
    "workday_type",
    "workday_vector",
]

V = ValueType
Array = np.ndarray[Any, Any]


@runtime_checkable
class WorkingDays(Protocol):
    """
    Working-day arithmetic over whole arrays of dates, as a run needs it.

    The engine knows no holidays: the floor above (the calendar, for a branch's
    rule set) supplies an implementation, see
    :func:`unionkit.calendar.working_days` and :meth:`RuleSet.with_working_days`.

    .. versionadded:: Unreleased
    """

    def add(self, start: Array, n: Array) -> Array:
        """The *n*-th working day after each *start* (``datetime64[D]``); *n* = 0 gives *start*."""
        ...

    def between(self, start: Array, end: Array) -> Array:
        """Working days after each *start* up to and including *end* (negative when before)."""
        ...


def workday_type(tc: Any, e: Call) -> ValueType:
    """The type rule of the working-day functions."""
    first, second = (tc.infer(a) for a in e.args)
    if e.fn == "add_working_days":
        if first is not V.date or second is not V.int:
            raise tc.fail(
                e,
                "add_working_days needs a date and a whole number of days",
                "add_working_days 需要一个日期和整数天数",
            )
        return V.date
    if first is not V.date or second is not V.date:
        raise tc.fail(
            e, "working_days_between needs two dates", "working_days_between 需要两个日期"
        )
    return V.int


def workday_vector(run: Any, e: Call) -> Val:
    """The vector code of the working-day functions."""
    calendar = run.workdays
    if calendar is None:
        raise RuleEvaluationError(
            f"{e.fn}: these rules count working days but were given no working-day calendar; "
            "use the branch's rule set (branch_ruleset) or RuleSet.with_working_days(...) / "
            f"{e.fn} 需要工作日日历（节假日与调休），请使用分会规则集或 with_working_days"
        )
    a = run.full(run.eval(e.args[0]))
    b = run.full(run.eval(e.args[1]))
    missing = any_missing(a.missing, b.missing)
    start = np.asarray(a.values).astype("datetime64[D]")
    if e.fn == "add_working_days":
        n = np.asarray(b.values).astype(np.int64)
        if missing is not None:
            if missing.all():
                return Val(start, missing)
            start = np.where(missing, start[~missing][0], start)
            n = np.where(missing, 0, n)
        if (n < 0).any():
            raise RuleEvaluationError(
                "add_working_days: the number of days must not be negative / 工作日数不能为负"
            )
        out = np.asarray(calendar.add(start, n)).astype("datetime64[D]")
        return Val(out, missing)
    end = np.asarray(b.values).astype("datetime64[D]")
    if missing is not None:
        if missing.all():
            return Val(np.zeros(len(start), dtype=np.int64), missing)
        fill = start[~missing][0]
        start = np.where(missing, fill, start)
        end = np.where(missing, fill, end)
    counts = np.asarray(calendar.between(start, end)).astype(np.int64)
    return Val(counts, missing)


WORKDAY_FUNCTIONS = {
    "add_working_days": (
        "add_working_days(date, n)",
        "若干个工作日之后的日期",
        "the date n working days later",
    ),
    "working_days_between": (
        "working_days_between(start, end)",
        "两日期之间的工作日数",
        "working days after start up to end",
    ),
}
"""Each working-day function's usage and labels (zh, en)."""


def date_type(tc: Any, e: Call) -> ValueType:
    """The type rule of the calendar-free date functions."""
    if tc.infer(e.args[0]) is not V.date:
        raise tc.fail(e, f"{e.fn} needs a date", f"{e.fn} 需要日期")
    if len(e.args) > 1 and tc.infer(e.args[1]) is not V.int:
        raise tc.fail(e, f"{e.fn} needs a whole number", f"{e.fn} 需要整数")
    return V.date


def date_vector(run: Any, e: Call) -> Val:
    """The vector code of ``add_days``, ``add_months`` and ``start_of_year``."""
    a = run.eval(e.args[0])
    if len(e.args) > 1:
        (a, b), by = run.align(a, run.eval(e.args[1]))
        n = b.values
        missing = any_missing(a.missing, b.missing)
    else:
        by, n, missing = a.by, 0, a.missing
    d = np.asarray(a.values).astype("datetime64[D]")
    if e.fn == "add_days":
        out: Any = d + np.asarray(n).astype("timedelta64[D]")
    elif e.fn == "start_of_year":
        out = d.astype("datetime64[Y]").astype("datetime64[D]")
    else:
        months = d.astype("datetime64[M]")
        day = d - months.astype("datetime64[D]")
        target = months + np.asarray(n).astype("timedelta64[M]")
        last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
        # the same day of the month, or the month's last day (31 March + 1 month: 30 April)
        out = np.minimum(target.astype("datetime64[D]") + day, last)
    if ndim(a.values) == 0 and ndim(out):
        out = out.reshape(())[()]
    return Val(out, missing, by)


DATE_FUNCTIONS = {
    "add_days": (
        "add_days(date, n)",
        2,
        "若干天之后（n 为负则之前）的日期",
        "the date n days later",
    ),
    "add_months": (
        "add_months(date, n)",
        2,
        "若干个月之后的同一日（无此日取月末）",
        "the same day n months later (or that month's last day)",
    ),
    "start_of_year": ("start_of_year(date)", 1, "当年1月1日", "1 January of the date's year"),
}
"""Each calendar-free date function's usage, number of arguments and labels (zh, en)."""
