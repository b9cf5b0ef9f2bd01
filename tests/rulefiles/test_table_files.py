"""Decision tables in rule files: errors name the file, the rule and the rows' lines."""

from __future__ import annotations

import pytest

from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles import assemble, read_rule_files

TABLE = """\
fields:
  score: {type: int, label: {zh: 分数, en: score}}
rules:
  - name: band
    label: {zh: 档位, en: band}
    type: int
    table:
      hit: unique
      inputs: [score]
      rows:
        - when: ["< 10"]
          then: 1
        - when: ["[10, 20]"]
          then: 2
          label: {zh: 中, en: middle}
        - when: [">= 20"]
          then: 3
          label: {zh: 高, en: high}
"""


def test_overlapping_rows_name_both_rows_their_lines_and_an_example() -> None:
    with pytest.raises(RuleDefinitionError) as info:
        assemble([TABLE], base=read_rule_files(""))

    text = str(info.value)
    assert (
        "row 2 (middle) and row 3 (high) overlap under the unique hit policy, e.g. for score = 20"
        in text
    )
    assert "(rule 'band' is at <string>, line 4" in text
    assert "(row 2 is at <string>, line 13" in text
    assert "(row 3 is at <string>, line 16" in text


def test_a_gap_in_a_file_names_an_example() -> None:
    text = TABLE.replace('["< 10"]', '["< 5"]')

    with pytest.raises(
        RuleDefinitionError, match=r"no row covers score = 5 \(add a row or a default\)"
    ):
        assemble([text.replace("[10, 20]", "[10, 20)")], base=read_rule_files(""))


def test_a_malformed_cell_names_its_line() -> None:
    text = TABLE.replace('["[10, 20]"]', '["[10 20]", 1]')

    with pytest.raises(
        RuleDefinitionError, match=r"<string>, line 13, rule 'band': row 2 has 2 cells"
    ):
        read_rule_files(text)
    with pytest.raises(
        RuleDefinitionError, match=r"<string>, line 13, rule 'band': row 2: .* not a number"
    ):
        read_rule_files(TABLE.replace('["[10, 20]"]', '["< 1o"]'))


def test_a_rule_needs_either_expr_or_table() -> None:
    both = TABLE.replace("    type: int\n    table:", "    type: int\n    expr: score\n    table:")

    with pytest.raises(RuleDefinitionError, match="either expr or table"):
        read_rule_files(both)


def test_an_output_that_does_not_parse_names_its_line() -> None:
    with pytest.raises(RuleDefinitionError, match=r"<string>, line 14, rule 'band'"):
        read_rule_files(TABLE.replace("then: 2", "then: 2 +"))
