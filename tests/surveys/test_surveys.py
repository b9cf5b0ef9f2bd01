"""Surveys: platform exports read in, bad files refused whole, rates, means, changes with CIs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from unionkit.errors import InvalidSurveyData
from unionkit.models.demand import Satisfaction
from unionkit.store import Store
from unionkit.store.surveys import SurveyBook
from unionkit.surveys import (
    GradeCounts,
    MeanScore,
    Question,
    QuestionKind,
    Questionnaire,
    compare_means,
    compare_rates,
    parse_responses,
    satisfaction_rate,
    wilson_interval,
)

S = Satisfaction


def _survey(survey_id: str = "S2025", anonymous: bool = True) -> Questionnaire:
    return Questionnaire(
        survey_id,
        "职工满意度调查",
        date(2025, 11, 1),
        date(2025, 11, 30),
        (
            Question("overall", "您对工会工作的总体满意度", "overall satisfaction with the union"),
            Question("canteen", "您对食堂的满意度", "satisfaction with the canteen"),
            Question(
                "mood", "心理健康自评分", "psychological self-rating", QuestionKind.NUMERIC, 0, 100
            ),
        ),
        anonymous=anonymous,
    )


WJX_HEADER = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "科室",
    "1、您对工会工作的总体满意度",
    "2、您对食堂的满意度",
    "3、心理健康自评分",
]


def _csv(
    path: Path, rows: list[list[str]], header: list[str] = WJX_HEADER, encoding: str = "utf-8-sig"
) -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _row(n: int, dept: str, overall: str, canteen: str, mood: str) -> list[str]:
    return [
        str(n),
        "2025/11/3 10:12:40",
        "95秒",
        "手机提交",
        "直接访问",
        "10.0.0.1(北京)",
        dept,
        overall,
        canteen,
        mood,
    ]


def test_a_wjx_csv_export_in_gb18030_is_read_with_grades_numbers_and_departments(
    store: Store,
    tmp_path: Path,
) -> None:
    book = SurveyBook(store)
    book.add_survey(_survey())
    path = _csv(
        tmp_path / "问卷.csv",
        [
            _row(1, "护理部", "非常满意", "满意", "85"),
            _row(2, "护理部", "不满意", "基本满意", "70.5"),
            _row(3, "医务处", "满意", "", "90"),
        ],
        encoding="gb18030",
    )

    stored = book.import_file("S2025", path)

    overall = book.grade_counts("S2025", "overall", by_department=True)
    assert 3 == stored
    assert {4: 1, 1: 1} == dict(overall["护理部"].by_score)
    assert 2 == book.grade_counts("S2025", "canteen")[None].answered
    mood = book.mean_scores("S2025", "mood")[None]
    assert 3 == mood.n
    assert pytest.approx(81.8333, abs=1e-3) == mood.mean


def test_an_excel_export_is_read_too(store: Store, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for r, row in enumerate([WJX_HEADER, _row(1, "护理部", "满意", "满意", "80")]):
        for c, cell in enumerate(row):
            if c == 9 and r:
                sheet.write_number(r, c, 80)
            else:
                sheet.write_string(r, c, cell)
    workbook.close()
    book = SurveyBook(store)
    book.add_survey(_survey())

    assert 1 == book.import_file("S2025", path)
    assert {3: 1} == dict(book.grade_counts("S2025", "overall")[None].by_score)


def test_unknown_columns_and_grades_outside_the_scale_are_refused_and_nothing_is_stored(
    store: Store,
    tmp_path: Path,
) -> None:
    book = SurveyBook(store)
    book.add_survey(_survey())
    bad_column = _csv(
        tmp_path / "a.csv",
        [[*_row(1, "护理部", "满意", "满意", "80"), "x"]],
        header=[*WJX_HEADER, "4、您的年收入"],
    )
    bad_cells = _csv(
        tmp_path / "b.csv",
        [
            _row(1, "护理部", "满意", "满意", "80"),
            _row(2, "护理部", "很好", "满意", "80"),
            _row(3, "护理部", "满意", "5", "101"),
        ],
    )

    with pytest.raises(InvalidSurveyData, match="4、您的年收入") as column:
        book.import_file("S2025", bad_column)
    with pytest.raises(InvalidSurveyData) as cells:
        book.import_file("S2025", bad_cells)

    assert "not a question" in str(column.value)
    assert 3 == len(cells.value.problems)
    assert "row 3, column '1、您对工会工作的总体满意度': '很好'" in cells.value.problems[0]
    assert "'101' is outside the scale (0-100)" in cells.value.problems[2]
    assert 0 == book.response_count("S2025")


def test_an_anonymous_survey_stores_no_respondent_a_named_one_does(store: Store) -> None:
    header = ["工号", "科室", "overall"]
    anonymous = parse_responses(_survey(), header, [["H00001", "护理部", "满意"]])
    named = parse_responses(_survey("N1", anonymous=False), header, [["H00001", "护理部", "满意"]])

    assert (None, "护理部") == (anonymous[0].respondent, anonymous[0].department)
    assert "H00001" == named[0].respondent


def test_the_satisfaction_rate_counts_the_grades_asked_for_and_says_which() -> None:
    counts = GradeCounts({4: 50, 3: 30, 2: 15, 1: 5})

    broad = satisfaction_rate(counts)
    strict = satisfaction_rate(counts, [S.VERY_SATISFIED, S.SATISFIED])

    assert (95, 100) == (broad.satisfied, broad.answered)
    assert (80, 100) == (strict.satisfied, strict.answered)
    assert "计为满意：非常满意、满意（有效回答 100 份）" == strict.basis("zh")
    assert pytest.approx(3.25) == counts.mean().mean


def test_wilson_interval_matches_a_published_value() -> None:
    # Newcombe (1998), table I: 81/263 gives 0.2553 to 0.3662.
    low, high = wilson_interval(81, 263)

    assert (0.2553, 0.3662) == (round(low, 4), round(high, 4))


def test_a_rise_of_several_points_on_a_large_sample_is_beyond_noise_on_a_small_one_not() -> None:
    big = compare_rates(
        {None: GradeCounts({4: 800, 3: 133, 1: 67})}, {None: GradeCounts({4: 900, 3: 77, 1: 23})}
    )[0]
    small = compare_rates({"护理部": GradeCounts({4: 9, 1: 1})}, {"护理部": GradeCounts({4: 10})})[
        0
    ]

    assert (93.3, 97.7) == (round(big.before or 0, 1), round(big.after or 0, 1))
    assert 4.4 == round(big.difference or 0, 1)
    assert big.beyond_noise
    assert (10, 10) == (small.n_before, small.n_after)
    assert not small.beyond_noise
    assert (small.low or 0) < 0 < (small.high or 0)


def test_mean_changes_carry_a_welch_interval() -> None:
    before: dict[str | None, MeanScore] = {
        "护理部": MeanScore.from_sums(100, 7800.0, 100 * (78.0**2 + 10.0**2 * 99 / 100))
    }
    after: dict[str | None, MeanScore] = {
        "护理部": MeanScore.from_sums(100, 8500.0, 100 * (85.0**2 + 10.0**2 * 99 / 100))
    }

    change = compare_means(before, after)[0]

    assert pytest.approx(7.0) == change.difference
    # Welch: se = sqrt(10²/100 + 10²/100), 198 df, t(0.975, 198) = 1.9720 (tables).
    assert pytest.approx(7.0 - 1.9720 * (2 * 100 / 100) ** 0.5, abs=1e-3) == change.low
    assert change.beyond_noise


def test_one_query_of_value_counts_gives_the_same_figures_as_the_per_question_reads(
    store: Store, tmp_path: Path
) -> None:
    from unionkit.surveys import summarise

    book = SurveyBook(store)
    book.add_survey(_survey())
    book.import_file(
        "S2025",
        _csv(
            tmp_path / "d.csv",
            [
                _row(1, "护理部", "非常满意", "满意", "85"),
                _row(2, "护理部", "不满意", "基本满意", "70.5"),
                _row(3, "医务处", "满意", "", "90"),
                _row(4, "", "满意", "满意", "60"),
            ],
        ),
    )

    grades, means = summarise(book.value_counts("S2025"), "overall", by_department=True)
    _, mood = summarise(book.value_counts("S2025"), "mood")

    assert book.grade_counts("S2025", "overall", by_department=True) == grades
    assert book.mean_scores("S2025", "overall", by_department=True) == means
    assert book.mean_scores("S2025", "mood") == mood
