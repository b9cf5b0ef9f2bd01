"""Yes/no cells read the same in the models and in the rules engine."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from unionkit.errors import RuleEvaluationError
from unionkit.labels import NO_WORDS, YES_WORDS, read_yes_no
from unionkit.models.base import parse_bool
from unionkit.rules import Parameters, Rule, RuleSet, ValueType, field

WORDS = [*sorted(YES_WORDS | NO_WORDS), "是 ", "ＹＥＳ", "Ｔｒｕｅ"]


def test_models_and_rules_agree_on_every_yes_no_word() -> None:
    rules = RuleSet(
        [Rule("front", field("frontline"), "一线", "front line", ValueType.bool)], Parameters()
    )
    column = {
        "member_id": np.array([f"M{i}" for i in range(len(WORDS))], dtype=object),
        "frontline": np.array(WORDS, dtype=object),
    }

    batch = [bool(v) for v in rules.evaluate(column, as_of=date(2026, 1, 1)).frame["front"]]

    assert [parse_bool(w) for w in WORDS] == batch
    assert [w.strip() in YES_WORDS or w in ("ＹＥＳ", "Ｔｒｕｅ") for w in WORDS] == batch


@pytest.mark.parametrize("word", ["maybe", "2", "是的吧"])
def test_other_words_are_neither(word: str) -> None:
    rules = RuleSet(
        [Rule("front", field("frontline"), "一线", "front line", ValueType.bool)], Parameters()
    )

    assert read_yes_no(word) is None
    with pytest.raises(ValueError, match="yes or no"):
        parse_bool(word)
    with pytest.raises(RuleEvaluationError, match="frontline"):
        rules.evaluate(
            {
                "member_id": np.array(["M"], dtype=object),
                "frontline": np.array([word], dtype=object),
            },
            as_of=date(2026, 1, 1),
        )


def test_one_lang_everywhere_and_one_way_to_look_up_texts() -> None:
    from unionkit.cli.lang import Lang as CliLang
    from unionkit.labels import Lang, Texts
    from unionkit.reports._text import Lang as ReportLang
    from unionkit.reports._text import check_lang, text

    table = Texts({"hello": ("你好，{name}", "hello, {name}"), "raw": ("{n} 人", "{n} people")})

    assert CliLang is Lang and ReportLang is Lang
    assert ("你好，李", "hello, Li") == (
        table("hello", Lang.zh, name="李"),
        table("hello", "en", name="Li"),
    )
    assert "{n} people" == table("raw", Lang.en)
    assert Lang.en is check_lang("EN")
    assert "Summary" == text("summary", Lang.en)
    with pytest.raises(ValueError, match="zh 或 en"):
        Lang.parse("fr")
