"""Every command on a roster with known ID and phone numbers: none appears whole anywhere.

The sweep runs each command of ``unionkit`` and ``unionkit-postal`` (good and bad input)
and searches stdout, stderr, every log record, every exception and every file written,
including the SQLite store itself, for any of the numbers.
"""

from __future__ import annotations

import csv
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app
from unionkit.io import read_roster
from unionkit.models.ids import id_check_digit
from unionkit.store import open_store

ROOT = Path(__file__).resolve().parents[2]
POSTAL_EXAMPLES = ROOT / "plugins" / "unionkit-postal" / "examples"
runner = CliRunner()


def _id(seq: str, born: str = "19800101") -> str:
    body = f"110105{born}{seq}"
    return body + id_check_digit(body)


IDS = [_id(f"{i:03d}") for i in range(101, 106)]
PHONES = [f"1391234{i:04d}" for i in range(5678, 5683)]
BAD_ID = IDS[0][:-1] + ("0" if IDS[0][-1] != "0" else "1")  # a wrong check digit
SECRETS = [*IDS, *PHONES, BAD_ID]


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "roster.csv"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["工号", "姓名", "身份证号", "手机号", "月工资", "年可支配收入", "病假天数", "家庭编号"]
        )
        for i, (nid, phone) in enumerate(zip(IDS, PHONES, strict=True), start=1):
            writer.writerow([f"M{i}", f"张{i}", nid, phone, "3000", "20000", "40", f"H{i}"])
        writer.writerow(["M9", "错号", BAD_ID, PHONES[0], "3000", "20000", "0", "H9"])
    return path


@pytest.fixture
def db(store_target: StoreTarget, roster: Path) -> Iterator[str]:
    """A store holding the roster's valid members, as ``--db`` takes it."""
    with store_target.open() as store:
        store.add_members(read_roster(roster).members)
    if store_target.schema is None:
        yield store_target.target
        return
    sep = "&" if "?" in store_target.target else "?"
    yield f"{store_target.target}{sep}options=-csearch_path%3D{store_target.schema}"


def _commands(roster: Path, db: str, out: Path) -> list[list[str]]:
    r = str(roster)
    return [
        ["roster", "check", r],
        ["roster", "check", r, "--json"],
        ["roster", "check", r, "--lang", "en"],
        ["evaluate", r, "--as-of", "2025-06-01", "--out", str(out / "results.csv")],
        ["evaluate", r, "--as-of", "2025-06-01", "--out", str(out / "results.csv"), "--json"],
        ["evaluate", r, "--as-of", "2025-06-01", "--out", str(out / "results.parquet")],
        [
            "evaluate",
            r,
            "--as-of",
            "2025-06-01",
            "--out",
            str(out / "h.csv"),
            "--branch",
            "hospital",
        ],
        ["explain", r, "--member", "M1", "--rule", "hardship_eligible", "--as-of", "2025-06-01"],
        ["explain", r, "--member", "M9", "--rule", "hardship_eligible", "--as-of", "2025-06-01"],
        [
            "explain",
            r,
            "--member",
            "M1",
            "--rule",
            "hardship_eligible",
            "--as-of",
            "2025-06-01",
            "--lang",
            "en",
        ],
        [
            "demands",
            "submit",
            "--member",
            "M1",
            "--kind",
            "request",
            "--title",
            "电话",
            "--content",
            f"请打 {PHONES[0]} 或查 {IDS[0]}",
            "--id",
            "R1",
            "--db",
            db,
        ],
        [
            "demands",
            "submit",
            "--member",
            "M404",
            "--kind",
            "request",
            "--title",
            "x",
            "--content",
            f"{PHONES[1]}",
            "--db",
            db,
        ],
        ["demands", "list", "--db", db],
        ["demands", "list", "--db", db, "--json"],
        ["demands", "show", "R1", "--db", db],
        ["demands", "show", "R1", "--db", db, "--json"],
        [
            "demands",
            "transition",
            "R1",
            "accept",
            "--actor",
            "office",
            "--category",
            "canteen",
            "--db",
            db,
            "--branch",
            "hospital",
        ],
        [
            "demands",
            "transition",
            "R1",
            "note",
            "--actor",
            "office",
            "--note",
            f"回电 {PHONES[0]}",
            "--db",
            db,
        ],
        [
            "demands",
            "transition",
            "R1",
            "resolve",
            "--actor",
            "office",
            "--answer",
            f"已联系 {IDS[0]}",
            "--db",
            db,
        ],
        ["demands", "show", "R1", "--db", db, "--json"],
        [
            "report",
            "demands",
            "--year",
            "2026",
            "--db",
            db,
            "--markdown",
            str(out / "r.md"),
            "--html",
            str(out / "r.html"),
        ],
        ["plugins"],
        ["plugins", "--json"],
        ["plugins", "--diff", "--branch", "hospital"],
        ["store", "new-key", "--out", str(out / "new.key")],
        ["store", "rotate-key", "--db", db, "--new-key-file", str(out / "new.key")],
        ["demands", "show", "R1", "--db", db],  # demands need no key: still shown, masked
    ]


def _files_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def _assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret[:4]}… found whole in {where}"


def test_no_command_prints_logs_raises_or_writes_a_whole_number(
    roster: Path, db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    caplog.set_level(logging.DEBUG)
    ran = 0
    for args in _commands(roster, db, out):
        done = runner.invoke(app, args)
        where = " ".join(args[:3])
        assert done.exit_code in (0, 1, 2), f"{where}: {done.exception!r}"
        if done.exception is not None and not isinstance(done.exception, SystemExit):
            _assert_clean(repr(done.exception), f"exception of {where}")
        _assert_clean(done.stdout + done.stderr, where)
        ran += 1
    _assert_clean("\n".join(r.getMessage() for r in caplog.records), "the log")
    _assert_clean(_files_text(out), "files written")
    if "://" not in db:
        store_files = Path(db).parent.glob(Path(db).name + "*")
        _assert_clean(
            "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in store_files),
            "the SQLite store and its journals",
        )
    assert ran == len(_commands(roster, db, out))


@pytest.mark.parametrize("erase", ["anonymise_member", "delete_member"])
def test_after_erasure_the_store_holds_no_trace(
    roster: Path, db: str, store_target: StoreTarget, erase: str
) -> None:
    runner.invoke(
        app,
        [
            "demands",
            "submit",
            "--member",
            "M1",
            "--kind",
            "request",
            "--title",
            "t",
            "--content",
            f"{PHONES[0]} {IDS[0]}",
            "--id",
            "R1",
            "--db",
            db,
        ],
    )
    runner.invoke(
        app,
        [
            "demands",
            "transition",
            "R1",
            "reject",
            "--actor",
            "o",
            "--reason",
            f"重复 {IDS[0]}",
            "--db",
            db,
        ],
    )
    with store_target.open() as store:
        getattr(store, erase)("M1")
        shown = runner.invoke(app, ["demands", "show", "R1", "--db", db, "--json"])
        with store.engine.connect() as conn:
            import sqlalchemy as sa

            stored = "\n".join(
                str(list(row))
                for table in ("members", "demands", "demand_events")
                for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
            )
    assert IDS[0] not in stored and PHONES[0] not in stored
    assert IDS[0] not in shown.stdout and PHONES[0] not in shown.stdout


def test_postal_commands_print_and_write_no_whole_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from unionkit_postal.cli import main

    for f in POSTAL_EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    secrets = [
        m.national_id.reveal()
        for m in read_roster(tmp_path / "roster.csv").members
        if m.national_id is not None
    ]
    secrets += [
        m.phone.reveal()
        for m in read_roster(tmp_path / "roster.csv").members
        if m.phone is not None
    ]
    db = str(tmp_path / "store.db")
    with open_store(db):
        pass
    caplog.set_level(logging.DEBUG)
    state = str(tmp_path / "state.sqlite")
    link = ["dual-link", "--roster", str(tmp_path / "roster.csv"),
            "--sick-leave", str(tmp_path / "hr_sick_leave_2026-04.csv"),
            "--insurance", str(tmp_path / "medical_insurance_2026-04.csv"),
            "--state", state, "--month", "2026-04"]  # fmt: skip
    runs = [
        link,
        [*link, "--json", "--reveal"],
        ["list", "--state", state, "--json"],
        [
            "confirm",
            "--state",
            state,
            "--db",
            db,
            "--all",
            "--on",
            "2026-05-06",
            "--roster",
            str(tmp_path / "roster.csv"),
            "--json",
        ],
        ["confirm", "--state", state, "--db", db, "--all", "--on", "2026-05-06"],
    ]
    for args in runs:
        code = main(args)
        captured = capsys.readouterr()
        assert code in (0, 1, 2)
        for secret in secrets:
            assert secret not in captured.out + captured.err, args[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    stored = Path(db).read_bytes().decode("utf-8", errors="replace")
    for secret in secrets:
        assert secret not in logged and secret not in stored
