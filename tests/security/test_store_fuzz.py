"""Any text a model accepts is stored and read back unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from store_support import MONDAY
from unionkit.errors import InvalidDemandData, StoreError
from unionkit.models import Member
from unionkit.store import Store

# Every code point, lone surrogates and NUL included: PostgreSQL refuses both.
_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80)
_counter = itertools.count()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_TEXT, department=_TEXT, title=_TEXT, content=_TEXT)
def test_accepted_text_round_trips_and_refused_text_names_its_field(
    store: Store, name: str, department: str, title: str, content: str
) -> None:
    n = next(_counter)
    try:
        member = Member(member_id=f"F{n}", name=name, department=department or None)
    except ValidationError as exc:
        assert {"name", "department"} & {
            str(e["loc"][0]) for e in exc.errors() if e["loc"]
        } or "contains the control character" in str(exc)
        return
    try:
        store.add_members([member])
    except StoreError as exc:  # pragma: no cover - the point of the test is that it is not
        raise AssertionError(f"the model accepted what the store refused: {exc}") from None
    assert member == store.get_member(f"F{n}")
    try:
        demand = store.submit_demand(
            member_id=f"F{n}",
            kind="request",
            title=title,
            content=content,
            demand_id=f"FD{n}",
            at=MONDAY,
        )
    except InvalidDemandData as exc:
        assert "title" in str(exc) or "content" in str(exc)
        return
    assert demand == store.get_demand(f"FD{n}")
