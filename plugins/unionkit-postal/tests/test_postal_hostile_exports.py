"""Hostile HR and insurance exports: duplicates count once, negative days are refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from unionkit_postal.dual_link import run_dual_link

from unionkit.errors import RosterFormatError
from unionkit.hooks import PluginHost


def _run(host: PluginHost, files: Path) -> object:
    return run_dual_link(
        host,
        roster=files / "roster.csv",
        sick_leave=files / "hr_sick_leave_2026-04.csv",
        insurance=files / "medical_insurance_2026-04.csv",
        state=files / "state.sqlite",
        month="2026-04",
    )


def test_a_repeated_insurance_row_is_one_subsidy_in_totals_and_state(
    host: PluginHost, files: Path
) -> None:
    export = files / "medical_insurance_2026-04.csv"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    export.write_text("\n".join([*lines, lines[1], lines[1]]) + "\n", encoding="utf-8-sig")

    result = _run(host, files)

    subsidies = [
        p
        for p in result.proposals  # type: ignore[attr-defined]
        if p.kind == "hospitalisation_subsidy"
    ]
    assert Decimal("1300.00") == result.total_subsidy  # type: ignore[attr-defined]
    assert 2 == len(subsidies)
    assert (5, 6) == result.duplicate_rows  # type: ignore[attr-defined]


def test_two_settlements_of_one_stay_add_up(host: PluginHost, files: Path) -> None:
    export = files / "medical_insurance_2026-04.csv"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    # The Chaoyang stay (1242.00 paid: 500 yuan) settled again with 4000.00 more: 5242.00.
    extra = lines[2].replace("1242.00", "4000.00")
    export.write_text("\n".join([*lines, extra]) + "\n", encoding="utf-8-sig")

    result = _run(host, files)

    amounts = {
        p.member_id: p.amount
        for p in result.proposals  # type: ignore[attr-defined]
        if p.kind == "hospitalisation_subsidy"
    }
    assert Decimal("800.00") == amounts["P00002"]


@pytest.mark.parametrize("days", ["-19", "-1", "1e3", "9" * 5000, " 5x"])
def test_negative_or_malformed_leave_days_name_the_row(
    host: PluginHost, files: Path, days: str
) -> None:
    export = files / "hr_sick_leave_2026-04.csv"
    text = export.read_bytes().decode("gb18030")
    lines = text.splitlines()
    lines[2] = lines[2].replace(",15,", f",{days},")
    export.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))

    with pytest.raises(RosterFormatError, match="row 3"):
        _run(host, files)


def test_a_negative_self_paid_amount_is_refused(host: PluginHost, files: Path) -> None:
    export = files / "medical_insurance_2026-04.csv"
    text = export.read_text(encoding="utf-8-sig").replace("8530.04", "-8530.04")
    export.write_text(text, encoding="utf-8-sig")

    with pytest.raises(RosterFormatError, match="row 2"):
        _run(host, files)


def test_an_oversized_cell_in_an_export_is_a_clear_error(host: PluginHost, files: Path) -> None:
    export = files / "medical_insurance_2026-04.csv"
    with export.open("a", encoding="utf-8") as out:
        out.write('1,x,"' + "y" * 200_000 + '"\n')

    with pytest.raises(RosterFormatError, match="cannot be read near line"):
        _run(host, files)


def test_the_state_file_is_private(host: PluginHost, files: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        _run(host, files)
    finally:
        os.umask(old)

    assert 0o600 == (files / "state.sqlite").stat().st_mode & 0o777
