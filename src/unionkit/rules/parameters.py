"""Dated parameters: values with effective dates, scales, units and sources, from Python or YAML."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from attrs import field, frozen

from unionkit.errors import ParameterError
from unionkit.rules.schema import ValueType

__all__ = [
    "MAX_BRACKETS",
    "MONEY_UNITS",
    "Bracket",
    "Parameter",
    "ParameterValue",
    "Parameters",
    "ResolvedValue",
    "Scale",
]

MONEY_UNITS = frozenset({"yuan", "元", "CNY", "RMB"})
"""Units that make a parameter money (exact yuan, two decimal places)."""

_SCALE_KINDS = ("amount", "marginal_rate")

MAX_BRACKETS = 1_000
"""The most brackets one scale may have.

Batch evaluation of a marginal-rate scale costs one pass over the roster per
bracket, so a rule file with tens of thousands of brackets would stall every run.
"""


def _number(value: object, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ParameterError(f"{where}: expected a number, got yes/no / 应为数值")
    try:
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, int | Decimal | str):
            out = Decimal(value)
            if out.is_finite():
                return out
    except InvalidOperation:
        pass
    raise ParameterError(f"{where}: {value!r} is not a number / 不是有效数值")


def _threshold(value: object) -> Decimal:
    return _number(value, "bracket threshold")


def _amount(value: object) -> Decimal:
    return _number(value, "bracket amount")


def _by_date(values: Sequence[ParameterValue]) -> tuple[ParameterValue, ...]:
    return tuple(sorted(values, key=lambda pv: pv.effective))


@frozen
class Bracket:
    """
    One row of a scale: from *threshold* upwards, *amount* (or a rate for marginal scales).

    .. versionadded:: 0.1.0
    """

    threshold: Decimal = field(converter=_threshold)
    amount: Decimal = field(converter=_amount)


def _brackets(value: Sequence[Bracket]) -> tuple[Bracket, ...]:
    out = tuple(value)
    thresholds = [b.threshold for b in out]
    if not out:
        raise ParameterError("a scale needs at least one bracket / 分档表至少需要一档")
    if len(out) > MAX_BRACKETS:
        raise ParameterError(
            f"a scale has {len(out)} brackets, more than {MAX_BRACKETS} / "
            f"分档表有{len(out)}档，超过上限{MAX_BRACKETS}档"
        )
    for k in range(1, len(thresholds)):
        if thresholds[k] <= thresholds[k - 1]:
            raise ParameterError(
                f"scale thresholds must be strictly increasing: bracket {k + 1} (threshold "
                f"{thresholds[k]}) is not above bracket {k} (threshold {thresholds[k - 1]}) / "
                f"分档门槛必须严格递增：第{k + 1}档（门槛 {thresholds[k]}）不高于第{k}档"
                f"（门槛 {thresholds[k - 1]}）"
            )
    return out


@frozen
class Scale:
    """
    A bracket table used by ``scale_lookup``.

    ``kind="amount"``: the amount of the highest bracket whose threshold is
    at most x, 0 below the first. ``kind="marginal_rate"``: each bracket's
    amount is a rate applied to the part of x between its threshold and the
    next one.

    .. versionadded:: 0.1.0
    """

    brackets: tuple[Bracket, ...] = field(converter=_brackets)
    kind: str = "amount"

    def __attrs_post_init__(self) -> None:
        if self.kind not in _SCALE_KINDS:
            raise ParameterError(
                f"scale kind must be 'amount' or 'marginal_rate', not {self.kind!r} / "
                "分档类型必须是 amount 或 marginal_rate"
            )


@frozen
class ParameterValue:
    """
    A value that holds from *effective* until the next value's date.

    .. versionadded:: 0.1.0
    """

    effective: dt.date
    value: Any
    source: str | None = None


@frozen
class Parameter:
    """
    A named, dated parameter with a unit and a description in Chinese and English.

    *values* are kept sorted by effective date; two values on the same date
    are an error.

    .. versionadded:: 0.1.0
    """

    name: str
    unit: str
    description_zh: str = ""
    description_en: str = ""
    values: tuple[ParameterValue, ...] = field(default=(), converter=_by_date)
    source: str = "unionkit"

    def __attrs_post_init__(self) -> None:
        dates = [v.effective for v in self.values]
        if len(set(dates)) != len(dates):
            raise ParameterError(
                f"parameter {self.name!r}: two values with the same effective date / "
                "同一生效日期有两个取值"
            )
        if not self.values:
            raise ParameterError(f"parameter {self.name!r} has no values / 参数没有取值")
        for pv in self.values:
            if not isinstance(pv.effective, dt.date) or isinstance(pv.effective, dt.datetime):
                raise ParameterError(
                    f"parameter {self.name!r}: effective date {pv.effective!r} is not a date / "
                    "生效日期不是日期"
                )
        value_type(self)

    @property
    def is_money(self) -> bool:
        """Whether the unit is yuan."""
        return self.unit in MONEY_UNITS


@frozen
class ResolvedValue:
    """A parameter's value on a date, with where it came from (for explanations)."""

    name: str
    value: Any
    effective: dt.date
    source: str
    unit: str
    description_zh: str
    description_en: str


def _kind(value: object, money: bool) -> str:
    if isinstance(value, Scale):
        return "scale"
    if isinstance(value, bool):
        return ValueType.bool.value
    if money and isinstance(value, int | Decimal):
        return ValueType.money.value
    if isinstance(value, int):
        return ValueType.int.value
    if isinstance(value, Decimal | float):
        return ValueType.number.value
    if isinstance(value, dt.date):
        return ValueType.date.value
    if isinstance(value, str):
        return ValueType.text.value
    return type(value).__name__


def value_type(p: Parameter) -> ValueType | None:
    """
    The value type of *p* (``None`` for a scale).

    Raises:
        ParameterError: The values are of different kinds, of an unusable
            kind, or money with more than two decimal places.
    """
    kinds = {_kind(v.value, p.is_money) for v in p.values}
    if kinds == {"int", "number"}:
        kinds = {"number"}
    if len(kinds) != 1:
        raise ParameterError(
            f"parameter {p.name!r}: values of different kinds {sorted(kinds)} / 参数取值类型不一致"
        )
    kind = kinds.pop()
    if kind == "scale":
        return None
    if kind not in ValueType.__members__:
        raise ParameterError(
            f"parameter {p.name!r}: a {kind} cannot be a parameter value / 参数取值类型不可用"
        )
    if kind == ValueType.money.value:
        for v in p.values:
            if Decimal(v.value) != Decimal(v.value).quantize(Decimal("0.01")):
                raise ParameterError(
                    f"parameter {p.name!r} on {v.effective}: money with more than two decimal "
                    "places / 金额最多两位小数"
                )
    out: ValueType = ValueType(kind)
    return out


class Parameters:
    """
    A set of dated parameters, layered by source.

    ``Parameters()`` starts empty; :meth:`add` adds a parameter;
    :meth:`overlay` returns a new set in which another set's values take over.

    .. versionadded:: 0.1.0
    """

    def __init__(self, parameters: Sequence[Parameter] = ()) -> None:
        self._items: dict[str, Parameter] = {}
        for p in parameters:
            self.add(p)

    def add(self, parameter: Parameter) -> None:
        """
        Add *parameter*; values without a source get the parameter's source.

        Raises:
            ParameterError: A parameter of that name is already present.
        """
        if parameter.name in self._items:
            raise ParameterError(
                f"parameter {parameter.name!r} is defined twice; use overlay() to override / "
                "参数重复定义，请用 overlay() 覆盖"
            )
        values = tuple(
            v if v.source is not None else ParameterValue(v.effective, v.value, parameter.source)
            for v in parameter.values
        )
        self._items[parameter.name] = Parameter(
            parameter.name,
            parameter.unit,
            parameter.description_zh,
            parameter.description_en,
            values,
            parameter.source,
        )

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._items[name]
        except KeyError:
            raise ParameterError(f"unknown parameter {name!r} / 未知参数 {name}") from None

    def __repr__(self) -> str:
        return f"Parameters({sorted(self._items)})"

    def copy(self) -> Parameters:
        """A shallow copy (parameters themselves are immutable)."""
        out = Parameters()
        out._items = dict(self._items)
        return out

    def resolve(self, name: str, on: dt.date) -> ResolvedValue:
        """
        The value of *name* on the date *on*, with its effective date and source.

        Raises:
            ParameterError: The parameter is unknown or *on* is before its first value.
        """
        p = self[name]
        dates = [v.effective for v in p.values]
        i = bisect.bisect_right(dates, on) - 1
        if i < 0:
            raise ParameterError(
                f"parameter {name!r} has no value on {on.isoformat()}: its first value is "
                f"effective from {dates[0].isoformat()} / 参数 {name} 在 {on.isoformat()} "
                f"尚无取值（最早自 {dates[0].isoformat()} 起生效）"
            )
        v = p.values[i]
        return ResolvedValue(
            name,
            v.value,
            v.effective,
            v.source or p.source,
            p.unit,
            p.description_zh,
            p.description_en,
        )

    def value(self, name: str, on: dt.date) -> Any:
        """
        The value of *name* on the date *on*.

        Raises:
            ParameterError: The parameter is unknown or *on* is before its first value.
        """
        return self.resolve(name, on).value

    def overlay(self, other: Parameters, source: str | None = None) -> Parameters:
        """
        Return a new set where *other*'s parameters override or add to these.

        For a parameter in both, *other*'s values take over from *other*'s
        first effective date; earlier values of this set still apply before
        it. *source*, if given, is recorded on every value taken from *other*.

        Raises:
            ParameterError: The same parameter has a different unit in *other*.
        """
        out = self.copy()
        for name_, theirs in other._items.items():
            values = tuple(
                ParameterValue(v.effective, v.value, source or v.source or theirs.source)
                for v in theirs.values
            )
            mine = out._items.get(name_)
            if mine is None:
                out._items[name_] = Parameter(
                    name_,
                    theirs.unit,
                    theirs.description_zh,
                    theirs.description_en,
                    values,
                    source or theirs.source,
                )
                continue
            if mine.unit != theirs.unit:
                raise ParameterError(
                    f"parameter {name_!r}: overlay unit {theirs.unit!r} differs from "
                    f"{mine.unit!r} / 覆盖参数的单位与原参数不一致"
                )
            start = values[0].effective
            kept = tuple(v for v in mine.values if v.effective < start)
            out._items[name_] = Parameter(
                name_,
                mine.unit,
                theirs.description_zh or mine.description_zh,
                theirs.description_en or mine.description_en,
                kept + values,
                mine.source,
            )
        return out

    def canonical(self) -> list[Any]:
        """A JSON-ready form identifying every parameter and value (for content hashes)."""
        out: list[Any] = []
        for name_ in sorted(self._items):
            p = self._items[name_]
            out.append(
                [
                    name_,
                    p.unit,
                    [[v.effective.isoformat(), _canon(v.value), v.source] for v in p.values],
                ]
            )
        return out

    def digest(self) -> str:
        """sha256 of :meth:`canonical`."""
        text = json.dumps(self.canonical(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], source: str = "unionkit", origin: str = "<mapping>"
    ) -> Parameters:
        """
        Build parameters from a mapping (the parsed form of a YAML file).

        The shape is ``{name: {unit, description_zh, description_en, values:
        {date: value}}}``; a scale has ``kind`` (``amount`` or
        ``marginal_rate``) and each value is a list of ``[threshold, amount]``
        pairs or ``{threshold, amount}`` mappings. A top-level
        ``parameters:`` key around the whole mapping is accepted too.

        Raises:
            ParameterError: The mapping is malformed; the message names
                *origin* and the parameter.
        """
        if set(data) == {"parameters"} and isinstance(data["parameters"], Mapping):
            data = data["parameters"]
        out = cls()
        for pname, spec in data.items():
            where = f"{origin}: parameter {pname!r}"
            if not isinstance(spec, Mapping):
                raise ParameterError(
                    f"{where}: expected a mapping with unit and values / "
                    "应为包含 unit 和 values 的映射"
                )
            unknown = set(spec) - {
                "unit",
                "description_zh",
                "description_en",
                "values",
                "kind",
                "source",
            }
            if unknown:
                raise ParameterError(f"{where}: unknown keys {sorted(unknown)} / 未知字段")
            unit = spec.get("unit")
            if not isinstance(unit, str):
                raise ParameterError(
                    f"{where}: 'unit' is required (e.g. yuan, days, years) / 缺少单位 unit"
                )
            raw = spec.get("values")
            if not isinstance(raw, Mapping) or not raw:
                raise ParameterError(
                    f"{where}: 'values' must map effective dates to values / "
                    "values 应为“生效日期: 取值”"
                )
            kind = spec.get("kind")
            values: list[ParameterValue] = []
            for when, value in raw.items():
                effective = _date(when, where)
                try:
                    parsed = (
                        _scale(value, str(kind), where)
                        if kind is not None
                        else _plain(value, unit in MONEY_UNITS, where)
                    )
                except ParameterError:
                    raise
                values.append(ParameterValue(effective, parsed, spec.get("source", source)))
            try:
                out.add(
                    Parameter(
                        str(pname),
                        unit,
                        str(spec.get("description_zh", "")),
                        str(spec.get("description_en", "")),
                        values,
                        str(spec.get("source", source)),
                    )
                )
            except ParameterError as exc:
                raise ParameterError(f"{origin}: {exc}") from exc
        return out


def _canon(value: Any) -> Any:
    if isinstance(value, Scale):
        return [value.kind, [[str(b.threshold), str(b.amount)] for b in value.brackets]]
    if isinstance(value, dt.date):
        return value.isoformat()
    return [type(value).__name__, str(value)]


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(
        f"{where}: {value!r} is not an effective date (YYYY-MM-DD) / 不是有效的生效日期"
    )


def _plain(value: object, money: bool, where: str) -> Any:
    if money:
        amount = _number(value, where)
        if amount != amount.quantize(Decimal("0.01")):
            raise ParameterError(
                f"{where}: {value!r} has more than two decimal places / 金额最多两位小数"
            )
        return amount
    if isinstance(value, bool | int | float | dt.date | str):
        return value
    raise ParameterError(f"{where}: {value!r} is not a usable value / 取值不可用")


def _scale(value: object, kind: str, where: str) -> Scale:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ParameterError(f"{where}: a scale value must be a list of brackets / 分档表应为列表")
    brackets: list[Bracket] = []
    for row in value:
        if isinstance(row, Mapping) and set(row) == {"threshold", "amount"}:
            brackets.append(
                Bracket(_number(row["threshold"], where), _number(row["amount"], where))
            )
        elif isinstance(row, Sequence) and not isinstance(row, str) and len(row) == 2:
            brackets.append(Bracket(_number(row[0], where), _number(row[1], where)))
        else:
            raise ParameterError(
                f"{where}: bracket {row!r} must be [threshold, amount] / 每档应为 [门槛, 金额]"
            )
    try:
        return Scale(tuple(brackets), kind)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from exc
