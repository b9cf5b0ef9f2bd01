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
    "t_cdf",
    "t_quantile",
    "welch_df",
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

    @property
    def interval(self) -> tuple[float, float] | None:
        """
        The Wilson score 95 % interval of the rate (as fractions), or ``None`` without answers.

        .. versionadded:: 0.2.0
        """
        return wilson_interval(self.satisfied, self.answered) if self.answered else None

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
    A mean with its sample size and a 95 % confidence interval (Student's t, n - 1 df).

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
        return t_quantile(0.975, self.n - 1) * self.sd / math.sqrt(self.n)


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


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _betainc(a: float, b: float, x: float, y: float) -> float:
    """
    The regularised incomplete beta function I_x(a, b), given x and y = 1 - x.

    Taking y computed by the caller keeps precision when x is within rounding of 1.
    """
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    # The continued fraction converges fast on this side of the mean; use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def t_cdf(t: float, df: float) -> float:
    """
    Student's t distribution function with *df* (not necessarily whole) degrees of freedom.

    Raises:
        ValueError: *df* is not positive.

    .. versionadded:: 0.2.0
    """
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t), t * t / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """
    The *p* quantile of Student's t distribution with *df* degrees of freedom.

    Computed in the standard library (no SciPy): the distribution function through the
    regularised incomplete beta function, inverted by bisection to 1e-12. Fractional
    *df* (Welch–Satterthwaite) is allowed.

    Raises:
        ValueError: *p* is not strictly between 0 and 1, or *df* is not positive.

    .. versionadded:: 0.2.0
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
    while high - low > 1e-12 * max(1.0, high):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2.0


def welch_df(var1: float, n1: int, var2: float, n2: int) -> float | None:
    """
    The Welch–Satterthwaite degrees of freedom of a difference of two means.

    Returns:
        The degrees of freedom, or ``None`` when both variances are zero.

    .. versionadded:: 0.2.0
    """
    a, b = var1 / n1, var2 / n2
    denominator = a * a / (n1 - 1) + b * b / (n2 - 1)
    return None if denominator == 0 else (a + b) ** 2 / denominator


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
    Mean scores before and after per key, with Welch's t 95 % interval of the difference.

    The interval is ``d ± t(0.975, ν) · se`` with ``se² = s₁²/n₁ + s₂²/n₂`` and ν the
    Welch–Satterthwaite degrees of freedom (not the normal approximation, which is too
    narrow for the small departments of a hospital). Both samples need two answers or more.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Student's t with Welch–Satterthwaite df, not the normal quantile.
    """
    method = "Welch t 95 % CI (Welch–Satterthwaite df)"
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
        vb, va = (b.sd or 0.0) ** 2, (a.sd or 0.0) ** 2
        df = welch_df(vb, b.n, va, a.n)
        half = 0.0 if df is None else t_quantile(0.975, df) * math.sqrt(vb / b.n + va / a.n)
        out.append(Change(k, b.mean, a.mean, b.n, a.n, d, d - half, d + half, method))
    return out
