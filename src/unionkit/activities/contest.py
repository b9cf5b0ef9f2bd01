"""Contest scoring: judges' scores to a final score, ranking with ties, top-N awards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from unionkit.models.base import LabelledEnum
from unionkit.models.benefit import Grant, GrantForm

__all__ = [
    "Placing",
    "ProposedGrant",
    "RankingMethod",
    "final_score",
    "propose_awards",
    "rank",
]

_SCORE_PLACES = Decimal("0.01")


class RankingMethod(LabelledEnum):
    """
    How tied entrants are ranked.

    Competition ranking ("1224") leaves a gap after a tie; dense ranking ("1223") does not.

    .. versionadded:: 0.1.0
    """

    COMPETITION = "competition", "并列占位排名（1224）", "competition ranking (1224)"
    DENSE = "dense", "并列不占位排名（1223）", "dense ranking (1223)"


@frozen
class Placing:
    """
    One entrant's place in one event.

    Args:
        event_id: The event.
        member_id: The entrant.
        score: The final score (mean of the counted judges' scores, two decimals).
        rank: The place, 1 first; tied entrants share it.
        judges: How many judges' scores counted.

    .. versionadded:: 0.1.0
    """

    event_id: str
    member_id: str
    score: Decimal
    rank: int
    judges: int


@frozen
class ProposedGrant:
    """
    An award that should become a grant: who, how much, for what.

    It is only a proposal: pass it to the grants ledger (or ``Store.add_grants`` via
    :meth:`to_grant`), whose spending checks decide whether it is paid.

    .. versionadded:: 0.1.0
    """

    grant_id: str
    benefit_id: str
    member_id: str
    amount: Decimal
    granted_on: date
    reason: str

    def to_grant(self) -> Grant:
        """The proposal as a :class:`~unionkit.models.Grant` (cash allowance)."""
        return Grant(
            grant_id=self.grant_id,
            benefit_id=self.benefit_id,
            member_id=self.member_id,
            amount=self.amount,
            granted_on=self.granted_on,
            form=GrantForm.CASH,
            reason=self.reason,
        )


def final_score(scores: Sequence[Decimal], *, drop_extremes: bool = False) -> Decimal:
    """
    The mean of the judges' scores, rounded half up to two decimals.

    Args:
        scores: One score per judge.
        drop_extremes: Leave out one highest and one lowest score first (去掉一个最高分
            和一个最低分); needs at least three scores.

    Returns:
        The final score.

    Raises:
        ValueError: No scores, or fewer than three with *drop_extremes*.

    .. versionadded:: 0.1.0
    """
    values = sorted(scores)
    if drop_extremes:
        if len(values) < 3:
            raise ValueError(
                f"dropping the highest and lowest score needs at least 3 judges, got "
                f"{len(values)} / 去掉最高最低分至少需要3名评委的评分"
            )
        values = values[1:-1]
    if not values:
        raise ValueError("no scores / 没有评分")
    return (sum(values, Decimal(0)) / len(values)).quantize(_SCORE_PLACES, ROUND_HALF_UP)


def rank(
    event_id: str,
    scores: Mapping[str, Sequence[Decimal]],
    *,
    method: RankingMethod = RankingMethod.COMPETITION,
    drop_extremes: bool = False,
) -> list[Placing]:
    """
    Rank an event's entrants by final score, highest first; equal scores tie.

    Args:
        event_id: The event.
        scores: Each entrant's judges' scores.
        method: Competition ("1224") or dense ("1223") ranking.
        drop_extremes: See :func:`final_score`.

    Returns:
        The placings, best first; tied entrants in member-id order.

    .. versionadded:: 0.1.0
    """
    finals = [
        (
            member,
            final_score(values, drop_extremes=drop_extremes),
            len(values) - (2 if drop_extremes else 0),
        )
        for member, values in scores.items()
    ]
    finals.sort(key=lambda item: (-item[1], item[0]))
    placings: list[Placing] = []
    previous: Decimal | None = None
    current = 0
    for position, (member, score, judges) in enumerate(finals, 1):
        if score != previous:
            current = position if method is RankingMethod.COMPETITION else current + 1
            previous = score
        placings.append(Placing(event_id, member, score, current, judges))
    return placings


def propose_awards(
    placings: Sequence[Placing],
    *,
    top: int,
    amount: Decimal,
    benefit_id: str,
    granted_on: date,
    activity_id: str,
) -> list[ProposedGrant]:
    """
    Awards for everyone placed within the top *top* across the given placings.

    Placings from several events are pooled by final score (the seed's "top 20 of
    260 entrants"): the pool is re-ranked with competition ranking, and an entrant
    tied with the last awarded place is awarded too, so more than *top* may be
    proposed, never fewer when enough entrants exist. An entrant placed in several
    events is awarded once, for their best score.

    Args:
        placings: The events' placings.
        top: How many places are awarded.
        amount: The allowance per award (yuan).
        benefit_id: The benefit the grants are booked under.
        granted_on: The grants' date.
        activity_id: The contest, for grant ids and reasons.

    Returns:
        The proposed grants, best first.

    Raises:
        ValueError: *top* is below 1 or *amount* is not positive.

    .. versionadded:: 0.1.0
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top} / 获奖名额至少为1")
    if amount <= 0:
        raise ValueError(f"amount must be positive, got {amount} / 奖励金额必须大于零")
    best: dict[str, Placing] = {}
    for p in placings:
        if p.member_id not in best or p.score > best[p.member_id].score:
            best[p.member_id] = p
    pooled = sorted(best.values(), key=lambda p: (-p.score, p.member_id))
    if len(pooled) > top:
        cutoff = pooled[top - 1].score
        pooled = [p for p in pooled if p.score >= cutoff]
    places = [next(i for i, q in enumerate(pooled, 1) if q.score == p.score) for p in pooled]
    return [
        ProposedGrant(
            grant_id=f"{activity_id}-award-{p.member_id}"[:64],
            benefit_id=benefit_id,
            member_id=p.member_id,
            amount=amount,
            granted_on=granted_on,
            reason=f"{activity_id} 第{place}名（{p.event_id}，{p.score}分）/ "
            f"place {place} ({p.event_id}, score {p.score})",
        )
        for place, p in zip(places, pooled, strict=True)
    ]
