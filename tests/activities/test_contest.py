"""Contests: judges' scores, dropping extremes, ranking with ties, top-N awards as grants."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from store_support import StoreTarget
from unionkit.activities import (
    OrganiserKind,
    ProposedGrant,
    RankingMethod,
    final_score,
    propose_awards,
    rank,
)
from unionkit.errors import InvalidActivityData, Rejected
from unionkit.models import Activity, Benefit, Grant, Member
from unionkit.models.activity import ActivityKind
from unionkit.store import Store, define_benefits, open_store
from unionkit.store.activities import ActivityBook

D = Decimal


def test_dropping_the_highest_and_lowest_score_changes_the_mean() -> None:
    scores = [D("9.0"), D("8.0"), D("8.5"), D("2.0")]

    assert D("6.88") == final_score(scores)
    assert D("8.25") == final_score(scores, drop_extremes=True)
    with pytest.raises(ValueError, match="at least 3"):
        final_score([D(1), D(2)], drop_extremes=True)


def test_ties_share_a_place_competition_leaves_a_gap_dense_does_not() -> None:
    scores = {"a": [D(90)], "b": [D(85)], "c": [D(85)], "d": [D(80)]}

    competition = rank("e1", scores, method=RankingMethod.COMPETITION)
    dense = rank("e1", scores, method=RankingMethod.DENSE)

    assert [("a", 1), ("b", 2), ("c", 2), ("d", 4)] == [(p.member_id, p.rank) for p in competition]
    assert [1, 2, 2, 3] == [p.rank for p in dense]


def test_awards_go_to_the_top_n_and_include_a_tie_at_the_cut() -> None:
    placings = rank("e1", {"a": [D(90)], "b": [D(85)], "c": [D(85)], "d": [D(80)]})

    awards = propose_awards(
        placings,
        top=2,
        amount=D("500"),
        benefit_id="contest",
        granted_on=date(2025, 11, 1),
        activity_id="C1",
    )

    assert ["a", "b", "c"] == [a.member_id for a in awards]
    assert "C1 第2名" in awards[2].reason
    with pytest.raises(ValueError, match="top"):
        propose_awards(
            placings,
            top=0,
            amount=D(1),
            benefit_id="x",
            granted_on=date(2025, 1, 1),
            activity_id="C1",
        )


def _contest(store: Store) -> ActivityBook:
    # M4 has no dues on record, so the ledger's good-standing rule refuses paying them.
    store.add_members(
        [
            Member(
                member_id=f"M{i}",
                name=f"选手{i}",
                dues_paid_through=None if i == 4 else date(2025, 12, 31),
            )
            for i in range(1, 6)
        ]
    )
    book = ActivityBook(store)
    book.add_activity(
        Activity(
            activity_id="C1",
            kind=ActivityKind.SKILLS_CONTEST,
            title="护理技能竞赛",
            starts_on=date(2025, 10, 1),
            ends_on=date(2025, 10, 2),
        ),
        OrganiserKind.BRANCH,
    )
    book.add_contest(
        "C1",
        {"iv": "静脉输液", "cpr": "心肺复苏"},
        {"j1": "评委一", "j2": "评委二", "j3": "评委三"},
    )
    book.register_many("C1", ["M1", "M2", "M3", "M4"], datetime(2025, 9, 1, 9))
    book.enter("C1", "iv", ["M1", "M2", "M3"])
    book.enter("C1", "cpr", ["M4"])
    rows = {
        "M1": ("95", "90", "60"),
        "M2": ("91", "90", "89"),
        "M3": ("70", "71", "72"),
        "M4": ("88", "88", "88"),
    }
    book.record_scores(
        "C1",
        [
            ("cpr" if m == "M4" else "iv", m, f"j{i}", s)
            for m, ss in rows.items()
            for i, s in enumerate(ss, 1)
        ],
    )
    return book


def test_stored_scores_rank_per_event_with_the_chosen_rules(store: Store) -> None:
    book = _contest(store)

    plain = book.ranking("C1", "iv")
    trimmed = book.ranking("C1", "iv", drop_extremes=True)

    assert [("M2", D("90.00")), ("M1", D("81.67")), ("M3", D("71.00"))] == [
        (p.member_id, p.score) for p in plain
    ]
    assert [("M1", D("90.00")), ("M2", D("90.00")), ("M3", D("71.00"))] == [
        (p.member_id, p.score) for p in trimmed
    ]
    assert [1, 1, 3] == [p.rank for p in trimmed]


def test_a_score_from_an_unknown_judge_is_refused_and_nothing_is_stored(store: Store) -> None:
    book = _contest(store)
    book.enter("C1", "cpr", ["M1"])

    with pytest.raises(InvalidActivityData, match="unknown judge 'j9'"):
        book.record_scores("C1", [("cpr", "M1", "j1", "80"), ("cpr", "M1", "j9", "80")])
    with pytest.raises(InvalidActivityData, match="already scored"):
        book.record_scores("C1", [("iv", "M1", "j1", "80")])
    with pytest.raises(InvalidActivityData, match="at most two"):
        book.record_scores("C1", [("cpr", "M1", "j1", "80.123")])
    with pytest.raises(InvalidActivityData, match="not registered"):
        book.enter("C1", "cpr", ["M5"])

    assert ["M4"] == [p.member_id for p in book.ranking("C1", "cpr")]


def test_awards_become_grants_through_the_ledger_and_its_checks(
    store_target: StoreTarget,
) -> None:
    vetoed: list[str] = []

    def plugin_cap(grant: Grant, benefit: Benefit) -> None:
        if grant.amount > D("600"):
            vetoed.append(grant.member_id)
            raise Rejected("contest awards are at most 600 yuan in this branch")

    store = open_store(store_target.target, schema=store_target.schema, grant_validator=plugin_cap)
    try:
        book = _contest(store)
        define_benefits(
            store,
            [
                Benefit(
                    benefit_id="contest-award",
                    kind="other",
                    name_zh="竞赛奖励",
                    name_en="contest award",
                    form="cash",
                )
            ],
        )

        def awards(amount: str) -> list[ProposedGrant]:
            return book.propose_awards(
                "C1",
                top=3,
                amount=D(amount),
                benefit_id="contest-award",
                granted_on=date(2025, 10, 8),
                drop_extremes=True,
            )

        with pytest.raises(Rejected, match="nothing was stored"):
            book.book_awards(awards("800"), proposer="union-office")
        outcomes = book.book_awards(awards("500"), proposer="union-office")
        again = book.book_awards(awards("500"), proposer="union-office")

        assert ["M1"] == vetoed
        assert [("M1", False), ("M2", False), ("M4", True)] == [
            (o.request.member_id, o.refused) for o in outcomes
        ]
        refusal = outcomes[2].verdict
        assert refusal is not None
        assert ["spending.standing_grace_months"] == [f.rule for f in refusal.refusals]
        assert [True, True] == [o.existing for o in again[:2]]
        assert [D("500.00")] == [g.amount for g in store.grants_for("M2")]
        assert [] == store.grants_for("M4")
    finally:
        store.close()
