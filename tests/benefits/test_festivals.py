"""Festival dates: fixed, lunar and solar-term festivals, and configured minority festivals."""

from __future__ import annotations

from datetime import date

import pytest

from unionkit.benefits.festivals import (
    MinorityFestival,
    festival_date,
    festival_dates,
    lunar_to_solar,
)
from unionkit.models.benefit import Festival


@pytest.mark.parametrize(
    ("festival", "year", "expected"),
    [
        (Festival.SPRING, 2027, date(2027, 2, 6)),
        (Festival.DRAGON_BOAT, 2027, date(2027, 6, 9)),
        (Festival.MID_AUTUMN, 2027, date(2027, 9, 15)),
        (Festival.SPRING, 2026, date(2026, 2, 17)),
        (Festival.MID_AUTUMN, 2026, date(2026, 9, 25)),
        (Festival.QINGMING, 2027, date(2027, 4, 5)),
        (Festival.QINGMING, 2024, date(2024, 4, 4)),
        (Festival.NATIONAL_DAY, 2030, date(2030, 10, 1)),
    ],
)
def test_festival_dates(festival: Festival, year: int, expected: date) -> None:
    assert festival_date(festival, year) == expected


def test_minority_festivals_by_lunar_or_solar_date_or_announced_dates() -> None:
    torch = MinorityFestival("torch", "火把节", "Torch Festival", 6, 24, lunar=True)
    water = MinorityFestival("water", "泼水节", "Water-Splashing Festival", 4, 13)
    eid = MinorityFestival("eid", "古尔邦节", "Eid al-Adha", dates=(date(2027, 5, 16),))
    dates = festival_dates(2027, [torch, water, eid])
    assert dates["torch"] == lunar_to_solar(2027, 6, 24)
    assert dates["water"] == date(2027, 4, 13) and dates["eid"] == date(2027, 5, 16)
    assert "eid" not in festival_dates(2028, [eid])
    assert list(dates.values()) == sorted(dates.values())
    assert len(dates) == 10


def test_a_lunar_day_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        lunar_to_solar(2026, 12, 30)
