"""Fuzzed command-line text and postal exports: a clear exit or error, never a traceback."""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.errors import RosterFormatError
from unionkit.models import Member
from unionkit.store import open_store

runner = CliRunner()
_ANY = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)
_counter = itertools.count()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """One store for all of a test's examples (the test key comes from conftest)."""
    path = tmp_path / "fuzz.db"
    with open_store(path) as store:
        store.add_members([Member(member_id="M1", name="张三")])
    return str(path)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_ANY, content=_ANY, category=_ANY, action=_ANY)
def test_demands_commands_take_any_text(
    db: str, title: str, content: str, category: str, action: str
) -> None:
    demand_id = f"Z{next(_counter)}"
    submitted = runner.invoke(
        app,
        [
            "demands",
            "submit",
            "--member",
            "M1",
            "--kind",
            "request",
            "--title",
            title,
            "--content",
            content,
            "--id",
            demand_id,
            "--category",
            category,
            "--db",
            db,
        ],
    )
    moved = runner.invoke(
        app,
        [
            "demands",
            "transition",
            demand_id,
            action or "x",
            "--actor",
            "o",
            "--category",
            category,
            "--department",
            title,
            "--db",
            db,
        ],
    )
    for done in (submitted, moved):
        assert done.exit_code in (0, 1, 2), repr(done.exception)
        assert done.exception is None or isinstance(done.exception, SystemExit)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=1500))
def test_postal_exports_read_or_refuse_any_bytes(
    data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from unionkit_postal.exports import read_hospital_stays, read_sick_leave

    path = Path(tmp_path_factory.mktemp("export")) / "export.csv"
    for header in (
        b"",
        "工号,假别,开始日期,结束日期,请假天数,审批状态\n".encode(),
        "公民身份号码,定点医疗机构名称,入院日期,出院日期,个人自付\n".encode(),
    ):
        path.write_bytes(header + data)
        for read in (read_sick_leave, read_hospital_stays):
            with contextlib.suppress(RosterFormatError):
                read(path)
