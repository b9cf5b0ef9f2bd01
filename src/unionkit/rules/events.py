"""Dated events as rule inputs: declared kinds, tables bound to a run's members, event functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.errors import RuleDefinitionError, RuleEvaluationError
from unionkit.rules.cells import MoneyUnit, convert
from unionkit.rules.columns import Columns
from unionkit.rules.expr import Call, Expr, Lit
from unionkit.rules.schema import ValueType
from unionkit.rules.values import EXACT_LIMIT, NUMERIC, Val, max_abs, ndim, too_large

__all__ = [
    "EVENT_FUNCTIONS",
    "EventInput",
    "EventKind",
    "EventTable",
    "event_fields",
    "event_kinds",
]

V = ValueType
Array = np.ndarray[Any, Any]

SEP = "."
"""An event kind's fields are declared beside the member fields as ``kind.field``."""

_DATES = frozenset({"date", "start", "end"})
_LONGEST = 36600  # a century of days: a window or gap beyond it is a typo, not a rule
_NEVER = np.iinfo(np.int64).min // 4


@frozen
class EventKind:
    """
    One kind of dated event a rule set reads (sick leave, a hospital stay, a grant).

    Attributes:
        name: The kind, as rules name it (``"sick_leave"``).
        span: True when each event has a ``start`` and an ``end`` date, False for one ``date``.
        attributes: The other fields of an event and their types (``days``, an amount ...).

    .. versionadded:: Unreleased
    """

    name: str
    span: bool
    attributes: Mapping[str, ValueType]

    @property
    def columns(self) -> dict[str, ValueType]:
        """Every column an events table of this kind holds, ``member_id`` included."""
        dates = {"start": V.date, "end": V.date} if self.span else {"date": V.date}
        return {"member_id": V.text, **dates, **self.attributes}


def event_fields(
    name: str, *, span: bool, attributes: Mapping[str, ValueType] | None = None
) -> dict[str, ValueType]:
    """
    The declaration of the event kind *name* as fields of a rule set (``kind.start``, ...).

    A rule set's ``fields`` carry its event kinds this way, so that the rule set's
    version, the type checker and the plugin hooks see them with no other channel.

    Raises:
        RuleDefinitionError: A name with a dot, or an attribute named like a date field.

    .. versionadded:: Unreleased
    """
    attributes = dict(attributes or {})
    if not name or SEP in name:
        raise RuleDefinitionError(f"event kind {name!r}: a name without dots / 事件类别名不能含点")
    clash = sorted((set(attributes) & _DATES) | {a for a in attributes if SEP in a})
    if clash or "member_id" in attributes:
        raise RuleDefinitionError(
            f"event kind {name!r}: attribute {(clash or ['member_id'])[0]!r} is reserved / "
            f"事件类别 {name} 的字段名保留"
        )
    kind = EventKind(name, span, attributes)
    return {f"{name}{SEP}{k}": v for k, v in kind.columns.items() if k != "member_id"}


def event_kinds(fields: Mapping[str, ValueType]) -> dict[str, EventKind]:
    """The event kinds declared in *fields* (see :func:`event_fields`), by name."""
    found: dict[str, dict[str, ValueType]] = {}
    for key, vtype in fields.items():
        kind, sep, attr = key.partition(SEP)
        if sep:
            found.setdefault(kind, {})[attr] = vtype
    out = {}
    for kind, cols in found.items():
        span = "start" in cols
        attrs = {k: v for k, v in cols.items() if k not in _DATES}
        out[kind] = EventKind(kind, span, attrs)
    return out


class EventTable:
    """
    The events of one kind over a run's members, sorted by member row and start.

    Dates are ``int64`` day numbers; an event covers the days ``start`` to ``end``
    (a one-day event, or ``days`` days from its date when the kind has a ``days``
    field); ``days`` is the ``days`` field when declared, else the days covered.

    .. versionadded:: Unreleased
    """

    __slots__ = ("attributes", "days", "end", "kind", "members", "row", "rows", "start")

    def __init__(
        self,
        kind: EventKind,
        members: int,
        *,
        rows: Array,
        start: Array,
        end: Array,
        days: Array,
        attributes: Mapping[str, tuple[Array, Array | None]],
        row: Array,
    ) -> None:
        self.kind = kind
        self.members = members
        self.rows = rows
        self.start = start
        self.end = end
        self.days = days
        self.attributes = attributes
        self.row = row  # each event's row in the table it was given in

    def __len__(self) -> int:
        return len(self.rows)


def _bad(kind: str, row: int, field: str, en: str, zh: str) -> RuleEvaluationError:
    # Row and field only: the value may be a health fact or an ID number.
    return RuleEvaluationError(
        f"events {kind!r}, row {row}, field {field!r}: {en} / "
        f"事件“{kind}”第 {row} 行“{field}”：{zh}"
    )


class EventInput:
    """
    The events given to one evaluation: raw tables per kind, bound to the run's members on use.

    Args:
        raw: Kind to table (a dict of columns, a list of records, a pandas or polars frame).
        kinds: The kinds the rule set declares.
        money_unit: What integer money columns hold, as for the member columns.
        strict: Whether an event of a member not in the run is an error (batch), or left
            out (an explanation runs over one member's rows only).

    Raises:
        RuleEvaluationError: A kind the rule set does not declare.

    .. versionadded:: Unreleased
    """

    def __init__(
        self,
        raw: Mapping[str, Any] | None,
        kinds: Mapping[str, EventKind],
        money_unit: MoneyUnit = "fen",
        *,
        strict: bool = True,
    ) -> None:
        raw = dict(raw or {})
        for name in raw:
            if name not in kinds:
                known = ", ".join(sorted(kinds)) or "none / 无"
                raise RuleEvaluationError(
                    f"events {name!r}: the rule set declares no such event kind (declared: "
                    f"{known}) / 规则集未声明事件类别“{name}”"
                )
        self.raw = raw
        self.kinds = kinds
        self.money_unit = money_unit
        self.strict = strict
        self.tables: dict[tuple[str, int], EventTable] = {}
        self.counted: dict[Expr, tuple[EventTable, Array]] = {}
        self.traced = False

    def given(self, kind: str) -> bool:
        """Whether events of *kind* were given."""
        return kind in self.raw

    def table(self, kind: str, cols: Columns) -> EventTable:
        """
        The events of *kind* bound to the members of *cols* (by ``member_id``), checked.

        Raises:
            RuleEvaluationError: No events of *kind* were given, or one is bad (an unknown
                member, a missing date, a span ending before it starts): kind, row and
                field named, never the value.
        """
        key = (kind, id(cols))
        found = self.tables.get(key)
        if found is None:
            found = self.tables[key] = self._bind(kind, cols)
        return found

    def for_chunk(self, whole: Columns, rows: slice | Array) -> EventInput:
        """
        These events as a chunk of *whole*'s rows sees them (see ``rules.chunks``).

        Each kind is bound and checked once against *whole* (an unknown member is
        still an error), then cut to the events of the members at *rows* (in input
        order), renumbered to the chunk's rows.
        """
        return _ChunkEvents(self, whole, rows)

    def _bind(self, kind: str, cols: Columns) -> EventTable:
        if kind not in self.raw:
            raise RuleEvaluationError(
                f"the rules read events {kind!r}, but none were given: pass "
                f"events={{{kind!r}: ...}} (an empty table if there are none) / "
                f"规则需要事件“{kind}”，但未提供"
            )
        spec = self.kinds[kind]
        data = Columns(self.raw[kind], spec.columns, sorted(spec.columns), self.money_unit)
        for name in ("member_id", *(("start", "end") if spec.span else ("date",))):
            if not data.has(name):
                raise RuleEvaluationError(
                    f"events {kind!r}: no column {name!r} / 事件“{kind}”缺少“{name}”列"
                )
        got: dict[str, tuple[Array, Array | None]] = {}
        for name, vtype in spec.columns.items():
            raw = data.raw(name) if data.has(name) else np.full(data.n, None, dtype=object)
            got[name] = convert(raw, vtype, f"{kind}.{name}", self.money_unit)
        required = ["member_id", *(["start", "end"] if spec.span else ["date"])]
        for name in required:
            missing = got[name][1]
            if missing is not None and missing.any():
                row = int(np.flatnonzero(missing)[0])
                raise _bad(kind, row, name, "missing", "缺失")
        first = got["start" if spec.span else "date"][0].view(np.int64)
        if spec.span:
            last = got["end"][0].view(np.int64)
            wrong = last < first
            if wrong.any():
                row = int(np.flatnonzero(wrong)[0])
                raise _bad(kind, row, "end", "the span ends before it starts", "结束早于开始")
        days_col = got.get("days") if "days" in spec.attributes else None
        if days_col is not None:
            dvals, dmissing = days_col
            negative = dvals < 0
            if dmissing is not None:
                negative &= ~dmissing
            if negative.any():
                row = int(np.flatnonzero(negative)[0])
                raise _bad(kind, row, "days", "negative", "不能为负数")
            counted = np.where(dmissing, 0, dvals) if dmissing is not None else dvals
            counted = counted.astype(np.int64)
            if not spec.span:
                last = first + np.maximum(counted, 1) - 1
        else:
            if not spec.span:
                last = first
            counted = last - first + 1
        member_rows = self._rows(kind, got["member_id"][0], cols)
        keep = member_rows >= 0
        source = np.arange(len(member_rows), dtype=np.int64)
        if not keep.all():
            source = source[keep]
            member_rows = member_rows[keep]
        order = _by_member_and_day(member_rows, first[source])
        pick = source[order]
        attrs = {
            name: (vals[pick], None if miss is None else miss[pick])
            for name, (vals, miss) in got.items()
            if name in spec.attributes
        }
        return EventTable(
            spec,
            cols.n,
            rows=member_rows[order].astype(np.int64),
            start=first[pick],
            end=last[pick],
            days=counted[pick],
            attributes=attrs,
            row=pick,
        )

    def _rows(self, kind: str, ids: Array, cols: Columns) -> Array:
        """Each event's member row in *cols* (-1: not there, when not strict)."""
        if not cols.has("member_id") and not cols.supplies("member_id"):
            raise RuleEvaluationError(
                "events need the members' member_id column / 使用事件需要成员的 member_id 列"
            )
        member_ids, missing = cols.get("member_id")
        keys = np.asarray(member_ids).astype(str)
        if missing is not None:
            keys = np.where(missing, "\0", keys)  # no event names a blank id
        wanted = np.asarray(ids).astype(str)
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        if len(ranked) == 0:
            at = np.zeros(len(wanted), dtype=np.int64)
            hit = np.zeros(len(wanted), dtype=bool)
        else:
            at = np.searchsorted(ranked, wanted)
            at = np.minimum(at, len(ranked) - 1)
            hit = ranked[at] == wanted
        if self.strict and not hit.all():
            row = int(np.flatnonzero(~hit)[0])
            raise _bad(kind, row, "member_id", "no such member in the input", "输入中没有该会员")
        rows = np.where(hit, order[at] if len(ranked) else 0, -1)
        return np.asarray(rows, dtype=np.int64)


def _by_member_and_day(rows: Array, days: Array) -> Array:
    """The stable order by member row, then first day (one integer key sorts faster)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.intp)
    lo = int(days.min())
    width = int(days.max()) - lo + 1
    if width * (int(rows.max()) + 1) >= 2**62:
        return np.lexsort((days, rows))
    key = rows.astype(np.int64) * width + (days - lo)
    return np.argsort(key, kind="stable")


# --- the event functions: typing and vector code (entries in rules.functions) -------------


def _kind_of(tc: Any, e: Call) -> str:
    arg = e.args[0]
    if not (isinstance(arg, Lit) and arg.vtype is V.text):
        raise tc.fail(
            e,
            f'the first argument of {e.fn} is an event kind in quotes, such as "sick_leave"',
            f'{e.fn} 的第一个参数应为带引号的事件类别，如 "sick_leave"',
        )
    kind = str(arg.value)
    if tc.field_type(f"{kind}{SEP}start") is None and tc.field_type(f"{kind}{SEP}date") is None:
        raise tc.fail(e, f"unknown event kind {kind!r}", f"未知事件类别 {kind}")
    return kind


# How many arguments come before the period (from, to): the kind, and a number for some.
_LEADING = {
    "event_count": 1,
    "event_days": 1,
    "event_first": 1,
    "event_last": 1,
    "event_sum": 2,
    "event_peak_days": 2,
    "event_spells": 2,
    "event_longest_spell": 2,
    "event_spell_days": 2,
}


def _period_types(tc: Any, e: Call) -> None:
    for arg in e.args[_LEADING[e.fn] :]:
        if tc.infer(arg) is not V.date:
            raise tc.fail(
                e,
                f"the period of {e.fn} is given by dates (from, to)",
                f"{e.fn} 的期间应为日期（起，止）",
            )


def event_type(tc: Any, e: Call) -> ValueType:
    """The type rule shared by every event function."""
    kind = _kind_of(tc, e)
    _period_types(tc, e)
    if e.fn in ("event_first", "event_last"):
        return V.date
    if e.fn == "event_sum":
        arg = e.args[1]
        t: ValueType | None = None
        if isinstance(arg, Lit) and arg.vtype is V.text:
            t = tc.field_type(f"{kind}{SEP}{arg.value}")
        if t not in NUMERIC:
            raise tc.fail(
                e,
                f"the second argument of event_sum names a number or money field of {kind!r}",
                f"event_sum 的第二个参数应为事件“{kind}”的数值或金额字段名（带引号）",
            )
        assert t is not None
        return t
    if _LEADING[e.fn] == 2 and tc.infer(e.args[1]) is not V.int:
        raise tc.fail(e, f"{e.fn} needs a whole number of days", f"{e.fn} 需要整数天数")
    return V.int


def _bounds(run: Any, e: Call) -> tuple[Any, Any, Array | None]:
    """The period's first and last day numbers (scalars or per member) and who is unknown."""
    period = e.args[_LEADING[e.fn] :]
    missing = None
    ends: list[Any] = []
    for arg in period:
        v = run.eval(arg)
        if ndim(v.values) == 0 and v.by is None:
            ends.append(np.datetime64(v.values, "D").astype(np.int64))
            if v.missing is not None and np.any(v.missing):
                missing = np.ones(run.n, dtype=bool)
            continue
        v = run.full(v)
        ends.append(np.asarray(v.values).astype("datetime64[D]").view(np.int64))
        if v.missing is not None:
            missing = v.missing if missing is None else (missing | v.missing)
    lo = ends[0] if ends else _NEVER
    hi = ends[1] if len(ends) > 1 else np.datetime64(run.as_of, "D").astype(np.int64)
    return lo, hi, missing


def _whole(run: Any, e: Call, index: int, what: str) -> int:
    v = run.eval(e.args[index])
    if ndim(v.values) or v.missing is not None:
        raise RuleEvaluationError(
            f"{e.fn}: the {what} must be the same for every member (a number or a parameter) / "
            f"{e.fn} 的{what}必须对所有成员相同"
        )
    n = int(v.values)
    if not 0 <= n <= _LONGEST:
        raise RuleEvaluationError(
            f"{e.fn}: the {what} must be from 0 to {_LONGEST} days / "
            f"{e.fn} 的{what}须在 0 到 {_LONGEST} 天之间"
        )
    return n


def _selected(run: Any, e: Call) -> tuple[EventTable, Array, Array | None]:
    """The table of the call's kind and which of its events start in the period."""
    kind = str(e.args[0].value)  # type: ignore[attr-defined]
    events = run.events
    assert events is not None and events.given(kind)
    table = events.table(kind, run.cols)
    lo, hi, missing = _bounds(run, e)
    rows = table.rows
    lo_e = lo[rows] if ndim(lo) else lo
    hi_e = hi[rows] if ndim(hi) else hi
    sel = (table.start >= lo_e) & (table.start <= hi_e)
    if events.traced:
        events.counted[e] = (table, sel)
    return table, sel, missing


def _per_member(values: Array, missing: Array | None) -> Val:
    if missing is not None and not missing.any():
        missing = None
    if missing is not None:
        values = np.where(missing, 0, values).astype(values.dtype)
    return Val(values, missing)


def _sum_exact(rows: Array, values: Array, n: int, e: Expr) -> Array:
    if values.dtype.kind == "f":
        out: Array = np.bincount(rows, weights=values, minlength=n)
        return out
    if max_abs(values) * max(len(values), 1) < 2**53:
        return np.rint(np.bincount(rows, weights=values, minlength=n)).astype(np.int64)
    exact = np.zeros(n, dtype=object)
    np.add.at(exact, rows, values.astype(object))
    if max_abs(exact) >= EXACT_LIMIT:
        raise too_large(e)
    return exact.astype(np.int64)


def _spells(rows: Array, start: Array, end: Array, gap: int) -> tuple[Array, Array, Array]:
    """
    Join events (sorted by row, start) into spells: a gap of at most *gap* days joins.

    Returns each spell's row, first day and last day, sorted by row and first day.
    """
    if len(rows) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    base = int(start.min())
    width = int(end.max()) - base + gap + 3
    # A running maximum of the end that restarts with each member: each member's keys
    # lie above every earlier member's, so one accumulate serves all of them at once.
    key = rows * width + (end - base)
    reach = np.maximum.accumulate(key)
    new = np.ones(len(rows), dtype=bool)
    prev_reach = reach[:-1] - rows[1:] * width + base  # the earlier events' last day, same member
    same = rows[1:] == rows[:-1]
    new[1:] = ~same | (start[1:] - prev_reach - 1 > gap)
    first = np.flatnonzero(new)
    last_day = np.maximum.reduceat(end, first)
    return rows[first], start[first], last_day


def _reduce_max(rows: Array, values: Array, n: int) -> Array:
    out = np.zeros(n, dtype=np.int64)
    if len(rows):
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        out[rows[starts]] = np.maximum.reduceat(values, starts)
    return out


def _peak(rows: Array, start: Array, end: Array, window: int, n: int) -> Array:
    """The most days covered within any *window* consecutive days, per member."""
    r, s, t = _spells(rows, start, end, 0)  # disjoint covered intervals
    if len(r) == 0 or window == 0:
        return np.zeros(n, dtype=np.int64)
    base = int(s.min())
    width = int(t.max()) - base + 2 * window + 3
    length = t - s + 1
    total = np.cumsum(length)
    before = total - length
    ks = r * width + (s - base)
    ke = r * width + (t - base)
    # The best window starts on an interval's first day or ends on an interval's last day.
    w_end = s + window - 1
    j = np.searchsorted(ks, r * width + (w_end - base), side="right") - 1
    from_start = total[j] - before - np.maximum(0, t[j] - w_end)
    w_start = t - window + 1
    i = np.searchsorted(ke, r * width + (w_start - base), side="left")
    to_end = total - before[i] - np.maximum(0, w_start - s[i])
    return _reduce_max(r, np.maximum(from_start, to_end), n)


def event_vector(run: Any, e: Call) -> Val:
    """The vector code shared by every event function."""
    kind = str(e.args[0].value)  # type: ignore[attr-defined]
    if run.events is None or not run.events.given(kind):
        # No table of this kind: unknown, as an absent optional column is (not zero: a
        # roster without the HR export says nothing about anyone's sick leave).
        for arg in e.args[1:]:
            run.eval(arg)  # an explanation shows the period even so
        vtype = run.type_of(e)
        zeros = np.zeros(run.n, dtype=np.float64 if vtype is V.number else np.int64)
        if vtype is V.date:
            zeros = zeros.view("datetime64[D]")
        return Val(zeros, np.ones(run.n, dtype=bool))
    table, sel, missing = _selected(run, e)
    n = run.n
    rows = table.rows[sel]
    fn = e.fn
    if fn == "event_count":
        return _per_member(np.bincount(rows, minlength=n).astype(np.int64), missing)
    if fn == "event_days":
        return _per_member(_sum_exact(rows, table.days[sel], n, e), missing)
    if fn == "event_sum":
        values, unknown = table.attributes[str(e.args[1].value)]  # type: ignore[attr-defined]
        values = values[sel]
        if unknown is not None:
            unknown = unknown[sel]
            values = np.where(unknown, 0, values)
            hit = np.bincount(rows[unknown], minlength=n) > 0
            missing = hit if missing is None else (missing | hit)
        return _per_member(_sum_exact(rows, values, n, e), missing)
    if fn in ("event_first", "event_last"):
        found = np.bincount(rows, minlength=n) > 0
        days = table.start[sel] if fn == "event_first" else table.end[sel]
        out = np.zeros(n, dtype=np.int64)
        if len(rows):
            starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
            reduce = np.minimum if fn == "event_first" else np.maximum
            out[rows[starts]] = reduce.reduceat(days, starts)
        none = ~found if missing is None else (~found | missing)
        v = _per_member(out, none)
        return Val(v.values.view("datetime64[D]"), v.missing)
    number = _whole(run, e, 1, "window" if fn == "event_peak_days" else "gap")
    start, end = table.start[sel], table.end[sel]
    if fn == "event_peak_days":
        if number == 0:
            raise RuleEvaluationError(
                "event_peak_days: the window must be at least 1 day / 窗口至少为1天"
            )
        return _per_member(_peak(rows, start, end, number, n), missing)
    r, s, t = _spells(rows, start, end, number)
    if fn == "event_spells":
        return _per_member(np.bincount(r, minlength=n).astype(np.int64), missing)
    if fn == "event_longest_spell":
        return _per_member(_reduce_max(r, t - s + 1, n), missing)
    return _per_member(_sum_exact(r, t - s + 1, n, e), missing)


EVENT_FUNCTIONS: Mapping[str, tuple[str, int, int, str, str]] = {
    "event_count": (
        'event_count("kind", from, to)',
        1,
        3,
        "期间内事件次数",
        "events in the period",
    ),
    "event_days": (
        'event_days("kind", from, to)',
        1,
        3,
        "期间内事件天数",
        "event days in the period",
    ),
    "event_sum": (
        'event_sum("kind", "field", from, to)',
        2,
        4,
        "期间内事件金额合计",
        "total over the period's events",
    ),
    "event_first": (
        'event_first("kind", from, to)',
        1,
        3,
        "期间内首次事件日期",
        "first event date in the period",
    ),
    "event_last": (
        'event_last("kind", from, to)',
        1,
        3,
        "期间内最后事件日期",
        "last event date in the period",
    ),
    "event_peak_days": (
        'event_peak_days("kind", window_days, from, to)',
        2,
        4,
        "任意连续若干天内的最多事件天数",
        "most event days within any window of consecutive days",
    ),
    "event_spells": (
        'event_spells("kind", gap_days, from, to)',
        2,
        4,
        "连续期次数（间隔不超过若干天的合并）",
        "spells (events joined across short gaps)",
    ),
    "event_longest_spell": (
        'event_longest_spell("kind", gap_days, from, to)',
        2,
        4,
        "最长连续期天数",
        "days of the longest spell",
    ),
    "event_spell_days": (
        'event_spell_days("kind", gap_days, from, to)',
        2,
        4,
        "各连续期天数合计",
        "days of all spells together",
    ),
}
"""Each event function's usage, fewest and most arguments and labels (zh, en)."""


def _day(n: int) -> str:
    return str(np.datetime64(int(n), "D"))


def counted_events(events: EventInput, e: Expr, row: int) -> list[tuple[str, str, str, str]]:
    """
    The events of the member at *row* that the event function *e* counted, for an explanation.

    Each is ``(text, label_zh, label_en, shown)``: which event of the kind given (its row
    in the table given), and its dates and days.
    """
    found = events.counted.get(e)
    if found is None:
        return []
    table, sel = found
    lo, hi = np.searchsorted(table.rows, [row, row + 1])
    out = []
    kind = table.kind.name
    for k in range(int(lo), int(hi)):
        if not sel[k]:
            continue
        first, last, days = int(table.start[k]), int(table.end[k]), int(table.days[k])
        when = _day(first) if first == last else f"{_day(first)}—{_day(last)}"
        out.append(
            (
                f"{kind}[{int(table.row[k])}]",
                f"事件“{kind}”第 {int(table.row[k])} 行",
                f"event {kind!r}, row {int(table.row[k])}",
                f"{when}, {days} d",
            )
        )
    return out


class _ChunkEvents(EventInput):
    """A chunk's view of its parent's events: the parent's checked tables, cut to the chunk."""

    def __init__(self, parent: EventInput, whole: Columns, rows: slice | Array) -> None:
        super().__init__(parent.raw, parent.kinds, parent.money_unit, strict=parent.strict)
        self._parent = parent
        self._whole = whole
        self._chunk_of = np.full(whole.n, -1, dtype=np.int64)
        picked = np.arange(whole.n, dtype=np.int64)[rows]
        self._chunk_of[picked] = np.arange(len(picked), dtype=np.int64)

    def _bind(self, kind: str, cols: Columns) -> EventTable:
        full = self._parent.table(kind, self._whole)
        mine = self._chunk_of[full.rows]
        keep = mine >= 0
        # the chunk's rows keep the input's order, so the member-then-day sort holds
        return EventTable(
            full.kind,
            cols.n,
            rows=mine[keep],
            start=full.start[keep],
            end=full.end[keep],
            days=full.days[keep],
            attributes={
                name: (vals[keep], None if miss is None else miss[keep])
                for name, (vals, miss) in full.attributes.items()
            },
            row=full.row[keep],
        )
