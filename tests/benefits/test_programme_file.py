"""Allocation programme files: read with the safe YAML reader, every error with file and line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from unionkit.benefits.allocation import Fill
from unionkit.benefits.programme_file import read_programme
from unionkit.errors import RuleDefinitionError
from unionkit.models.benefit import GrantForm

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hardship-aid-2026.programme.yaml"

GOOD = """\
name: sick-aid-2026
label: {zh: 病假补助, en: sick-leave aid}
year: 2026
as_of: 2026-09-01
benefit: sick-aid
budget: 2500.50
eligibility: aid_ok
score: aid_score
amount: aid_due
caps: {per_member: "1000", shared_with: [temp-aid]}
tie_break: [-age]
waitlist: {fill: partial, limit: 2}
rule_files: [aid.yaml]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "aid.yaml").write_text("rules: []\n", encoding="utf-8")
    path = tmp_path / "p.programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_programme_file_gives_the_programme_and_its_settings(tmp_path: Path) -> None:
    read = read_programme(write(tmp_path, GOOD))
    p = read.programme
    assert (p.programme_id, p.benefit_id, p.name_zh, p.name_en) == (
        "sick-aid-2026",
        "sick-aid",
        "病假补助",
        "sick-leave aid",
    )
    assert p.budget == Decimal("2500.50") and p.cap_per_member == Decimal("1000")
    assert (p.eligible, p.score, p.amount, p.fixed_amount) == (
        "aid_ok",
        "aid_score",
        "aid_due",
        None,
    )
    assert p.cap_shared_with == ("temp-aid",) and p.tie_break == ("-age",)
    assert p.fill is Fill.partial and p.form is GrantForm.CASH and p.period == "2026"
    assert (read.year, read.as_of, read.waitlist_limit) == (2026, date(2026, 9, 1), 2)
    assert read.rule_files == ((tmp_path / "aid.yaml").resolve(),)


def test_the_shipped_example_reads() -> None:
    read = read_programme(EXAMPLE)
    assert read.programme.programme_id == "hardship-aid-2026"
    assert read.programme.budget == Decimal("200000.00") and read.waitlist_limit == 50


@pytest.mark.parametrize(
    ("change", "line", "wanted"),
    [
        (("budget: 2500.50", "budget: 2500.505"), 6, "budget: "),
        (("budget: 2500.50", "budget: -3"), 6, "budget: "),
        (("budget: 2500.50", "budget: [1]"), 6, "budget: expected an amount"),
        (("year: 2026", "year: twenty"), 3, "year: expected a whole number"),
        (("as_of: 2026-09-01", "as_of: 2025-09-01"), 4, "as_of: is not in the programme's year"),
        (("score: aid_score\n", ""), 1, "score: missing"),
        (("amount: aid_due", "amount: aid_due\nfixed_amount: 100"), 9, "not both"),
        (("amount: aid_due", "amountt: aid_due"), 9, "amountt: unknown key"),
        (("fill: partial", "fill: greedy"), 12, "waitlist.fill: expected strict or partial"),
        (("limit: 2", "limit: -1"), 12, "waitlist.limit: expected a whole number"),
        (('per_member: "1000"', 'per_member: "1,0.5"'), 10, "caps.per_member"),
        (("caps: {", "caps: {cap: 1, "), 10, "caps.cap: unknown key"),
        (("name: sick-aid-2026", "name: 病假 补助"), 1, "name: '病假 补助' must be"),
        (("label: {zh: 病假补助, en: sick-leave aid}", "label: {zh: 病假补助}"), 2, "label.en"),
        (("form", "form"), 0, ""),
        (("aid.yaml]", "nowhere.yaml]"), 13, "rule_files.0: no file 'nowhere.yaml'"),
        (("benefit: sick-aid", "benefit: !!python/object:os.system x"), 5, "not allowed"),
    ],
)
def test_every_error_names_the_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, wanted: str
) -> None:
    old, new = change
    if old == "form":
        text = GOOD + "form: shopping-card\n"
        line, wanted = 14, "form: expected one of"
    else:
        assert old in GOOD
        text = GOOD.replace(old, new)
    path = write(tmp_path, text)
    with pytest.raises(RuleDefinitionError) as err:
        read_programme(path)
    message = str(err.value)
    assert f"{path}, line {line}" in message, message
    assert wanted in message, message


def test_a_missing_file_and_a_non_mapping_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleDefinitionError, match="file not found"):
        read_programme(tmp_path / "none.yaml")
    with pytest.raises(RuleDefinitionError, match="expected a mapping"):
        read_programme(write(tmp_path, "- a\n- b\n"))
