"""Demand figures for a period: counts, closure and on-time rates, resolve times, satisfaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Protocol

import numpy as np
from attrs import field, frozen
from numpy.typing import NDArray

from unionkit.errors import CalendarDataMissing
from unionkit.models.base import LabelledEnum
from unionkit.models.demand import Demand, DemandKind, DemandState, Satisfaction

if TYPE_CHECKING:
    pass

__all__ = [
    "ANSWER_BASIS",
    "DEFAULT_SATISFIED_GRADES",
    "ClosureBasis",
    "DemandFacts",
    "DemandFigures",
    "FigureRow",
    "MonthRow",
    "ReportPeriod",
    "Workdays",
    "compute_demand_figures",
    "format_rate",
]

KINDS: tuple[DemandKind, ...] = tuple(DemandKind)
STATES: tuple[DemandState, ...] = tuple(DemandState)
GRADES: tuple[Satisfaction, ...] = tuple(Satisfaction)

DEFAULT_SATISFIED_GRADES: frozenset[Satisfaction] = frozenset(
    {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
)
"""Grades counted as satisfied unless the caller says otherwise (满意率 as most units publish)."""

_HANDLED = frozenset(
    {DemandState.ACCEPTED, DemandState.IN_PROGRESS, DemandState.RESOLVED, DemandState.CLOSED}
)
_NAT = np.datetime64("NaT", "D")

DayArray = NDArray[np.datetime64]


class ClosureBasis(LabelledEnum):
    """
    What the closure rate (办结率) divides by; places publish it differently.

    .. versionadded:: 0.1.0
    """

    ACCEPTED = "accepted", "办结数 ÷ 受理数", "closed ÷ accepted (handled)"
    RECEIVED = "received", "办结数 ÷ 收到数", "closed ÷ received"
    CLOSED_OR_REJECTED = (
        "closed_or_rejected",
        "（办结数 + 不予立案数）÷ 收到数",
        "(closed + rejected) ÷ received",
    )
    DUE_BY_CUTOFF = (
        "due_by_cutoff",
        "截止日前到期诉求中已办结数 ÷ 截止日前到期的受理诉求数",
        "closed by the cut-off date ÷ handled demands due by the cut-off date",
    )


ANSWER_BASIS: tuple[str, str] = (
    "已答复数（含答复后因不满意重新办理的）÷ 收到数",
    "answered (including those reopened after an unsatisfied rating) ÷ received",
)
"""The answer rate's basis (答复率): a reopened demand was still answered."""


class Workdays(Protocol):
    """Anything that knows whether a date is a working day (a ``WorkCalendar``)."""

    def is_workday(self, day: date, /) -> bool:
        """Return whether *day* is a working day."""
        ...


@frozen
class ReportPeriod:
    """
    The dates a report covers, both ends included.

    .. versionadded:: 0.1.0
    """

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"report period ends ({self.end}) before it starts ({self.start}) / "
                f"统计期结束日早于开始日"
            )

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        """Return the calendar year *year*, 1 January to 31 December."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        """Whether the period is exactly one calendar year."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        ) and self.start.year == self.end.year

    def label(self, lang: str = "zh") -> str:
        """A heading for the period: ``2025年`` / ``2025``, or the two dates."""
        if self.is_calendar_year:
            return f"{self.start.year}年" if lang == "zh" else str(self.start.year)
        sep = " 至 " if lang == "zh" else " to "
        return f"{self.start.isoformat()}{sep}{self.end.isoformat()}"


def _days(values: Sequence[date | datetime | None]) -> DayArray:
    out = np.full(len(values), _NAT)
    for i, value in enumerate(values):
        if value is not None:
            out[i] = np.datetime64(value.date() if isinstance(value, datetime) else value, "D")
    return out


def _codes(values: Sequence[str | None]) -> tuple[NDArray[np.int32], tuple[str, ...]]:
    names = tuple(sorted({v for v in values if v is not None}))
    index = {name: i for i, name in enumerate(names)}
    codes = np.fromiter(
        (index[v] if v is not None else -1 for v in values), dtype=np.int32, count=len(values)
    )
    return codes, names


def _enum_codes(
    values: Sequence[str | None], members: Sequence[LabelledEnum], column: str
) -> NDArray[np.int8]:
    index = {m.value: i for i, m in enumerate(members)}
    out = np.empty(len(values), dtype=np.int8)
    for i, value in enumerate(values):
        if value is None:
            out[i] = -1
            continue
        code = index.get(str(value))
        if code is None:
            raise ValueError(f"row {i}: field {column!r}: unknown value {value!r} / 未知取值")
        out[i] = code
    return out


@frozen
class DemandFacts:
    """
    The columns the figures are computed from, one entry per demand.

    Codes index ``DemandKind``/``DemandState``/``Satisfaction`` in declaration
    order (``-1`` for no rating); ``category``/``department`` index the
    ``categories``/``departments`` name tuples (``-1`` for none). Dates are
    ``datetime64[D]`` with ``NaT`` where a demand has not reached that step.

    .. versionadded:: 0.1.0
    """

    kind: NDArray[np.int8]
    state: NDArray[np.int8]
    category: NDArray[np.int32]
    department: NDArray[np.int32]
    submitted: DayArray
    resolved: DayArray
    closed: DayArray
    deadline: DayArray
    deadline_estimated: NDArray[np.bool_]
    key_supervision: NDArray[np.bool_]
    reopened: NDArray[np.int32]
    satisfaction: NDArray[np.int8]
    categories: tuple[str, ...] = field(default=())
    departments: tuple[str, ...] = field(default=())

    def __attrs_post_init__(self) -> None:
        n = len(self.kind)
        for name in (
            "state",
            "category",
            "department",
            "submitted",
            "resolved",
            "closed",
            "deadline",
            "deadline_estimated",
            "key_supervision",
            "reopened",
            "satisfaction",
        ):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"DemandFacts column {name!r} has {len(getattr(self, name))} entries, "
                    f"expected {n} / 列长度不一致"
                )
        if n and np.isnat(self.submitted).any():
            raise ValueError(
                "DemandFacts column 'submitted': every demand needs a date / 缺少提交日期"
            )
        if n and int(self.category.max(initial=-1)) >= len(self.categories):
            raise ValueError("DemandFacts column 'category': code without a name / 类别编码越界")
        if n and int(self.department.max(initial=-1)) >= len(self.departments):
            raise ValueError("DemandFacts column 'department': code without a name / 部门编码越界")

    def __len__(self) -> int:
        return len(self.kind)

    @classmethod
    def from_columns(
        cls,
        *,
        kind: Sequence[str],
        state: Sequence[str],
        category: Sequence[str | None],
        department: Sequence[str | None],
        submitted: Sequence[date | datetime] | DayArray,
        resolved: Sequence[date | datetime | None] | DayArray,
        closed: Sequence[date | datetime | None] | DayArray,
        deadline: Sequence[date | None] | DayArray,
        deadline_estimated: Sequence[bool] | NDArray[np.bool_],
        key_supervision: Sequence[bool] | NDArray[np.bool_],
        reopened: Sequence[int] | NDArray[np.integer],
        satisfaction: Sequence[str | None],
    ) -> DemandFacts:
        """
        Build the facts from plain columns as a database returns them.

        Enum columns hold their values (``"closed"``, ``"very_satisfied"``);
        date columns hold dates, datetimes (the date part counts) or ``None``,
        or are already ``datetime64[D]`` arrays.

        Raises:
            ValueError: A column holds a value that is not a kind, state or
                grade (the message names the row and column), or lengths differ.
        """

        def days(values: Sequence[date | datetime | None] | DayArray) -> DayArray:
            if isinstance(values, np.ndarray):
                return values.astype("datetime64[D]")
            return _days(values)

        cat_codes, categories = _codes(category)
        dep_codes, departments = _codes(department)
        return cls(
            kind=_enum_codes(kind, KINDS, "kind"),
            state=_enum_codes(state, STATES, "state"),
            category=cat_codes,
            department=dep_codes,
            submitted=days(submitted),
            resolved=days(resolved),
            closed=days(closed),
            deadline=days(deadline),
            deadline_estimated=np.asarray(deadline_estimated, dtype=np.bool_),
            key_supervision=np.asarray(key_supervision, dtype=np.bool_),
            reopened=np.asarray(reopened, dtype=np.int32),
            satisfaction=_enum_codes(satisfaction, GRADES, "satisfaction"),
            categories=categories,
            departments=departments,
        )

    @classmethod
    def from_demands(cls, demands: Iterable[Demand]) -> DemandFacts:
        """Build the facts from ``Demand`` models (small data, tests, notebooks)."""
        rows = list(demands)
        return cls.from_columns(
            kind=[d.kind.value for d in rows],
            state=[d.state.value for d in rows],
            category=[d.category for d in rows],
            department=[d.department for d in rows],
            submitted=[d.submitted_at for d in rows],
            resolved=[d.resolved_at for d in rows],
            closed=[d.closed_at for d in rows],
            deadline=[d.deadline for d in rows],
            deadline_estimated=[d.deadline_estimated for d in rows],
            key_supervision=[d.key_supervision for d in rows],
            reopened=[d.reopened_count for d in rows],
            satisfaction=[d.satisfaction.value if d.satisfaction else None for d in rows],
        )


def format_rate(numerator: int, denominator: int, lang: str = "zh") -> str:
    """
    Show ``numerator / denominator`` as a percentage with one decimal, half up.

    A rate below 100 % never shows as ``100.0%`` (it shows ``99.9%``), so a
    published "100 % closure" is always literally true. No denominator gives
    ``—`` (``无`` in Chinese).
    """
    if denominator == 0:
        return "无" if lang == "zh" else "—"
    pct = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if numerator < denominator and pct >= 100:
        pct = Decimal("99.9")
    return f"{pct}%"


@frozen
class FigureRow:
    """
    The figures for one slice of the demands (all of them, a category, a department).

    Counts are of demands received in the period; ``days_*`` are ``None``
    when nothing in the slice was resolved.

    .. versionadded:: 0.1.0
    """

    key: str | None
    received: int
    handled: int
    closed: int
    rejected: int
    merged: int
    open: int
    closure_numerator: int
    closure_denominator: int
    resolved: int
    on_time: int
    on_time_base: int
    estimated_deadlines: int
    overdue_open: int
    working_days_median: float | None
    working_days_p90: float | None
    calendar_days_median: float | None
    calendar_days_p90: float | None
    reopened: int
    reopen_events: int
    rated: int
    grades: tuple[int, ...]
    satisfied: int
    proposals: int
    key_supervised_proposals: int
    key_supervised: int
    answered: int = 0

    @property
    def answer_rate(self) -> float | None:
        """
        Answered over received (答复率); a demand reopened after an answer still counts.

        .. versionadded:: 0.1.0
        """
        return self.answered / self.received if self.received else None

    @property
    def closure_rate(self) -> float | None:
        """The closure rate as a fraction, or ``None`` without a denominator."""
        return (
            self.closure_numerator / self.closure_denominator if self.closure_denominator else None
        )

    @property
    def on_time_rate(self) -> float | None:
        """Resolved by the deadline, over resolved demands that had one."""
        return self.on_time / self.on_time_base if self.on_time_base else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied ratings over all ratings."""
        return self.satisfied / self.rated if self.rated else None

    def grade_count(self, grade: Satisfaction) -> int:
        """How many demands in the slice carry *grade* as their latest rating."""
        return self.grades[GRADES.index(grade)]


@frozen
class MonthRow:
    """Demands received, and of those closed, in one calendar month."""

    month: date
    received: int
    closed: int


@frozen
class DemandFigures:
    """
    A period's demand figures, with the parameters they were computed with.

    ``working_days_estimated_years`` lists the years for which no official
    holiday data was available, so working days there counted weekends only.

    .. versionadded:: 0.1.0
    """

    period: ReportPeriod
    as_of: date
    closure_basis: ClosureBasis
    satisfied_grades: tuple[Satisfaction, ...]
    total: FigureRow
    by_kind: tuple[FigureRow, ...]
    by_category: tuple[FigureRow, ...]
    by_department: tuple[FigureRow, ...]
    monthly: tuple[MonthRow, ...]
    closed_after_period: int
    working_days_estimated_years: tuple[int, ...] = ()


def _workday_index(
    lo: np.datetime64,
    hi: np.datetime64,
    calendar: Workdays | None,
) -> tuple[NDArray[np.int64], tuple[int, ...]]:
    """Cumulative working-day count for each day from *lo* to *hi* inclusive."""
    span = np.arange(lo, hi + np.timedelta64(1, "D"), dtype="datetime64[D]")
    weekday = (span.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
    work = weekday < 5
    estimated: list[int] = []
    if calendar is not None:
        years = span.astype("datetime64[Y]").astype(np.int64) + 1970
        covers = getattr(calendar, "covers", None)
        for year in np.unique(years).tolist():
            where = np.flatnonzero(years == year)
            # A calendar built with a weekends fallback answers without raising; ask it.
            if callable(covers) and not covers(year):
                estimated.append(int(year))
                continue
            try:
                flags = [calendar.is_workday(d) for d in span[where].astype(date).tolist()]
            except (CalendarDataMissing, NotImplementedError):
                estimated.append(int(year))
                continue
            work[where] = flags
    else:
        estimated = sorted(
            {int(y) for y in (span.astype("datetime64[Y]").astype(np.int64) + 1970).tolist()}
        )
    return np.cumsum(work, dtype=np.int64), tuple(estimated)


def _quantiles(
    values: NDArray[np.float64],
    codes: NDArray[np.int64],
    groups: int,
) -> tuple[list[float | None], list[float | None]]:
    """Median and 90th percentile (linear interpolation) of *values* per group code."""
    med: list[float | None] = [None] * groups
    p90: list[float | None] = [None] * groups
    keep = ~np.isnan(values)
    values, codes = values[keep], codes[keep]
    whole = values.astype(np.int64)
    if len(values) and (whole == values).all() and 0 <= whole.min() and whole.max() < 1 << 31:
        # Day counts: one plain sort of (group, value) packed in an int64 is several
        # times faster than a lexsort of the two arrays, with the same order.
        packed = np.sort((codes << 32) | whole)
        codes, values = packed >> 32, (packed & ((1 << 32) - 1)).astype(np.float64)
    else:
        order = np.lexsort((values, codes))
        values, codes = values[order], codes[order]
    bounds = np.searchsorted(codes, np.arange(groups + 1))
    for g in range(groups):
        chunk = values[bounds[g] : bounds[g + 1]]
        if len(chunk):
            med[g], p90[g] = (float(x) for x in np.percentile(chunk, [50, 90]))
    return med, p90


@frozen
class _PerDemand:
    """Derived per-demand columns shared by every breakdown."""

    flags: dict[str, NDArray[np.bool_]]
    ints: dict[str, NDArray[np.int64]]
    working_days: NDArray[np.float64]
    calendar_days: NDArray[np.float64]
    grade: NDArray[np.int8]


def _rows(
    codes: NDArray[np.int64],
    keys: Sequence[str | None],
    data: _PerDemand,
) -> tuple[FigureRow, ...]:
    groups = len(keys)
    cols, ints, grade_codes = data.flags, data.ints, data.grade
    wd, cd = data.working_days, data.calendar_days

    def count(mask: NDArray[np.bool_]) -> list[int]:
        return [int(x) for x in np.bincount(codes[mask], minlength=groups)]

    counts = {name: count(mask) for name, mask in cols.items()}
    sums = {
        name: [int(x) for x in np.bincount(codes, weights=v, minlength=groups)]
        for name, v in ints.items()
    }
    grades = [count(grade_codes == g) for g in range(len(GRADES))]
    wd_med, wd_p90 = _quantiles(wd, codes, groups)
    cd_med, cd_p90 = _quantiles(cd, codes, groups)
    return tuple(
        FigureRow(
            key=keys[g],
            received=counts["received"][g],
            handled=counts["handled"][g],
            closed=counts["closed"][g],
            rejected=counts["rejected"][g],
            merged=counts["merged"][g],
            open=counts["open"][g],
            closure_numerator=counts["closure_num"][g],
            closure_denominator=counts["closure_den"][g],
            resolved=counts["resolved"][g],
            on_time=counts["on_time"][g],
            on_time_base=counts["on_time_base"][g],
            estimated_deadlines=counts["estimated"][g],
            overdue_open=counts["overdue_open"][g],
            working_days_median=wd_med[g],
            working_days_p90=wd_p90[g],
            calendar_days_median=cd_med[g],
            calendar_days_p90=cd_p90[g],
            reopened=counts["reopened"][g],
            reopen_events=sums["reopen_events"][g],
            rated=counts["rated"][g],
            grades=tuple(grades[k][g] for k in range(len(GRADES))),
            satisfied=counts["satisfied"][g],
            proposals=counts["proposals"][g],
            key_supervised_proposals=counts["key_proposals"][g],
            key_supervised=counts["key"][g],
            answered=counts["answered"][g],
        )
        for g in range(groups)
    )


def compute_demand_figures(
    facts: DemandFacts,
    period: ReportPeriod,
    *,
    closure_basis: ClosureBasis = ClosureBasis.ACCEPTED,
    satisfied_grades: Collection[Satisfaction] = DEFAULT_SATISFIED_GRADES,
    calendar: Workdays | None = None,
    as_of: date | None = None,
) -> DemandFigures:
    """
    Compute a period's demand figures from column arrays, without a Python loop per demand.

    The figures cover the demands *received* (submitted) in *period*, in the
    state the facts record. "Handled" is accepted, in progress, resolved or
    closed; rejected and merged demands are not handled. Days to resolve run
    from the submission date to the (latest) answer: calendar days, and
    working days after the submission day up to and including the answer day
    according to *calendar* (weekends only, and said so, for any year the
    calendar has no data for, or when no calendar is given). On time means
    answered on or before the deadline; demands still open past their
    deadline on *as_of* (default: the period's last day) are counted as
    ``overdue_open``. With ``ClosureBasis.DUE_BY_CUTOFF`` the closure
    rate counts the handled demands whose deadline falls on or before *as_of*
    (the cut-off date) and, of those, the ones closed by then. ``answered`` (the
    answer rate, 答复率) counts every demand that received an answer, including
    one an unsatisfied rating reopened afterwards. Satisfaction counts each demand's latest rating.

    Args:
        facts: The demands, as columns (see :class:`DemandFacts`).
        period: Which submission dates to count.
        closure_basis: The closure rate's denominator.
        satisfied_grades: The grades counted as satisfied.
        calendar: A working-day calendar (``unionkit.calendar``); ``None``
            counts weekends only and marks every year as estimated.
        as_of: The day "still open past the deadline" is judged on.

    Returns:
        The figures, overall and by kind, category and department, plus a
        month-by-month count of received and closed demands.

    Raises:
        ValueError: *satisfied_grades* is empty.

    .. versionadded:: 0.1.0
    """
    grades_ok = tuple(g for g in GRADES if g in set(satisfied_grades))
    if not grades_ok:
        raise ValueError("satisfied_grades: name at least one grade / 至少指定一个满意等级")
    as_of = as_of or period.end
    lo, hi = np.datetime64(period.start, "D"), np.datetime64(period.end, "D")
    keep = (facts.submitted >= lo) & (facts.submitted <= hi)
    kind, state = facts.kind[keep], facts.state[keep]
    submitted, resolved = facts.submitted[keep], facts.resolved[keep]
    closed_on, deadline = facts.closed[keep], facts.deadline[keep]
    grade = facts.satisfaction[keep]
    key = facts.key_supervision[keep]

    def is_state(*states: DemandState) -> NDArray[np.bool_]:
        return np.isin(state, [STATES.index(s) for s in states])

    handled = is_state(*_HANDLED)
    closed = is_state(DemandState.CLOSED)
    rejected = is_state(DemandState.REJECTED)
    merged = is_state(DemandState.MERGED)
    has_answer = ~np.isnat(resolved)
    has_deadline = ~np.isnat(deadline)
    on_time_base = has_answer & has_deadline
    day_as_of = np.datetime64(as_of, "D")
    open_ = is_state(DemandState.SUBMITTED, DemandState.ACCEPTED, DemandState.IN_PROGRESS)
    received = np.ones(len(kind), dtype=np.bool_)
    if closure_basis is ClosureBasis.ACCEPTED:
        num, den = closed, handled
    elif closure_basis is ClosureBasis.RECEIVED:
        num, den = closed, received
    elif closure_basis is ClosureBasis.CLOSED_OR_REJECTED:
        num, den = closed | rejected, received
    else:
        den = handled & has_deadline & (deadline <= day_as_of)
        num = closed & (np.isnat(closed_on) | (closed_on <= day_as_of))

    calendar_days = np.where(has_answer, (resolved - submitted).astype(np.float64), np.nan)
    working_days = np.full(len(kind), np.nan)
    estimated_years: tuple[int, ...] = ()
    if has_answer.any():
        first = submitted.min()
        last = max(resolved[has_answer].max(), submitted.max())
        index, estimated_years = _workday_index(first, last, calendar)
        sub_i = (submitted - first).astype(np.int64)
        res_i = np.where(has_answer, (resolved - first).astype(np.int64), 0)
        working_days = np.where(
            has_answer, (index[res_i] - index[sub_i]).astype(np.float64), np.nan
        )
        answered_years = np.unique(
            np.concatenate(
                [
                    submitted[has_answer].astype("datetime64[Y]"),
                    resolved[has_answer].astype("datetime64[Y]"),
                ]
            ).astype(np.int64)
            + 1970
        ).tolist()
        estimated_years = tuple(y for y in estimated_years if y in answered_years)

    cols: dict[str, NDArray[np.bool_]] = {
        "received": received,
        "handled": handled,
        "closed": closed,
        "rejected": rejected,
        "merged": merged,
        "open": open_,
        "closure_num": num & den,
        "closure_den": den,
        "resolved": has_answer,
        # Reopening clears the answer date, but only an answered demand can be reopened.
        "answered": has_answer | (facts.reopened[keep] > 0),
        "on_time": on_time_base & (resolved <= deadline),
        "on_time_base": on_time_base,
        "estimated": on_time_base & facts.deadline_estimated[keep],
        "overdue_open": open_ & has_deadline & (deadline < day_as_of),
        "reopened": facts.reopened[keep] > 0,
        "rated": grade >= 0,
        "satisfied": np.isin(grade, [GRADES.index(g) for g in grades_ok]),
        "proposals": kind == KINDS.index(DemandKind.PROPOSAL),
        "key_proposals": key & (kind == KINDS.index(DemandKind.PROPOSAL)),
        "key": key,
    }
    data = _PerDemand(
        flags=cols,
        ints={"reopen_events": facts.reopened[keep].astype(np.int64)},
        working_days=working_days,
        calendar_days=calendar_days,
        grade=grade,
    )

    def breakdown(codes: NDArray[np.integer], names: Sequence[str]) -> tuple[FigureRow, ...]:
        codes64 = codes.astype(np.int64)
        none = codes64 < 0
        groups: list[str | None] = list(names)
        if none.any():
            codes64 = np.where(none, len(names), codes64)
            groups.append(None)
        rows = _rows(codes64, groups, data)
        return tuple(r for r in rows if r.received)

    total = _rows(np.zeros(len(kind), dtype=np.int64), [None], data)[0]
    by_kind = tuple(
        r for r in _rows(kind.astype(np.int64), [k.value for k in KINDS], data) if r.received
    )

    months = np.arange(lo.astype("datetime64[M]"), hi.astype("datetime64[M]") + 1)
    sub_m = np.searchsorted(months, submitted.astype("datetime64[M]"))
    closed_known = closed & ~np.isnat(closed_on)
    in_period = closed_known & (closed_on <= hi)
    close_m = np.searchsorted(months, closed_on[in_period].astype("datetime64[M]"))
    rec_n = np.bincount(sub_m, minlength=len(months))
    clo_n = np.bincount(close_m, minlength=len(months))
    monthly = tuple(
        MonthRow(month=m.astype(date), received=int(r), closed=int(c))
        for m, r, c in zip(months.astype("datetime64[D]"), rec_n, clo_n, strict=True)
    )
    return DemandFigures(
        period=period,
        as_of=as_of,
        closure_basis=closure_basis,
        satisfied_grades=grades_ok,
        total=total,
        by_kind=by_kind,
        by_category=breakdown(facts.category[keep], facts.categories),
        by_department=breakdown(facts.department[keep], facts.departments),
        monthly=monthly,
        closed_after_period=int((closed_known & (closed_on > hi)).sum()),
        working_days_estimated_years=estimated_years,
    )
