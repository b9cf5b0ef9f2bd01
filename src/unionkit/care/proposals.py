"""Care proposals: who, this month, is due a visit or a payment under the branch's triggers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import frozen

from unionkit.hooks.results import CareAction, CareTrigger
from unionkit.models import BenefitKind
from unionkit.money import fen_to_yuan

if TYPE_CHECKING:
    from unionkit.rules import RuleSet

__all__ = ["BIRTHDAY_FIELD", "CareProposal", "birthday_this_month", "propose_care"]

BIRTHDAY_FIELD = "birthday_this_month"
"""
The standard rule (``rules/library/benefits.yaml``): the birthday falls in the month of the date.

A rule set that declares an input column of this name instead gets it derived
from ``birth_date`` by :func:`propose_care`, with the same rule.
"""


@frozen
class CareProposal:
    """
    One proposed visit or payment: which member, which trigger, what, how much.

    .. versionadded:: 0.1.0
    """

    member_id: str
    trigger: str
    label_zh: str
    label_en: str
    action: CareAction
    benefit_kind: BenefitKind
    amount: Decimal | None
    must_visit: bool

    def label(self, lang: str = "zh") -> str:
        """The trigger's label in *lang*."""
        return self.label_zh if lang == "zh" else self.label_en


def birthday_this_month(birth_dates: Sequence[date | None] | np.ndarray, as_of: date) -> np.ndarray:
    """
    Return, for each birth date, whether the birthday falls in *as_of*'s month.

    This evaluates the standard rule ``birthday_this_month``
    (``month(birth_date) == month(as_of())``), so that care proposals and rule
    sets share one definition. A 29 February birthday falls in February every
    year. Missing dates give ``False``.
    """
    from unionkit.rulefiles import standard_ruleset

    values = np.asarray(birth_dates)
    if values.dtype.kind != "M":
        values = np.array(
            [np.datetime64("NaT") if d is None else d for d in values.tolist()],
            dtype="datetime64[D]",
        ).reshape(len(values))
    frame = standard_ruleset().evaluate({"birth_date": values}, as_of, [BIRTHDAY_FIELD]).frame
    return np.asarray(frame[BIRTHDAY_FIELD], dtype=bool)


def propose_care(
    ruleset: RuleSet,
    triggers: Mapping[str, CareTrigger],
    data: Mapping[str, Any],
    as_of: date,
) -> list[CareProposal]:
    """
    Evaluate every care trigger over a roster and list the resulting proposals.

    The triggers are evaluated as rules of *ruleset* in one batch (no call per
    member). ``birthday_this_month`` is a rule of the standard library; if a
    rule set declares it as an input column instead and *data* lacks it, it is
    derived from ``birth_date`` and *as_of* with that same rule.

    Args:
        ruleset: A rule set built with the triggers (``unionkit.branches.branch_ruleset``).
        triggers: The branch's triggers by key (``assemble_branch(...).care_triggers``).
        data: Columns: ``member_id`` plus whatever the triggers read, as numpy arrays or lists.
        as_of: The evaluation date (the month being looked at).

    Returns:
        Proposals ordered by trigger key, then roster order.

    .. versionadded:: 0.1.0
    """
    columns: dict[str, Any] = {k: np.asarray(v) for k, v in data.items()}
    if (
        BIRTHDAY_FIELD not in columns
        and BIRTHDAY_FIELD not in ruleset.rules
        and BIRTHDAY_FIELD in ruleset.fields
        and "birth_date" in columns
    ):
        columns[BIRTHDAY_FIELD] = birthday_this_month(columns["birth_date"], as_of)
    wanted = [
        name
        for t in triggers.values()
        for name in (t.rule_name, t.amount_rule_name)
        if name is not None
    ]
    if not wanted:
        return []
    frame = ruleset.evaluate(columns, as_of=as_of, rules=wanted).frame
    ids = [str(x) for x in columns["member_id"].tolist()]
    out: list[CareProposal] = []
    for key in sorted(triggers):
        trigger = triggers[key]
        fired = np.asarray(frame[trigger.rule_name])
        amounts = (
            np.asarray(frame[trigger.amount_rule_name])
            if trigger.amount_rule_name is not None
            else None
        )
        for i in np.flatnonzero(fired.astype(bool)):
            amount = None
            if amounts is not None:
                amount = fen_to_yuan(int(amounts[i]))
            out.append(
                CareProposal(
                    member_id=ids[i],
                    trigger=key,
                    label_zh=trigger.label_zh,
                    label_en=trigger.label_en,
                    action=trigger.action,
                    benefit_kind=trigger.benefit_kind,
                    amount=amount,
                    must_visit=trigger.must_visit,
                )
            )
    return out
