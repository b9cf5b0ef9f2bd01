"""Surveys in the store: questionnaires, imported responses, and the counts figures need."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, insert, select

from unionkit.errors import InvalidSurveyData, NotFound
from unionkit.store._activity_schema import (
    survey_answers,
    survey_questions,
    survey_responses,
    surveys,
)
from unionkit.store._store import Store
from unionkit.surveys import (
    GradeCounts,
    MeanScore,
    ParsedResponse,
    Question,
    QuestionKind,
    Questionnaire,
    read_responses,
    summarise,
)

__all__ = ["SurveyBook"]


class SurveyBook:
    """
    Surveys of one store: questionnaires, responses, and per-department counts.

    ``SurveyBook(open_store("union.db"))``. Every write is one transaction.

    Args:
        store: An open :class:`~unionkit.store.Store`.

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_survey(self, survey: Questionnaire) -> None:
        """
        Store a questionnaire.

        Raises:
            InvalidSurveyData: The survey id is taken; nothing is stored.
        """
        with self.store._write() as conn:
            if conn.execute(
                select(surveys.c.survey_id).where(surveys.c.survey_id == survey.survey_id)
            ).first():
                raise InvalidSurveyData(
                    survey.survey_id, ["survey_id: already stored / 问卷编号已存在"]
                )
            conn.execute(
                insert(surveys).values(
                    survey_id=survey.survey_id,
                    title=survey.title,
                    opens_on=survey.opens_on,
                    closes_on=survey.closes_on,
                    anonymous=survey.anonymous,
                )
            )
            conn.execute(
                insert(survey_questions),
                [
                    {
                        "survey_id": survey.survey_id,
                        "question_id": q.question_id,
                        "position": i,
                        "kind": q.kind.value,
                        "text_zh": q.text_zh,
                        "text_en": q.text_en,
                        "scale_min": q.scale_min,
                        "scale_max": q.scale_max,
                    }
                    for i, q in enumerate(survey.questions, 1)
                ],
            )

    def get_survey(self, survey_id: str) -> Questionnaire:
        """
        Return a stored questionnaire.

        Raises:
            NotFound: No such survey.
        """
        with self.store._read() as conn:
            row = conn.execute(select(surveys).where(surveys.c.survey_id == survey_id)).first()
            if row is None:
                raise NotFound(f"survey {survey_id!r} not found / 找不到该问卷")
            questions = conn.execute(
                select(survey_questions)
                .where(survey_questions.c.survey_id == survey_id)
                .order_by(survey_questions.c.position)
            ).all()
        return Questionnaire(
            row.survey_id,
            row.title,
            row.opens_on,
            row.closes_on,
            tuple(
                Question(
                    q.question_id,
                    q.text_zh,
                    q.text_en,
                    QuestionKind(q.kind),
                    q.scale_min,
                    q.scale_max,
                )
                for q in questions
            ),
            anonymous=row.anonymous,
        )

    def list_surveys(self, start: date, end: date) -> list[Questionnaire]:
        """The surveys closing from *start* to *end* (both included), by closing date."""
        with self.store._read() as conn:
            ids = list(
                conn.execute(
                    select(surveys.c.survey_id)
                    .where(surveys.c.closes_on >= start, surveys.c.closes_on <= end)
                    .order_by(surveys.c.closes_on, surveys.c.survey_id)
                ).scalars()
            )
        return [self.get_survey(i) for i in ids]

    def import_file(
        self,
        survey_id: str,
        path: str | os.PathLike[str],
        *,
        sheet: int | str = 0,
    ) -> int:
        """
        Read a platform export (CSV or Excel) and store all its responses, or none.

        Raises:
            NotFound: No such survey.
            InvalidSurveyData: An unknown column or a cell outside the scale (every
                problem listed with its row and column); nothing is stored.
        """
        survey = self.get_survey(survey_id)
        return self.add_responses(survey_id, read_responses(survey, path, sheet=sheet))

    def add_responses(self, survey_id: str, responses: Sequence[ParsedResponse]) -> int:
        """
        Store parsed responses in one transaction; return how many.

        An anonymous survey stores no respondent, whatever the responses carry.

        Raises:
            NotFound: No such survey.
        """
        survey = self.get_survey(survey_id)
        if not responses:
            return 0
        rows = [
            {
                "survey_id": survey_id,
                "respondent": None if survey.anonymous else r.respondent,
                "department": r.department,
                "submitted_at": r.submitted_at,
            }
            for r in responses
        ]
        with self.store._write() as conn:
            ids = (
                conn.execute(
                    insert(survey_responses).returning(
                        survey_responses.c.response_id, sort_by_parameter_order=True
                    ),
                    rows,
                )
                .scalars()
                .all()
            )
            answers = [
                {"response_id": rid, "question_id": q, "value_centi": v}
                for rid, r in zip(ids, responses, strict=True)
                for q, v in r.answers.items()
            ]
            if answers:
                conn.execute(insert(survey_answers), answers)
        return len(rows)

    def value_counts(self, survey_id: str) -> dict[tuple[str, str | None], dict[int, int]]:
        """
        Every answer value's count per question and department, in one query.

        Returns:
            ``{(question_id, department): {value_centi: count}}``; the figures of
            :meth:`grade_counts` and :meth:`mean_scores` follow from it
            (see :func:`unionkit.surveys.summarise`).
        """
        r, a = survey_responses.c, survey_answers.c
        query = (
            select(a.question_id, r.department, a.value_centi, func.count())
            .select_from(survey_answers.join(survey_responses, r.response_id == a.response_id))
            .where(r.survey_id == survey_id)
            .group_by(a.question_id, r.department, a.value_centi)
        )
        out: dict[tuple[str, str | None], dict[int, int]] = defaultdict(dict)
        with self.store._read() as conn:
            for qid, dept, value, n in conn.execute(query):
                out[(qid, dept)][int(value)] = int(n)
        return dict(out)

    def response_count(self, survey_id: str) -> int:
        """How many responses a survey has."""
        with self.store._read() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(survey_responses.c.survey_id == survey_id)
                ).scalar_one()
            )

    def grade_counts(
        self,
        survey_id: str,
        question_id: str,
        *,
        by_department: bool = False,
    ) -> dict[str | None, GradeCounts]:
        """
        How many answers gave each grade, for everyone (key ``None``) or per department.

        Raises:
            NotFound: No such survey.
            InvalidSurveyData: The question is not a grade question of the survey.
        """
        self._question(survey_id, question_id, QuestionKind.GRADE)
        return summarise(self.value_counts(survey_id), question_id, by_department=by_department)[0]

    def mean_scores(
        self,
        survey_id: str,
        question_id: str,
        *,
        by_department: bool = False,
    ) -> dict[str | None, MeanScore]:
        """
        Mean answers (grade scores 1-4, or the numbers) for everyone or per department.

        Raises:
            NotFound: No such survey.
            InvalidSurveyData: No such question in the survey.
        """
        self._question(survey_id, question_id, None)
        return summarise(self.value_counts(survey_id), question_id, by_department=by_department)[1]

    def _question(self, survey_id: str, question_id: str, kind: QuestionKind | None) -> None:
        survey = self.get_survey(survey_id)
        try:
            q = survey.question(question_id)
        except KeyError:
            raise InvalidSurveyData(
                survey_id,
                [f"question_id: {question_id!r} is not a question of this survey / 无此题"],
            ) from None
        if kind is not None and q.kind is not kind:
            raise InvalidSurveyData(
                survey_id,
                [
                    f"question_id: {question_id!r} is a {q.kind.label_en} question, not a "
                    f"{kind.label_en} one / 题型不符"
                ],
            )
