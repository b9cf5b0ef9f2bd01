"""The dual link's sick-leave visits, a rule over events, propose what the Python sum did."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unionkit_postal.dual_link import _sick_leave_visits
from unionkit_postal.exports import SickLeave

from unionkit.branches import branch_ruleset
from unionkit.hooks import PluginHost
from unionkit.models import Member, MemberStatus

AS_OF = date(2026, 5, 31)
IDS = ["P1", "P2", "P3", "P4"]


def before(
    members: dict[str, Member], leave: list[SickLeave], as_of: date, threshold: int
) -> list[tuple[str, str, str, str]]:
    """The dual link's computation before it became a rule: a Python sum per member."""
    sick_days: dict[str, int] = defaultdict(int)
    for r in leave:
        if r.start.year == as_of.year and r.start <= as_of and r.member_id in members:
            sick_days[r.member_id] += r.days
    out = []
    for member_id, days in sorted(sick_days.items()):
        m = members[member_id]
        if m.is_member and m.status.value == "active" and days >= threshold:
            key = f"sick_leave_visit|{member_id}|{as_of.year}"
            why = (f"{as_of.year}年累计病假{days}天", f"{days} sick-leave days in {as_of.year}")
            out.append((key, member_id, *why))
    return out


records = st.builds(
    lambda m, start, length, days, row: SickLeave(
        m, start, start + timedelta(days=length), days, row
    ),
    st.sampled_from(IDS),
    st.dates(date(2025, 10, 1), date(2026, 7, 31)),
    st.integers(0, 60),
    st.integers(0, 40),
    st.integers(2, 500),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(records, max_size=14),
    st.lists(st.sampled_from(["active", "suspended", "left"]), min_size=4, max_size=4),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_sick_leave_visits_are_the_same_as_the_python_sum(
    host: PluginHost, leave: list[SickLeave], statuses: list[str], member: list[bool]
) -> None:
    members = {
        m: Member(member_id=m, name="职工", status=MemberStatus(s), is_member=b)
        for m, s, b in zip(IDS, statuses, member, strict=True)
    }
    ruleset = branch_ruleset(host, "postal", AS_OF)
    threshold = int(ruleset.parameters.value("postal.dual_link.sick_leave_days", AS_OF))

    got = _sick_leave_visits(ruleset, members, leave, AS_OF)

    want = before(members, leave, AS_OF, threshold)
    assert [(p.key, p.member_id, p.reason_zh, p.reason_en) for p in got] == want
    assert all(p.kind == "sick_leave_visit" and p.amount is None for p in got)
