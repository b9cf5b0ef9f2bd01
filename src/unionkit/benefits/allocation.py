"""Allocation within a budget: rank the eligible by score, pay within caps, waitlist the rest."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import field, frozen

from unionkit.errors import Rejected, RuleDefinitionError
from unionkit.labels import LabelledEnum
from unionkit.models.benefit import GrantForm
from unionkit.money import parse_fen, parse_nonnegative_yuan

if TYPE_CHECKING:
    from unionkit.rules import RuleSet

__all__ = [
    "Allocation",
    "AllocationStatus",
    "BudgetScenario",
    "MemberPlace",
    "Programme",
    "ProposedGrant",
    "allocate",
]

Array = np.ndarray[Any, Any]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def _yuan(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def _show(fen: int) -> str:
    return f"{_yuan(fen):,.2f}"


def _check_id(what: str) -> Any:
    def check(instance: Any, attribute: Any, value: str) -> None:
        if not isinstance(value, str) or not _ID.match(value):
            raise Rejected(
                f"programme: {what} {value!r} must be 1-64 letters, digits, '_', '.', ':' or '-'"
                f" / 项目{what}只能由字母、数字及 _ . : - 组成"
            )

    return check


def _money(value: object) -> Decimal:
    try:
        return parse_nonnegative_yuan(value)
    except ValueError as exc:
        raise Rejected(f"programme: amount {value!r}: {exc}") from exc


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _optional_money(value: object) -> Decimal | None:
    return None if value is None else _money(value)


class AllocationStatus(LabelledEnum):
    """Where a member stands in an allocation."""

    FUNDED = "funded", "已安排", "funded"
    PARTIAL = "partial", "部分安排", "partly funded"
    WAITLISTED = "waitlisted", "候补", "waitlisted"
    NOTHING_DUE = "nothing_due", "无可发金额", "nothing due"
    NOT_ELIGIBLE = "not_eligible", "不符合条件", "not eligible"


_STATUSES = tuple(AllocationStatus)
_CODE = {s: i for i, s in enumerate(_STATUSES)}


class Fill(enum.StrEnum):
    """What happens at the edge of the budget."""

    strict = "strict"
    partial = "partial"


@frozen
class Programme:
    """
    A programme that shares a budget: hardship aid this year, autumn school aid ...

    Eligibility, score and amount are rules of the rule set the allocation runs
    (their names here); so a branch changes who qualifies and how much in its rule
    files, not in code.

    Args:
        programme_id: A short id, also the first part of each grant's idempotency key.
        benefit_id: The benefit the grants are of.
        name_zh: The programme's Chinese name.
        name_en: The programme's English name.
        budget: The money to share, in yuan.
        eligible: The yes/no rule saying who may receive (unknown counts as no).
        score: The rule ranking the eligible, highest first.
        amount: The money rule giving what each eligible member is due; or None
            to use *fixed_amount*.
        fixed_amount: The same amount for everyone, in yuan (when *amount* is None).
        cap_per_member: The most one member may receive in the period, in yuan, from
            this benefit and those in *cap_shared_with* together, counting what they
            already received (see :func:`allocate`'s *already* and *elsewhere*); None
            for no cap beyond the amount.
        cap_shared_with: Other benefits whose grants count against the same cap
            (hardship aid from two funds, say).
        period: The period the grants belong to (e.g. ``"2026"``): part of the idempotency key.
        tie_break: Rules ordering members with equal scores, in turn; a leading
            ``-`` sorts that rule descending. After them, ``member_id`` ascending.
        fill: ``"strict"``: when the next member's amount does not fit, the
            allocation stops there (no one further down is paid first); ``"partial"``:
            that member receives what is left, then it stops.
        form: The form of the grants (cash, goods ...).

    Raises:
        Rejected: An id is not a short plain id, an amount is negative or has more
            than two decimals, or neither or both of *amount* and *fixed_amount* are set.

    .. versionadded:: 0.1.0
    """

    programme_id: str = field(validator=_check_id("id"))
    benefit_id: str = field(validator=_check_id("benefit"))
    name_zh: str
    name_en: str
    budget: Decimal = field(converter=_money)
    eligible: str
    score: str
    amount: str | None = None
    fixed_amount: Decimal | None = field(default=None, converter=_optional_money)
    cap_per_member: Decimal | None = field(default=None, converter=_optional_money)
    cap_shared_with: tuple[str, ...] = field(default=(), converter=_names)
    period: str = field(default="", validator=_check_id("period"))
    tie_break: tuple[str, ...] = field(default=(), converter=_names)
    fill: Fill = field(default=Fill.strict, converter=Fill)
    form: GrantForm = field(default=GrantForm.CASH, converter=GrantForm)

    def __attrs_post_init__(self) -> None:
        if (self.amount is None) == (self.fixed_amount is None):
            raise Rejected(
                f"programme {self.programme_id!r}: give either an amount rule or a fixed "
                f"amount, not {'both' if self.amount else 'neither'} / "
                f"项目{self.programme_id}须指定金额规则或固定金额之一"
            )

    def rules_needed(self) -> list[str]:
        """The rule names this programme evaluates (eligibility, score, amount, tie-breaks)."""
        names = [self.eligible, self.score]
        if self.amount is not None:
            names.append(self.amount)
        names.extend(t.lstrip("-") for t in self.tie_break)
        return list(dict.fromkeys(names))


@frozen
class ProposedGrant:
    """
    A grant an allocation proposes: not yet checked against the ledger nor approved.

    Attributes:
        member_id: Who receives it.
        benefit_id: The benefit.
        amount: Exact yuan.
        form: The form of the grant.
        reason_zh: Why, in Chinese (programme, rank, score).
        reason_en: Why, in English.
        idempotency_key: ``programme:period:member``: proposing the same allocation
            twice must store one grant per member, not two.
        programme_id: The programme.
        rank: The member's rank among those due something.
        rule_version: The rule set's version the allocation ran.
        as_of: The evaluation date.

    .. versionadded:: 0.1.0
    """

    member_id: str
    benefit_id: str
    amount: Decimal
    form: GrantForm
    reason_zh: str
    reason_en: str
    idempotency_key: str
    programme_id: str
    rank: int
    rule_version: str
    as_of: dt.date

    def reason(self, lang: str = "zh") -> str:
        """The reason in *lang* (``"zh"`` or ``"en"``)."""
        return self.reason_zh if lang == "zh" else self.reason_en


@frozen
class MemberPlace:
    """
    One member's place in an allocation, and why.

    Attributes:
        member_id: The member.
        status: Funded, partly funded, waitlisted, nothing due, or not eligible.
        rank: Rank among the members due something (1 is first), or 0.
        ranked: How many members were ranked.
        cutoff: How many were funded: the budget ran out after this rank.
        score: The member's score (None when unknown).
        due: What the member is due after the cap, in yuan.
        granted: What the allocation gives them, in yuan.
        shortfall: For a waitlisted member, how much more budget would reach them.
        capped: True when the cap, or what they already received, cut the amount.

    .. versionadded:: 0.1.0
    """

    member_id: str
    status: AllocationStatus
    rank: int
    ranked: int
    cutoff: int
    score: float | None
    due: Decimal
    granted: Decimal
    shortfall: Decimal
    capped: bool

    def explain(self, lang: str = "zh") -> str:
        """
        Say where the member stands, e.g. "ranked 41 of 120; the budget ran out at 37".

        Args:
            lang: ``"zh"`` or ``"en"``.

        Returns:
            One line of text.
        """
        zh = lang == "zh"
        score = "未知" if self.score is None else f"{self.score:g}"
        score_en = "unknown" if self.score is None else f"{self.score:g}"
        cap = (
            (
                "（已按每人限额或已发金额扣减）"
                if zh
                else " (reduced by the per-member cap or what was already received)"
            )
            if self.capped
            else ""
        )
        status = self.status
        if status is AllocationStatus.NOT_ELIGIBLE:
            return "不符合该项目条件" if zh else "not eligible for this programme"
        if status is AllocationStatus.NOTHING_DUE:
            return (
                "符合条件，但应发金额为0（或已用完每人限额）"
                if zh
                else "eligible, but nothing is due (or the per-member cap is used up)"
            )
        head = (
            f"排名第 {self.rank} 位（共 {self.ranked} 人，评分 {score}）"
            if zh
            else f"ranked {self.rank} of {self.ranked} (score {score_en})"
        )
        if status is AllocationStatus.FUNDED:
            return head + (
                f"；预算覆盖前 {self.cutoff} 位；拟发 {self.granted:,.2f} 元{cap}"
                if zh
                else f"; the budget covers the first {self.cutoff}; "
                f"proposed {self.granted:,.2f} yuan{cap}"
            )
        if status is AllocationStatus.PARTIAL:
            return head + (
                f"；预算在第 {self.cutoff} 位用完，拟发剩余的 {self.granted:,.2f} 元"
                f"（应发 {self.due:,.2f} 元）"
                if zh
                else f"; the budget ran out at {self.cutoff}: proposed the "
                f"{self.granted:,.2f} yuan left of {self.due:,.2f} due"
            )
        return head + (
            f"；预算在第 {self.cutoff} 位用完，列入候补；再增加 {self.shortfall:,.2f} 元"
            f"预算可覆盖到该成员（应发 {self.due:,.2f} 元）"
            if zh
            else f"; the budget ran out at {self.cutoff}: waitlisted; "
            f"{self.shortfall:,.2f} yuan more budget would reach them "
            f"({self.due:,.2f} due)"
        )


@frozen
class BudgetScenario:
    """
    What a different budget would cover (see :meth:`Allocation.what_if`).

    Attributes:
        budget: The budget tried, in yuan.
        funded: How many members it pays in full.
        spent: What it pays out, in yuan.
        left: What stays unspent, in yuan.
        change: Members covered compared with the allocation's own budget (+ more, - fewer).

    .. versionadded:: 0.1.0
    """

    budget: Decimal
    funded: int
    spent: Decimal
    left: Decimal
    change: int


@frozen(eq=False)
class Allocation:
    """
    The outcome of :func:`allocate`: everyone's place, vectorised, and the proposed grants.

    The arrays are in roster order; money is ``int64`` fen.

    Attributes:
        programme: The programme allocated.
        as_of: The evaluation date.
        rule_version: The rule set's version.
        member_ids: Member ids.
        status: Status codes (index into :class:`AllocationStatus`, in declaration order).
        rank: Rank among the members due something (1 is first), 0 for the others.
        score: Scores as float (NaN when unknown).
        due_fen: What each is due after the cap.
        granted_fen: What each is given.
        capped: Where the cap cut the amount.
        order: Row indexes of the ranked members, best first.
        cumulative_fen: The running total of ``due_fen`` in rank order.

    .. versionadded:: 0.1.0
    """

    programme: Programme
    as_of: dt.date
    rule_version: str
    member_ids: Array
    status: Array
    rank: Array
    score: Array
    due_fen: Array
    granted_fen: Array
    capped: Array
    order: Array
    cumulative_fen: Array

    @property
    def ranked(self) -> int:
        """How many members were due something and so ranked."""
        return len(self.order)

    @property
    def funded(self) -> int:
        """How many members receive something (in full or, at the edge, in part)."""
        return int(np.count_nonzero(self.granted_fen))

    @property
    def cutoff(self) -> int:
        """The rank after which the budget ran out (equals :attr:`ranked` when all fit)."""
        return self.funded

    @property
    def spent(self) -> Decimal:
        """The total proposed, in yuan."""
        return _yuan(int(self.granted_fen.sum()))

    @property
    def left(self) -> Decimal:
        """The budget not used, in yuan."""
        return self.programme.budget - self.spent

    @property
    def needed(self) -> Decimal:
        """The budget that would pay every ranked member in full, in yuan."""
        return _yuan(int(self.cumulative_fen[-1]) if self.ranked else 0)

    def counts(self) -> dict[AllocationStatus, int]:
        """How many members have each status."""
        found = np.bincount(self.status, minlength=len(_STATUSES))
        return {s: int(found[i]) for i, s in enumerate(_STATUSES)}

    def place(self, member_id: str) -> MemberPlace:
        """
        One member's place and its explanation.

        Raises:
            NotFound: The member is not in the roster allocated.
        """
        from unionkit.errors import NotFound

        hits = np.flatnonzero(self.member_ids == member_id)
        if not len(hits):
            raise NotFound(
                f"member {member_id!r} is not in the roster of programme "
                f"{self.programme.programme_id!r} / 该项目名册中没有此成员"
            )
        return self._place_at(int(hits[0]), self.cutoff)

    def ranked_places(self) -> list[MemberPlace]:
        """The places of every ranked member (funded, then waitlisted), in rank order."""
        cutoff = self.cutoff
        return [self._place_at(int(i), cutoff) for i in self.order]

    def _place_at(self, i: int, cutoff: int) -> MemberPlace:
        rank = int(self.rank[i])
        shortfall = 0
        if rank and self.granted_fen[i] < self.due_fen[i]:
            shortfall = max(
                0, int(self.cumulative_fen[rank - 1]) - parse_fen(self.programme.budget)
            )
        score = float(self.score[i])
        return MemberPlace(
            member_id=str(self.member_ids[i]),
            status=_STATUSES[int(self.status[i])],
            rank=rank,
            ranked=self.ranked,
            cutoff=cutoff,
            score=None if np.isnan(score) else score,
            due=_yuan(int(self.due_fen[i])),
            granted=_yuan(int(self.granted_fen[i])),
            shortfall=_yuan(shortfall),
            capped=bool(self.capped[i]),
        )

    def waitlist(self) -> list[str]:
        """The waitlisted members in rank order (the first would be paid first)."""
        waiting = _CODE[AllocationStatus.WAITLISTED]
        return [str(self.member_ids[i]) for i in self.order if self.status[i] == waiting]

    def what_if(self, budgets: Sequence[object]) -> list[BudgetScenario]:
        """
        How many members other budgets would cover, under the same rules and order.

        Each figure is a search in the running total, so trying many budgets is cheap.

        Args:
            budgets: Budgets in yuan (Decimal, int or text such as ``"80,000"``).

        Returns:
            One scenario per budget, in the order given.

        Raises:
            Rejected: A budget is negative or not an amount of money.
        """
        base = self.funded
        out = []
        for value in budgets:
            budget = _money(value)
            fen = parse_fen(budget)
            funded, spent = _fit(self.cumulative_fen, fen, self.programme.fill)
            out.append(
                BudgetScenario(
                    budget=budget,
                    funded=funded,
                    spent=_yuan(spent),
                    left=_yuan(fen - spent),
                    change=funded - base,
                )
            )
        return out

    def proposed_grants(self) -> list[ProposedGrant]:
        """The grants to propose, in rank order, one per member given something."""
        p = self.programme
        out = []
        for i in self.order:
            fen = int(self.granted_fen[i])
            if not fen:
                break
            member_id = str(self.member_ids[i])
            rank = int(self.rank[i])
            score = float(self.score[i])
            shown = "?" if np.isnan(score) else f"{score:g}"
            out.append(
                ProposedGrant(
                    member_id=member_id,
                    benefit_id=p.benefit_id,
                    amount=_yuan(fen),
                    form=p.form,
                    reason_zh=f"{p.name_zh}：第 {rank}/{self.ranked} 位，评分 {shown}",
                    reason_en=f"{p.name_en}: ranked {rank} of {self.ranked}, score {shown}",
                    idempotency_key=f"{p.programme_id}:{p.period}:{member_id}",
                    programme_id=p.programme_id,
                    rank=rank,
                    rule_version=self.rule_version,
                    as_of=self.as_of,
                )
            )
        return out


def _fit(cumulative: Array, budget_fen: int, fill: Fill) -> tuple[int, int]:
    """How many of the ranked fit *budget_fen* (counting a partial last one), and what is paid."""
    full = int(np.searchsorted(cumulative, budget_fen, side="right"))
    spent = int(cumulative[full - 1]) if full else 0
    if fill is Fill.partial and full < len(cumulative) and budget_fen > spent:
        return full + 1, budget_fen
    return full, spent


def _values(column: Any) -> tuple[Array, Array]:
    data = np.ma.getdata(column)
    return np.asarray(data), np.ma.getmaskarray(column)


def _as_columns(roster: Any) -> Mapping[str, Any]:
    if isinstance(roster, Mapping):
        return roster
    columns = getattr(roster, "columns", None)
    if columns is None:
        raise Rejected(
            "allocate: the roster must be a mapping of columns or a data frame / "
            "名册须为列字典或数据框"
        )
    return {str(c): roster[c].to_numpy() for c in columns}


def _already_fen(already: Mapping[str, object] | Array | None, ids: Array) -> Array:
    if already is None:
        return np.zeros(len(ids), dtype=np.int64)
    if isinstance(already, np.ndarray):
        if already.shape != ids.shape:
            raise Rejected(
                f"allocate: 'already' has {len(already)} values for {len(ids)} "
                f"members / 已发金额个数与名册人数不符"
            )
        return already.astype(np.int64)
    out = np.zeros(len(ids), dtype=np.int64)
    if already:
        position = {m: i for i, m in enumerate(ids.tolist())}
        for member_id, amount in already.items():
            i = position.get(member_id)
            if i is not None:
                try:
                    out[i] = parse_fen(amount)
                except ValueError as exc:
                    raise Rejected(
                        f"allocate: amount already received by member {member_id!r}: {exc}"
                    ) from exc
    return out


def _check_rules(ruleset: RuleSet, programme: Programme) -> None:
    from unionkit.rules import ValueType

    numeric = {ValueType.int, ValueType.number, ValueType.money}
    wanted: list[tuple[str, set[ValueType] | None]] = [
        (programme.eligible, {ValueType.bool}),
        (programme.score, numeric),
    ]
    if programme.amount is not None:
        wanted.append((programme.amount, {ValueType.money}))
    wanted.extend((t.lstrip("-"), numeric) for t in programme.tie_break)
    for name, kinds in wanted:
        rule = ruleset.rules.get(name)
        if rule is None:
            raise RuleDefinitionError(
                f"programme {programme.programme_id!r}: unknown rule {name!r} / "
                f"项目{programme.programme_id}引用了未知规则 {name}"
            )
        if kinds is not None and rule.value_type not in kinds:
            need = "/".join(sorted(k.value for k in kinds))
            raise RuleDefinitionError(
                f"programme {programme.programme_id!r}: rule {name!r} gives "
                f"{rule.value_type.value}, but {need} is needed here / "
                f"项目{programme.programme_id}的规则 {name} 类型不符"
            )


def allocate(
    ruleset: RuleSet,
    roster: Any,
    programme: Programme,
    as_of: dt.date,
    *,
    already: Mapping[str, object] | Array | None = None,
    elsewhere: Mapping[str, object] | Array | None = None,
) -> Allocation:
    """
    Share *programme*'s budget over *roster*: rank the eligible by score, pay within caps.

    The rules run once over the whole roster (vectorised); ranking, caps and the
    budget are array operations. Ranking: score, highest first; then the
    programme's ``tie_break`` rules in turn; then ``member_id`` ascending, so the
    order never depends on the roster's row order. An unknown score ranks after
    every known score. Each member is due the amount rule's value (or the fixed
    amount) less what they *already* received of the benefit in the period (so a
    later round pays only what is still owed), and at most what the cap leaves after
    that and what they received *elsewhere* (the benefits sharing the cap); members
    due nothing are not ranked. The ranked are paid in order while the budget lasts (see
    :class:`Programme`'s ``fill``); the rest are waitlisted, in rank order.

    Args:
        ruleset: The rule set holding the programme's rules.
        roster: Columns as ``unionkit.io.members_to_columns`` gives them (money in
            fen), or a pandas/polars frame; a ``member_id`` column is required.
        programme: The programme.
        as_of: The evaluation date.
        already: What each member already received of this benefit in the period
            (e.g. :func:`unionkit.store.received`): ``{member_id: yuan}``, or an ``int64``
            fen array in roster order.
        elsewhere: What each member received in the period of the benefits in the
            programme's ``cap_shared_with``, in the same forms; it counts against the
            cap only.

    Returns:
        The allocation: places, explanations, what-ifs and proposed grants.

    Raises:
        RuleDefinitionError: A programme rule is unknown or of the wrong type.
        RuleEvaluationError: The roster lacks a column the rules need.
        Rejected: The roster has no ``member_id`` column, or repeats the id of a
            member who is due something.

    .. versionadded:: 0.1.0
    """
    _check_rules(ruleset, programme)
    columns = _as_columns(roster)
    if "member_id" not in columns:
        raise Rejected("allocate: the roster has no member_id column / 名册缺少工号列")
    ids = np.asarray(columns["member_id"], dtype=object)
    n = len(ids)
    result = ruleset.evaluate(columns, as_of=as_of, rules=programme.rules_needed())
    frame = result.frame
    eligible, unknown = _values(frame[programme.eligible])
    eligible = eligible.astype(bool) & ~unknown
    score, score_missing = _values(frame[programme.score])
    score = score.astype(np.float64)
    score[score_missing] = np.nan
    if programme.amount is not None:
        amount, amount_missing = _values(frame[programme.amount])
        amount = np.where(amount_missing, 0, amount).astype(np.int64)
    else:
        amount = np.full(n, parse_fen(programme.fixed_amount), dtype=np.int64)
    amount = np.where(eligible, np.maximum(amount, 0), 0)
    own = _already_fen(already, ids)
    # What this benefit already paid counts against the entitlement and the cap alike;
    # what the benefits sharing the cap paid counts against the cap only.
    due = np.maximum(amount - own, 0)
    if programme.cap_per_member is not None:
        room = parse_fen(programme.cap_per_member) - own - _already_fen(elsewhere, ids)
        due = np.minimum(due, np.maximum(room, 0))
    capped = due < amount
    candidates = np.flatnonzero(due > 0)
    # Only those due something could be paid twice; checking them alone keeps a large
    # roster fast (read_roster already reports every repeated id).
    listed = ids[candidates].tolist()
    if len(set(listed)) != len(listed):
        twice = next(m for m, k in Counter(listed).items() if k > 1)
        raise Rejected(
            f"allocate: member {twice!r} appears more than once in the roster / "
            f"名册中该成员重复出现"
        )
    # np.lexsort sorts by its last key first: member_id, then tie-breaks, then score.
    keys: list[Array] = [ids[candidates].astype(str)]
    for spec in reversed(programme.tie_break):
        values, missing = _values(frame[spec.lstrip("-")])
        values = values[candidates].astype(np.float64)
        values = -values if spec.startswith("-") else values
        keys.append(np.where(missing[candidates], np.inf, values))
    keys.append(np.where(np.isnan(score[candidates]), np.inf, -score[candidates]))
    order = candidates[np.lexsort(keys)]
    cumulative = np.cumsum(due[order], dtype=np.int64)
    budget = parse_fen(programme.budget)
    funded, spent = _fit(cumulative, budget, programme.fill)
    granted = np.zeros(n, dtype=np.int64)
    granted[order[:funded]] = due[order[:funded]]
    if funded and spent < int(cumulative[funded - 1]):
        granted[order[funded - 1]] -= int(cumulative[funded - 1]) - spent
    status = np.full(n, _CODE[AllocationStatus.NOT_ELIGIBLE], dtype=np.int8)
    status[eligible] = _CODE[AllocationStatus.NOTHING_DUE]
    status[order] = _CODE[AllocationStatus.WAITLISTED]
    status[order[:funded]] = _CODE[AllocationStatus.FUNDED]
    partial = order[:funded][granted[order[:funded]] < due[order[:funded]]]
    status[partial] = _CODE[AllocationStatus.PARTIAL]
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return Allocation(
        programme=programme,
        as_of=as_of,
        rule_version=result.version,
        member_ids=ids,
        status=status,
        rank=rank,
        score=score,
        due_fen=due.astype(np.int64),
        granted_fen=granted,
        capped=capped & eligible,
        order=order,
        cumulative_fen=cumulative,
    )
