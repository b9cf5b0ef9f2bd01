"""The summary of a rule evaluation over a roster: per rule, who is eligible and the totals."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionkit.money import format_fen

if TYPE_CHECKING:
    from unionkit.io import RosterImport
    from unionkit.rules import BatchResult, RuleSet

__all__ = ["evaluation_summary"]


def evaluation_summary(
    ruleset: RuleSet,
    batch: BatchResult,
    columns: Mapping[str, tuple[str, list[object]]],
    result: RosterImport,
    out: Path,
) -> dict[str, Any]:
    """
    Summarise an evaluation of a roster: per rule, how many are eligible or the total.

    Union benefits go to members: relatives are evaluated (household figures
    need them) but neither counted nor totalled. A rule's ``summary`` says
    whether it is counted (yes/no rules), totalled (amounts) or left out
    (measures and caps).

    Args:
        ruleset: The rule set evaluated.
        batch: Its result.
        columns: ``{rule: (type, values)}``, money in fen, ``None`` where unknown.
        result: The roster import the members came from.
        out: Where the results file was written.

    Returns:
        JSON-ready values: the roster, date, rule-set version, head counts and one
        entry per rule (label, type, unknown count, eligible count or total). Each
        rule's ``undetermined`` counts the union members whose answer is unknown
        (``unknown`` is the same count, kept for older readers); when the batch named
        the missing inputs (``undetermined=True``), ``missing_inputs`` says, per input
        field, how many of them it holds up.

    .. versionchanged:: Unreleased
       ``undetermined`` and ``missing_inputs``.

    .. versionadded:: 0.1.0
    """
    members = [m.is_member for m in result.members]
    reasons = batch.reasons
    missing_inputs = None if reasons is None else reasons.inputs(members)
    rules = []
    for name, (kind, values) in columns.items():
        rule = ruleset.rules[name]
        own = [v for v, is_member in zip(values, members, strict=True) if is_member]
        known = [v for v in own if v is not None]
        entry: dict[str, Any] = {
            "name": name,
            "label_zh": rule.label_zh,
            "label_en": rule.label_en,
            "type": kind,
            "summary": rule.summary,
            "unknown": len(own) - len(known),
            "undetermined": len(own) - len(known),
        }
        if missing_inputs is not None:
            entry["missing_inputs"] = dict(
                sorted(missing_inputs[name].items(), key=lambda kv: (-kv[1], kv[0]))
            )
        if rule.summary == "count":
            entry["eligible"] = sum(1 for v in known if v)
        elif rule.summary == "total":
            if kind == "money":
                entry["total_fen"] = sum(int(v) for v in known)  # type: ignore[call-overload]
                entry["total_yuan"] = format_fen(entry["total_fen"])
            elif kind == "int":
                entry["total"] = str(sum(int(v) for v in known))  # type: ignore[call-overload]
            else:
                entry["total"] = f"{math.fsum(float(v) for v in known):.6g}"  # type: ignore[arg-type]
        rules.append(entry)
    union_members = sum(1 for m in members if m)
    return {
        "roster": str(result.source),
        "as_of": batch.as_of.isoformat(),
        "version": batch.version,
        "evaluated": len(result.members),
        "union_members": union_members,
        "relatives": len(result.members) - union_members,
        "summarised_over": "union_members",
        "rows_with_errors": len({e.row for e in result.errors}),
        "out": str(out),
        "rules": rules,
    }
