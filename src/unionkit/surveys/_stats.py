"""Survey figures: satisfaction on a stated basis, means, before/after changes with CIs."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from attrs import frozen

from unionkit.models.demand import Satisfaction
from unionkit.surveys._questionnaire import GRADE_SCORES

__all__ = [
    "DEFAULT_SATISFIED",
    "Change",
    "GradeCounts",
    "MeanScore",
    "SatisfactionRate",
    "compare_means",
    "compare_rates",
    "satisfaction_rate",
    "summarise",
    "wilson_interval",
]

Z95 = 1.959963984540054
"""The two-sided 95 % normal quantile."""

DEFAULT_SATISFIED: frozenset[Satisfaction] = frozenset(
    {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
)
"""Grades counted as satisfied unless the caller says otherwise; the report states them."""


@frozen
class GradeCounts:
    """
    How many answers gave each grade (scores 4 very satisfied … 1 unsatisfied).

    .. versionadded:: 0.1.0
    """

    by_score: Mapping[int, int]

    @property
    def answered(self) -> int:
        """All answers."""
        return sum(self.by_score.values())

    def count(self, grades: Collection[Satisfaction]) -> int:
        """Answers with one of *grades*."""
        return sum(self.by_score.get(GRADE_SCORES[g], 0) for g in grades)

    def mean(self) -> MeanScore:
        """The mean grade score (1 to 4) with its interval."""
        n = self.answered
        total = sum(s * c for s, c in self.by_score.items())
        squares = sum(s * s * c for s, c in self.by_score.items())
        return MeanScore.from_sums(n, float(total), float(squares))


@frozen
class SatisfactionRate:
    """
    A satisfaction rate: satisfied answers over all answers, and which grades counted.

    .. versionadded:: 0.1.0
    """

    satisfied: int
    answered: int
    grades: tuple[Satisfaction, ...]

    @property
    def rate(self) -> float | None:
        """The rate as a fraction, or ``None`` without answers."""
        return self.satisfied / self.answered if self.answered else None

    def basis(self, lang: str = "zh") -> str:
        """The basis, e.g. ``计为满意：非常满意、满意（共 1,200 份有效回答）``."""
        if lang == "zh":
            return (
                f"计为满意：{'、'.join(g.label_zh for g in self.grades)}"
                f"（有效回答 {self.answered} 份）"
            )
        return (
            f"counted as satisfied: {', '.join(g.label_en for g in self.grades)} "
            f"({self.answered} answers)"
        )


@frozen
class MeanScore:
    """
    A mean with its sample size and a 95 % confidence interval (normal approximation).

    .. versionadded:: 0.1.0
    """

    n: int
    mean: float | None
    sd: float | None

    @classmethod
    def from_sums(cls, n: int, total: float, squares: float) -> MeanScore:
        """Build from the count, the sum and the sum of squares of the values."""
        if n == 0:
            return cls(0, None, None)
        mean = total / n
        var = max(squares - n * mean * mean, 0.0) / (n - 1) if n > 1 else 0.0
        return cls(n, mean, math.sqrt(var))

    @property
    def half_width(self) -> float | None:
        """Half the 95 % interval's width, or ``None`` with fewer than 2 values."""
        if self.n < 2 or self.sd is None:
            return None
        return Z95 * self.sd / math.sqrt(self.n)


@frozen
class Change:
    """
    A before/after difference with both sample sizes and a 95 % confidence interval.

    ``beyond_noise`` is true when the interval excludes zero: the change is more
    than sampling noise at the 95 % level. Rates are in percentage points, means
    in score points.

    .. versionadded:: 0.1.0
    """

    key: str | None
    before: float | None
    after: float | None
    n_before: int
    n_after: int
    difference: float | None
    low: float | None
    high: float | None
    method: str

    @property
    def beyond_noise(self) -> bool:
        """Whether the 95 % interval of the difference excludes zero."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def summarise(
    value_counts: Mapping[tuple[str, str | None], Mapping[int, int]],
    question_id: str,
    *,
    by_department: bool = False,
) -> tuple[dict[str | None, GradeCounts], dict[str | None, MeanScore]]:
    """
    Grade counts and mean scores of one question from its answers' value counts.

    Args:
        value_counts: ``{(question_id, department): {value in hundredths: count}}``, as
            ``SurveyBook.value_counts`` reads them.
        question_id: The question.
        by_department: Key the results by department instead of ``None`` for everyone.

    Returns:
        Grade counts (scores 1 to 4; meaningful for grade questions) and mean scores,
        keyed by department or by ``None``.

    .. versionadded:: 0.1.0
    """
    merged: dict[str | None, dict[int, int]] = {}
    for (qid, dept), counts in value_counts.items():
        if qid != question_id:
            continue
        into = merged.setdefault(dept if by_department else None, {})
        for value, n in counts.items():
            into[value] = into.get(value, 0) + n
    grades = {k: GradeCounts({v // 100: n for v, n in c.items()}) for k, c in merged.items()}
    means = {
        k: MeanScore.from_sums(
            sum(c.values()),
            sum(v * n for v, n in c.items()) / 100,
            sum(v * v * n for v, n in c.items()) / 10_000,
        )
        for k, c in merged.items()
    }
    return grades, means


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """
    The Wilson score 95 % interval of a proportion (good near 0 % and 100 %).

    Raises:
        ValueError: *n* is 0 or *successes* is outside 0..*n*.
    """
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes}/{n}")
    p = successes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def satisfaction_rate(
    counts: GradeCounts, grades: Collection[Satisfaction] = DEFAULT_SATISFIED
) -> SatisfactionRate:
    """
    The share of answers with a satisfied grade; which grades count is the caller's.

    Raises:
        ValueError: *grades* is empty.

    .. versionadded:: 0.1.0
    """
    chosen = tuple(g for g in Satisfaction if g in set(grades))
    if not chosen:
        raise ValueError("name at least one satisfied grade / 至少指定一个满意等级")
    return SatisfactionRate(counts.count(chosen), counts.answered, chosen)


def _rate_change(key: str | None, before: SatisfactionRate, after: SatisfactionRate) -> Change:
    """Newcombe's hybrid score interval (his method 10) for a difference of proportions."""
    method = "Newcombe hybrid score (Wilson) 95 % CI"
    if not before.answered or not after.answered:
        return Change(
            key,
            _pct(before.rate),
            _pct(after.rate),
            before.answered,
            after.answered,
            None,
            None,
            None,
            method,
        )
    p1, p2 = before.satisfied / before.answered, after.satisfied / after.answered
    l1, u1 = wilson_interval(before.satisfied, before.answered)
    l2, u2 = wilson_interval(after.satisfied, after.answered)
    d = p2 - p1
    low = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return Change(
        key,
        p1 * 100,
        p2 * 100,
        before.answered,
        after.answered,
        d * 100,
        low * 100,
        high * 100,
        method,
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def compare_rates(
    before: Mapping[str | None, GradeCounts],
    after: Mapping[str | None, GradeCounts],
    grades: Collection[Satisfaction] = DEFAULT_SATISFIED,
) -> list[Change]:
    """
    Satisfaction before and after, per key (a department; ``None`` for everyone).

    Args:
        before: Grade counts of the earlier survey, per key.
        after: Grade counts of the later survey, per key.
        grades: The grades counted as satisfied.

    Returns:
        One change per key found in either survey, sorted with ``None`` (everyone) first.

    .. versionadded:: 0.1.0
    """
    empty = GradeCounts({})
    keys = sorted(set(before) | set(after), key=lambda k: (k is not None, k or ""))
    return [
        _rate_change(
            k,
            satisfaction_rate(before.get(k, empty), grades),
            satisfaction_rate(after.get(k, empty), grades),
        )
        for k in keys
    ]


def compare_means(
    before: Mapping[str | None, MeanScore],
    after: Mapping[str | None, MeanScore],
) -> list[Change]:
    """
    Mean scores before and after per key, with a Welch (normal approximation) 95 % CI.

    .. versionadded:: 0.1.0
    """
    method = "Welch difference of means, normal approximation, 95 % CI"
    out = []
    empty = MeanScore(0, None, None)
    for k in sorted(set(before) | set(after), key=lambda k: (k is not None, k or "")):
        b, a = before.get(k, empty), after.get(k, empty)
        if b.mean is None or a.mean is None or b.n < 2 or a.n < 2:
            out.append(
                Change(
                    k,
                    b.mean,
                    a.mean,
                    b.n,
                    a.n,
                    None if b.mean is None or a.mean is None else a.mean - b.mean,
                    None,
                    None,
                    method,
                )
            )
            continue
        d = a.mean - b.mean
        se = math.sqrt((b.sd or 0.0) ** 2 / b.n + (a.sd or 0.0) ** 2 / a.n)
        out.append(Change(k, b.mean, a.mean, b.n, a.n, d, d - Z95 * se, d + Z95 * se, method))
    return out
