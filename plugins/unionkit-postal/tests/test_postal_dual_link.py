"""The postal plugin: its hooks through the plugin host, and the dual-link run on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from unionkit_postal.dual_link import DualLinkError, run_dual_link
from unionkit_postal.state import DualLinkState

from unionkit.branches import assemble_branch, branch_diff
from unionkit.errors import RosterFormatError
from unionkit.hooks import PluginHost


def _run(host: PluginHost, files: Path, month: str) -> object:
    return run_dual_link(
        host,
        roster=files / "roster.csv",
        sick_leave=files / f"hr_sick_leave_{month}.csv",
        insurance=files / f"medical_insurance_{month}.csv",
        state=files / "state.sqlite",
        month=month,
    )


def test_april_run_proposes_visits_and_subsidies_from_the_exports(
    host: PluginHost, files: Path
) -> None:
    result = _run(host, files, "2026-04")

    found = {(p.member_id, p.kind, p.amount) for p in result.proposals}  # type: ignore[attr-defined]
    assert {
        ("P00001", "sick_leave_visit", None),  # 19 + 15 approved days >= 30
        ("P00005", "hospital_visit", None),
        ("P00005", "hospitalisation_subsidy", Decimal("800.00")),  # paid 8530.04: from 5000
        ("P00002", "hospital_visit", None),
        ("P00002", "hospitalisation_subsidy", Decimal("500.00")),  # paid 1242.00: from 1000
    } == found
    assert Decimal("1300.00") == result.total_subsidy  # type: ignore[attr-defined]
    assert (4,) == result.unmatched_rows  # type: ignore[attr-defined]


def test_a_second_run_proposes_nothing_new(host: PluginHost, files: Path) -> None:
    first = _run(host, files, "2026-04")
    again = _run(host, files, "2026-04")

    assert 5 == len(first.proposals)  # type: ignore[attr-defined]
    assert () == again.proposals  # type: ignore[attr-defined]
    assert 5 == again.already_proposed  # type: ignore[attr-defined]
    assert 5 == len(DualLinkState(files / "state.sqlite").proposals())


def test_may_run_proposes_only_what_crossed_a_trigger_since(host: PluginHost, files: Path) -> None:
    _run(host, files, "2026-04")

    may = _run(host, files, "2026-05")

    assert {
        ("P00004", "sick_leave_visit"),
        ("P00006", "hospital_visit"),
        ("P00006", "hospitalisation_subsidy"),
    } == {(p.member_id, p.kind) for p in may.proposals}  # type: ignore[attr-defined]
    assert [1, 2] == [run_id for run_id, _, _ in DualLinkState(files / "state.sqlite").runs()]


def test_bad_export_names_the_row_and_stores_nothing(host: PluginHost, files: Path) -> None:
    path = files / "medical_insurance_2026-04.csv"
    text = path.read_text(encoding="utf-8-sig").replace("1242.00", "一千", 1)
    path.write_text(text, encoding="utf-8-sig")

    with pytest.raises(RosterFormatError, match=r"row 3.*个人自付"):
        _run(host, files, "2026-04")

    assert (
        not (files / "state.sqlite").exists()
        or [] == DualLinkState(files / "state.sqlite").proposals()
    )


def test_id_numbers_never_appear_whole_in_errors(files: Path) -> None:
    from unionkit_postal.exports import read_hospital_stays

    path = files / "medical_insurance_2026-04.csv"
    bad_id = "110105196509300198"  # the check digit of a real-looking number, changed
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace("110105196509300197", bad_id),
        encoding="utf-8-sig",
    )

    with pytest.raises(RosterFormatError) as err:
        read_hospital_stays(path)

    assert bad_id not in str(err.value)


def test_malformed_month_is_refused(host: PluginHost, files: Path) -> None:
    with pytest.raises(DualLinkError, match="2026-05"):
        _run(host, files, "May")


def test_command_line_run_as_a_user_would(files: Path) -> None:
    script = Path(sys.executable).with_name("unionkit-postal")
    args = [
        str(script),
        "dual-link",
        "--roster",
        "roster.csv",
        "--sick-leave",
        "hr_sick_leave_2026-04.csv",
        "--insurance",
        "medical_insurance_2026-04.csv",
        "--state",
        "state.sqlite",
        "--month",
        "2026-04",
        "--json",
    ]

    first = subprocess.run(args, cwd=files, capture_output=True, text=True, check=False)
    second = subprocess.run(args, cwd=files, capture_output=True, text=True, check=False)

    assert 0 == first.returncode, first.stderr
    assert "1300.00" == json.loads(first.stdout)["total_subsidy"]
    assert [] == json.loads(second.stdout)["proposals"]
    assert "110105196509300197" not in first.stdout + first.stderr


def test_health_facts_are_printed_only_on_request(files: Path) -> None:
    script = Path(sys.executable).with_name("unionkit-postal")
    base = [
        str(script),
        "dual-link",
        "--roster",
        "roster.csv",
        "--sick-leave",
        "hr_sick_leave_2026-04.csv",
        "--insurance",
        "medical_insurance_2026-04.csv",
        "--month",
        "2026-04",
    ]

    hidden = subprocess.run(
        [*base, "--state", "a.sqlite"], cwd=files, capture_output=True, text=True, check=False
    )
    as_json = subprocess.run(
        [*base, "--state", "b.sqlite", "--json"],
        cwd=files,
        capture_output=True,
        text=True,
        check=False,
    )
    shown = subprocess.run(
        [*base, "--state", "c.sqlite", "--reveal"],
        cwd=files,
        capture_output=True,
        text=True,
        check=False,
    )

    assert 0 == hidden.returncode == as_json.returncode == shown.returncode
    assert "住院个人自付" not in hidden.stdout
    assert "累计病假" not in hidden.stdout
    assert all(p["reason"] is None for p in json.loads(as_json.stdout)["proposals"])
    assert "住院个人自付" in shown.stdout


def test_updated_hardship_criteria_replace_eligibility(host: PluginHost) -> None:
    diff = {(e.kind, e.name, e.change) for e in branch_diff(host, "postal")}

    assert ("rule", "hardship_eligible", "overridden") in diff
    assert ("hardship criterion", "postal_low_income", "added") in diff
    assert {"long_sick_leave", "hospitalisation"} == set(
        assemble_branch(host, "postal").care_triggers
    )
