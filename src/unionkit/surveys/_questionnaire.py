"""Questionnaires: 4-grade and numeric questions, anonymous or named."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrs import field, frozen

from unionkit.models.base import LabelledEnum
from unionkit.models.demand import Satisfaction

__all__ = ["GRADE_SCORES", "Question", "QuestionKind", "Questionnaire", "grade_of"]

GRADE_SCORES: dict[Satisfaction, int] = {
    Satisfaction.VERY_SATISFIED: 4,
    Satisfaction.SATISFIED: 3,
    Satisfaction.BASICALLY_SATISFIED: 2,
    Satisfaction.UNSATISFIED: 1,
}
"""How a 4-grade answer is stored and averaged: 4 very satisfied … 1 unsatisfied."""

_BY_SCORE = {v: k for k, v in GRADE_SCORES.items()}


def grade_of(score: int) -> Satisfaction:
    """The grade stored as *score* (1 to 4)."""
    return _BY_SCORE[score]


class QuestionKind(LabelledEnum):
    """
    How a question is answered.

    .. versionadded:: 0.1.0
    """

    GRADE = "grade", "四级满意度", "4-grade satisfaction"
    NUMERIC = "numeric", "数值评分", "numeric score"


def _ids(_: object, __: object, value: Sequence[Question]) -> None:
    if not value:
        raise ValueError("a questionnaire needs at least one question / 问卷至少需要一道题")
    seen: set[str] = set()
    for q in value:
        if q.question_id in seen:
            raise ValueError(f"question id {q.question_id!r} repeats / 题号重复")
        seen.add(q.question_id)


@frozen
class Question:
    """
    One question: a 4-grade satisfaction question, or a number within a range.

    Args:
        question_id: A short id (``q1``, ``canteen``).
        text_zh: The question in Chinese, as the platform's column header shows it.
        text_en: The question in English.
        kind: Grade or numeric.
        scale_min: A numeric answer's lowest value (grade questions: 1).
        scale_max: A numeric answer's highest value (grade questions: 4).

    .. versionadded:: 0.1.0
    """

    question_id: str
    text_zh: str
    text_en: str
    kind: QuestionKind = QuestionKind.GRADE
    scale_min: int = 1
    scale_max: int = 4

    def __attrs_post_init__(self) -> None:
        if not self.question_id or not self.question_id.strip():
            raise ValueError("question_id is empty / 题号为空")
        if self.kind is QuestionKind.GRADE and (self.scale_min, self.scale_max) != (1, 4):
            raise ValueError(
                f"question {self.question_id!r}: a grade question is scored 1 to 4 "
                f"/ 四级满意度题按1至4计分"
            )
        if self.scale_max <= self.scale_min:
            raise ValueError(
                f"question {self.question_id!r}: scale_max must exceed scale_min "
                f"/ 最高分须大于最低分"
            )


@frozen
class Questionnaire:
    """
    A survey: its questions and whether answers carry who gave them.

    An anonymous questionnaire never stores a respondent, even when the file has one.

    .. versionadded:: 0.1.0
    """

    survey_id: str
    title: str
    opens_on: date
    closes_on: date
    questions: tuple[Question, ...] = field(validator=_ids)
    anonymous: bool = True

    def __attrs_post_init__(self) -> None:
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on is before opens_on / 截止日期早于开始日期")

    def question(self, question_id: str) -> Question:
        """
        The question with this id.

        Raises:
            KeyError: No such question.
        """
        for q in self.questions:
            if q.question_id == question_id:
                return q
        raise KeyError(question_id)
