"""unionkit.money: the one place yuan and fen are converted and formatted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionkit.money import fen_to_yuan, format_fen, format_yuan, yuan_to_fen


def test_yuan_and_fen_convert_exactly() -> None:
    assert 850050 == yuan_to_fen(Decimal("8500.50"))
    assert Decimal("8500.50") == fen_to_yuan(850050)
    assert "0.05" == str(fen_to_yuan(5))
    assert "-0.05" == format_fen(-5)
    assert "5.00" == format_yuan(Decimal("5"))


def test_a_fraction_of_a_fen_is_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="more than two decimal places"):
        yuan_to_fen(Decimal("1.005"))


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_fen_round_trip_through_yuan_and_text(fen: int) -> None:
    assert fen == yuan_to_fen(fen_to_yuan(fen))
    assert fen == yuan_to_fen(Decimal(format_fen(fen)))
