"""Surveys (满意度调查/问卷) and members' responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import model_validator

from unionkit.models.base import LabelledEnum, UnionModel, labelled

__all__ = ["Question", "QuestionKind", "Survey", "SurveyResponse"]


class QuestionKind(LabelledEnum):
    """How a question is answered."""

    RATING = "rating", "评分", "rating"
    CHOICE = "choice", "单选", "single choice"
    TEXT = "text", "文字", "free text"


class Question(UnionModel):
    """
    One question of a survey. A rating question is scored ``scale_min``..``scale_max``.

    .. versionadded:: 0.1.0
    """

    question_id: str = labelled("题号", "question id", min_length=1)
    text_zh: str = labelled("题目（中文）", "question (Chinese)", min_length=1)
    text_en: str = labelled("题目（英文）", "question (English)", min_length=1)
    kind: QuestionKind = labelled("题型", "kind", default=QuestionKind.RATING)
    choices: tuple[str, ...] = labelled("选项", "choices", default=())
    scale_min: int = labelled("最低分", "lowest score", default=1)
    scale_max: int = labelled("最高分", "highest score", default=5)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.kind is QuestionKind.CHOICE and len(self.choices) < 2:
            raise ValueError("a choice question needs two or more choices / 单选题至少两个选项")
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must exceed scale_min / 最高分须大于最低分")
        return self


class Survey(UnionModel):
    """
    A questionnaire sent to members over a period.

    .. versionadded:: 0.1.0
    """

    survey_id: str = labelled("问卷编号", "survey id", min_length=1)
    title: str = labelled("标题", "title", min_length=1, max_length=200)
    opens_on: date = labelled("开始日期", "opens on")
    closes_on: date = labelled("截止日期", "closes on")
    questions: tuple[Question, ...] = labelled("题目", "questions", min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on is before opens_on / 截止日期早于开始日期")
        ids = [q.question_id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids repeat / 题号重复")
        return self


class SurveyResponse(UnionModel):
    """
    One member's answers to a survey, keyed by question id.

    Use :meth:`check_against` to validate the answers against the survey.

    .. versionadded:: 0.1.0
    """

    survey_id: str = labelled("问卷编号", "survey id", min_length=1)
    member_id: str = labelled("人员编号", "member id", min_length=1)
    submitted_at: datetime = labelled("提交时间", "submitted at")
    answers: dict[str, int | str] = labelled("答案", "answers")

    def check_against(self, survey: Survey) -> None:
        """
        Raise ``ValueError`` if an answer names an unknown question or is out of range.

        Args:
            survey: The survey this response answers.
        """
        if survey.survey_id != self.survey_id:
            raise ValueError("response belongs to another survey / 答卷与问卷不匹配")
        by_id = {q.question_id: q for q in survey.questions}
        for qid, answer in self.answers.items():
            question = by_id.get(qid)
            if question is None:
                raise ValueError(f"unknown question {qid!r} / 未知题号 {qid!r}")
            if question.kind is QuestionKind.RATING:
                if not isinstance(answer, int) or not (
                    question.scale_min <= answer <= question.scale_max
                ):
                    raise ValueError(
                        f"question {qid!r}: rating must be {question.scale_min}"
                        f"–{question.scale_max} / 评分超出范围"
                    )
            elif question.kind is QuestionKind.CHOICE and answer not in question.choices:
                raise ValueError(f"question {qid!r}: not one of the choices / 不是可选项")
