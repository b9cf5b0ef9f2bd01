"""Budgets in the store: exact yuan, a source and who set it, append-only history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from unionkit.errors import InvalidBudgetData
from unionkit.models.benefit import BenefitKind
from unionkit.store import Store
from unionkit.store.budgets import (
    budget_history,
    category_budgets,
    list_budgets,
    set_budget,
)

AT = datetime(2025, 1, 10, 9, 0)


def test_a_budget_is_stored_exactly_with_its_source_and_who_set_it(store: Store) -> None:
    entry = set_budget(
        store,
        2025,
        BenefitKind.HARDSHIP_AID,
        "120000.50",
        source="工会委员会2025年第1次会议纪要",
        set_by="finance",
        at=AT,
    )
    assert (entry.amount, entry.source, entry.set_by, entry.set_at) == (
        Decimal("120000.50"),
        "工会委员会2025年第1次会议纪要",
        "finance",
        AT,
    )
    assert [b.key for b in list_budgets(store, 2025)] == ["2025/hardship_aid"]
    assert list_budgets(store, 2024) == []


def test_changing_a_budget_appends_and_keeps_the_history(store: Store) -> None:
    first = set_budget(store, 2025, "festival_goods", 800000, source="会议纪要1", set_by="a", at=AT)
    again = set_budget(store, 2025, "festival_goods", 800000, source="会议纪要1", set_by="b", at=AT)
    assert again == first  # the same amount from the same decision is not a change
    later = datetime(2025, 6, 1, 9, 0)
    second = set_budget(
        store, 2025, "festival_goods", "750000", source="调整决议2", set_by="b", at=later
    )
    assert second.supersedes == first.entry_id
    history = budget_history(store, 2025, "festival_goods")
    assert [(h.amount, h.source, h.set_by) for h in history] == [
        (Decimal("800000.00"), "会议纪要1", "a"),
        (Decimal("750000.00"), "调整决议2", "b"),
    ]
    assert [b.amount for b in list_budgets(store, 2025)] == [Decimal("750000.00")]


def test_a_category_budget_is_its_own_or_the_sum_of_its_programmes(store: Store) -> None:
    set_budget(store, 2025, "school_aid", "30000", source="D1", set_by="a", programme="autumn")
    set_budget(store, 2025, "school_aid", "12000.5", source="D2", set_by="a", programme="spring")
    set_budget(store, 2025, "hardship_aid", "50000", source="D3", set_by="a")
    set_budget(store, 2025, "hardship_aid", "20000", source="D4", set_by="a", programme="winter")
    found = category_budgets(store, 2025)
    assert (found["school_aid"].amount, found["school_aid"].from_programmes) == (
        Decimal("42000.50"),
        True,
    )
    assert found["school_aid"].sources == ("D1", "D2")
    assert (found["hardship_aid"].amount, found["hardship_aid"].from_programmes) == (
        Decimal("50000.00"),
        False,
    )
    assert [b.key for b in list_budgets(store, 2025)] == [
        "2025/hardship_aid",
        "2025/hardship_aid/winter",
        "2025/school_aid/autumn",
        "2025/school_aid/spring",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "100.555"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"category": "shopping_cards"}, "category"),
        ({"source": "  "}, "source"),
        ({"set_by": ""}, "set_by"),
        ({"year": 20250}, "year"),
        ({"programme": "a/b"}, "programme"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    store: Store, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {
        "year": 2025,
        "category": "birthday",
        "amount": "100",
        "source": "D1",
        "set_by": "a",
    }
    args.update(kwargs)
    with pytest.raises(InvalidBudgetData, match=rf"{field}:") as info:
        set_budget(
            store,
            args["year"],  # type: ignore[arg-type]
            args["category"],  # type: ignore[arg-type]
            args["amount"],  # type: ignore[arg-type]
            source=args["source"],  # type: ignore[arg-type]
            set_by=args["set_by"],  # type: ignore[arg-type]
            programme=args.get("programme"),  # type: ignore[arg-type]
        )
    assert "预算数据有误" in str(info.value)
    assert list_budgets(store) == []
