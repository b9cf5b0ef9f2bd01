"""Survey intervals against textbook values: Wilson, Newcombe's hybrid score, Welch's t."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionkit.models.demand import Satisfaction
from unionkit.surveys import (
    GradeCounts,
    MeanScore,
    SatisfactionRate,
    compare_means,
    compare_rates,
    satisfaction_rate,
    t_cdf,
    t_quantile,
    welch_df,
    wilson_interval,
)

VERY = (Satisfaction.VERY_SATISFIED,)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
        # table I, method 3 (Wilson score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_single_proportion_table(
    successes: int, n: int, low: float, high: float
) -> None:
    assert (low, high) == tuple(round(x, 4) for x in wilson_interval(successes, n))


def test_a_satisfaction_rate_carries_its_wilson_interval() -> None:
    rate = satisfaction_rate(GradeCounts({4: 81, 1: 182}), VERY)
    assert rate.interval is not None
    assert (0.2553, 0.3662) == tuple(round(x, 4) for x in rate.interval)
    assert SatisfactionRate(0, 0, VERY).interval is None


@pytest.mark.parametrize(
    ("a", "m", "b", "n", "low", "high"),
    [
        # Newcombe (1998), "Interval estimation for the difference between independent
        # proportions", Statistics in Medicine 17:873-890, table II, method 10
        # (hybrid score): p1 = a/m, p2 = b/n, interval of p1 - p2.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_hybrid_score_matches_his_worked_examples(  # noqa: PLR0917
    a: int, m: int, b: int, n: int, low: float, high: float
) -> None:
    # The report's change is after - before: "after" is Newcombe's first sample.
    change = compare_rates(
        {None: GradeCounts({4: b, 1: n - b})}, {None: GradeCounts({4: a, 1: m - a})}, VERY
    )[0]
    assert (change.n_before, change.n_after) == (n, m)
    assert change.low is not None and change.high is not None
    assert (low, high) == (round(change.low / 100, 4), round(change.high / 100, 4))
    assert change.beyond_noise is (low > 0 or high < 0)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        # Two-sided 95 % and 90 % critical values from any t table.
        (0.975, 1, 12.7062),
        (0.975, 2, 4.3027),
        (0.975, 5, 2.5706),
        (0.975, 10, 2.2281),
        (0.975, 30, 2.0423),
        (0.975, 120, 1.9799),
        (0.95, 10, 1.8125),
        (0.995, 4, 4.6041),
    ],
)
def test_t_quantile_matches_the_table(p: float, df: float, expected: float) -> None:
    assert expected == round(t_quantile(p, df), 4)
    assert -expected == round(t_quantile(1 - p, df), 4)


@given(st.floats(min_value=0.001, max_value=0.999))
def test_t_quantile_agrees_with_the_closed_forms_for_one_and_two_df(p: float) -> None:
    # df = 1 is the Cauchy distribution; df = 2 has a closed-form quantile too.
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9, abs=1e-9)
    closed = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert t_quantile(p, 2) == pytest.approx(closed, rel=1e-9, abs=1e-9)


@given(st.floats(min_value=0.5, max_value=500), st.floats(min_value=-50, max_value=50))
def test_t_cdf_inverts_the_quantile_at_fractional_df(df: float, t: float) -> None:
    p = t_cdf(t, df)
    if 1e-9 < p < 1 - 1e-9:
        assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


def test_welch_interval_uses_satterthwaite_df_and_the_t_quantile() -> None:
    # Before: n 10, mean 5, sd 2; after: n 20, mean 7, sd 3.
    before: dict[str | None, MeanScore] = {None: MeanScore(10, 5.0, 2.0)}
    after: dict[str | None, MeanScore] = {None: MeanScore(20, 7.0, 3.0)}
    # se² = 4/10 + 9/20 = 0.85; df = 0.85² / (0.4²/9 + 0.45²/19) = 25.41 (by hand).
    df = welch_df(4.0, 10, 9.0, 20)
    assert df == pytest.approx(25.408, abs=1e-3)
    change = compare_means(before, after)[0]
    # t(0.975, 25.41) lies between the table's 2.0595 (25 df) and 2.0555 (26 df).
    half = (change.high or 0) - 2.0
    assert 2.0555 * math.sqrt(0.85) < half < 2.0595 * math.sqrt(0.85)
    assert change.low == pytest.approx(2.0 - half)
    assert change.beyond_noise
    assert "Welch t" in change.method


def test_a_small_department_is_not_called_a_change_the_normal_curve_would_call() -> None:
    # n = 4 each: z would give ±1.96·se and exclude zero; t with ~6 df does not.
    before: dict[str | None, MeanScore] = {"药剂科": MeanScore(4, 70.0, 5.0)}
    after: dict[str | None, MeanScore] = {"药剂科": MeanScore(4, 77.5, 5.0)}
    change = compare_means(before, after)[0]
    se = math.sqrt(25 / 4 + 25 / 4)
    assert 7.5 - 1.96 * se > 0  # the normal approximation would call it a change
    assert change.low is not None and change.low < 0 < (change.high or 0)
    assert not change.beyond_noise
