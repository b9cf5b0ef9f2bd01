"""Surveys: questionnaires, platform exports read in, satisfaction and before/after changes."""

from __future__ import annotations

from unionkit.surveys._file import ParsedResponse, parse_responses, read_responses
from unionkit.surveys._questionnaire import (
    GRADE_SCORES,
    Question,
    QuestionKind,
    Questionnaire,
    grade_of,
)
from unionkit.surveys._stats import (
    DEFAULT_SATISFIED,
    Change,
    GradeCounts,
    MeanScore,
    SatisfactionRate,
    compare_means,
    compare_rates,
    satisfaction_rate,
    summarise,
    t_cdf,
    t_quantile,
    welch_df,
    wilson_interval,
)

__all__ = [
    "DEFAULT_SATISFIED",
    "GRADE_SCORES",
    "Change",
    "GradeCounts",
    "MeanScore",
    "ParsedResponse",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "SatisfactionRate",
    "compare_means",
    "compare_rates",
    "grade_of",
    "parse_responses",
    "read_responses",
    "satisfaction_rate",
    "summarise",
    "t_cdf",
    "t_quantile",
    "welch_df",
    "wilson_interval",
]
