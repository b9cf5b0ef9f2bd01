"""What-if: a roster under proposed parameters beside the current ones: who gains, who loses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import frozen

from unionkit.errors import RuleDefinitionError
from unionkit.rules.batch import evaluate_arrays
from unionkit.rules.cells import MoneyUnit
from unionkit.rules.columns import Columns
from unionkit.rules.html import table as html_table
from unionkit.rules.parameters import Parameters
from unionkit.rules.schema import ValueType

if TYPE_CHECKING:
    from unionkit.rules.ruleset import RuleSet

__all__ = ["WhatIfReport", "what_if", "whatif_html"]


@frozen
class WhatIfReport:
    """
    The effect of a proposed parameter change on a roster.

    Attributes:
        as_of: The evaluation date.
        rules: The yes/no rules compared.
        amount_rules: The money rules totalled.
        gains: For each yes/no rule, the member ids who become eligible.
        losses: For each yes/no rule, the member ids who stop being eligible.
        totals_before: Each money rule's total in yuan under the current parameters.
        totals_after: The same under the proposed parameters.
        version_before: The current rule set's version.
        version_after: The proposed rule set's version.
        columns: Per member: ``member_id`` and ``<rule>_before`` / ``<rule>_after``
            (money in ``int64`` fen; unknown values are False / 0).

    .. versionadded:: 0.1.0
    """

    as_of: dt.date
    rules: tuple[str, ...]
    amount_rules: tuple[str, ...]
    gains: Mapping[str, tuple[str, ...]]
    losses: Mapping[str, tuple[str, ...]]
    totals_before: Mapping[str, Decimal]
    totals_after: Mapping[str, Decimal]
    version_before: str
    version_after: str
    columns: Mapping[str, Any]
    kind: str = "dict"

    def render(self, lang: str = "zh") -> str:
        """The report as text in *lang* (``zh`` or ``en``)."""
        zh = lang == "zh"
        lines = [
            f"测算：{self.as_of.isoformat()}（现行 {self.version_before[:12]} → 拟议 "
            f"{self.version_after[:12]}）"
            if zh
            else f"What-if as of {self.as_of.isoformat()} (current {self.version_before[:12]} -> "
            f"proposed {self.version_after[:12]})"
        ]
        for r in self.rules:
            gains, losses = self.gains[r], self.losses[r]
            if zh:
                lines.append(f"- {r}：新增符合 {len(gains)} 人，不再符合 {len(losses)} 人")
            else:
                lines.append(f"- {r}: {len(gains)} gain, {len(losses)} lose eligibility")
            if gains:
                lines.append(
                    ("  新增：" if zh else "  gain: ")
                    + ", ".join(gains[:20])
                    + (" …" if len(gains) > 20 else "")
                )
            if losses:
                lines.append(
                    ("  不再符合：" if zh else "  lose: ")
                    + ", ".join(losses[:20])
                    + (" …" if len(losses) > 20 else "")
                )
        for r in self.amount_rules:
            before, after = self.totals_before[r], self.totals_after[r]
            if zh:
                lines.append(
                    f"- {r} 合计：{before:,.2f} 元 → {after:,.2f} 元"
                    f"（变化 {after - before:+,.2f} 元）"
                )
            else:
                lines.append(
                    f"- {r} total: {before:,.2f} -> {after:,.2f} yuan "
                    f"(change {after - before:+,.2f})"
                )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def _repr_html_(self) -> str:
        """Gains, losses and totals as a table in Jupyter (a summary, never every member)."""
        return whatif_html(self)

    def frame(self) -> Any:
        """The per-member columns as the same kind of frame as the input (a dict for arrays)."""
        if self.kind == "pandas":
            import pandas as pd

            return pd.DataFrame(dict(self.columns))
        if self.kind == "polars":
            import polars as pl

            return pl.DataFrame(dict(self.columns))
        return dict(self.columns)


def _known(
    values: np.ndarray[Any, Any], missing: np.ndarray[Any, Any] | None, fill: Any
) -> np.ndarray[Any, Any]:
    return values if missing is None else np.where(missing, fill, values)


def what_if(
    ruleset: RuleSet,
    data: Any,
    as_of: dt.date,
    overlay: Parameters,
    *,
    rules: Sequence[str] | None = None,
    amount_rule: str | Sequence[str] | None = "subsidy_amount",
    money_unit: MoneyUnit = "fen",
) -> WhatIfReport:
    """
    Evaluate *data* under the current parameters and under *overlay*, side by side.

    Args:
        ruleset: The current rule set (its rules are not rebuilt).
        data: The roster, as for :meth:`RuleSet.evaluate`; it needs a
            ``member_id`` column to name who gains or loses.
        as_of: The evaluation date.
        overlay: The proposed parameter values (see :meth:`Parameters.overlay`).
        rules: The yes/no rules to compare (default: every yes/no rule).
        amount_rule: Money rule(s) to total before and after (skipped if absent).
        money_unit: What integer money columns hold: ``"fen"`` (the default) or
            whole ``"yuan"``, as for :meth:`RuleSet.evaluate`.

    Raises:
        RuleDefinitionError: A named rule is unknown, or is not yes/no.
        RuleEvaluationError: The roster cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    proposed = ruleset.with_parameters(overlay)
    if rules is None:
        bool_rules = [n for n, r in ruleset.rules.items() if r.value_type is ValueType.bool]
    else:
        bool_rules = list(rules)
        for n in bool_rules:
            if n not in ruleset.rules:
                raise RuleDefinitionError(f"unknown rule {n!r} / 未知规则 {n}")
            if ruleset.rules[n].value_type is not ValueType.bool:
                raise RuleDefinitionError(f"rule {n!r} is not yes/no / 规则 {n} 不是是/否规则")
    wanted_amounts = [amount_rule] if isinstance(amount_rule, str) else list(amount_rule or [])
    amounts = [
        n
        for n in wanted_amounts
        if n in ruleset.rules and ruleset.rules[n].value_type is ValueType.money
    ]
    wanted = bool_rules + [a for a in amounts if a not in bool_rules]
    fields, _ = ruleset.inputs(wanted)
    cols = Columns(data, ruleset.fields, sorted(fields | {"member_id"}), money_unit)
    before, _ = evaluate_arrays(ruleset.program, cols, as_of, wanted)
    after, _ = evaluate_arrays(proposed.program, cols, as_of, wanted)
    if cols.has("member_id"):
        ids_raw, _ = cols.get("member_id")
        ids = np.asarray(ids_raw).astype(str)
    else:
        ids = np.arange(cols.n).astype(str)
    columns: dict[str, Any] = {"member_id": ids}
    gains: dict[str, tuple[str, ...]] = {}
    losses: dict[str, tuple[str, ...]] = {}
    for n in bool_rules:
        b = _known(*before[n], False).astype(bool)
        a = _known(*after[n], False).astype(bool)
        gains[n] = tuple(ids[a & ~b].tolist())
        losses[n] = tuple(ids[b & ~a].tolist())
        columns[f"{n}_before"], columns[f"{n}_after"] = b, a
    totals_before: dict[str, Decimal] = {}
    totals_after: dict[str, Decimal] = {}
    for n in amounts:
        b = _known(*before[n], 0).astype(np.int64)
        a = _known(*after[n], 0).astype(np.int64)
        totals_before[n] = Decimal(int(b.sum())).scaleb(-2).quantize(Decimal("0.01"))
        totals_after[n] = Decimal(int(a.sum())).scaleb(-2).quantize(Decimal("0.01"))
        columns[f"{n}_before"], columns[f"{n}_after"] = b, a
    kind = cols.kind if cols.kind in ("pandas", "polars") else "dict"
    return WhatIfReport(
        as_of,
        tuple(bool_rules),
        tuple(amounts),
        gains,
        losses,
        totals_before,
        totals_after,
        ruleset.version,
        proposed.version,
        columns,
        kind,
    )


def whatif_html(report: WhatIfReport) -> str:
    """
    A what-if report as HTML: who gains or loses each yes/no rule, and money totals.

    Args:
        report: What ``what_if`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    rows: list[tuple[object, ...]] = []
    for r in report.rules:
        gains, losses = report.gains[r], report.losses[r]
        rows.append(
            (
                r,
                f"+{len(gains):,}",
                f"-{len(losses):,}",
                ", ".join(gains[:5]) + (" …" if len(gains) > 5 else ""),
            )
        )
    for r in report.amount_rules:
        before, after = report.totals_before[r], report.totals_after[r]
        rows.append((r, f"{before:,.2f} 元", f"{after:,.2f} 元", f"{after - before:+,.2f} 元"))
    caption = (
        f"测算 / what-if as of {report.as_of.isoformat()}: "
        f"{report.version_before[:12]} → {report.version_after[:12]}"
    )
    header = ["规则 rule", "新增 / before", "减少 / after", "名单 / change"]
    return html_table(caption, header, rows)
