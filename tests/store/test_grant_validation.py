"""Grants checked by the branch's plugins before the store keeps them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest

from store_support import StoreTarget
from unionkit.errors import InvalidMemberData, PluginError, Rejected
from unionkit.hooks import Branch, PluginHost, hookimpl
from unionkit.models import Benefit, BenefitKind, Grant, GrantForm, Member
from unionkit.store import Store

Register = Callable[..., str]

BIRTHDAY = Benefit(
    benefit_id="BIRTHDAY",
    kind=BenefitKind.BIRTHDAY,
    name_zh="生日慰问",
    name_en="birthday gift",
    form=GrantForm.VOUCHER,
)
VISIT = Benefit(
    benefit_id="VISIT",
    kind=BenefitKind.ILLNESS_VISIT,
    name_zh="患病慰问",
    name_en="illness visit",
    form=GrantForm.CASH,
)


class CapBirthdays:
    """A branch rule: a birthday gift is at most 300 yuan and never cash."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []

    @hookimpl
    def unionkit_validate_grant(self, grant: Grant, benefit: Benefit, branch: Branch) -> None:
        self.asked.append((grant.grant_id, benefit.benefit_id, branch.slug))
        if benefit.kind is BenefitKind.BIRTHDAY and grant.amount > Decimal("300"):
            raise Rejected(
                f"birthday gifts are capped at 300 yuan, not {grant.amount} / "
                f"生日慰问每人不超过300元"
            )


def _grant(grant_id: str, benefit: Benefit = BIRTHDAY, amount: str = "200.00") -> Grant:
    return Grant(
        grant_id=grant_id,
        benefit_id=benefit.benefit_id,
        member_id="M1",
        amount=Decimal(amount),
        granted_on=date(2026, 3, 2),
        form=benefit.form,
        reason=benefit.name_zh,
    )


@pytest.fixture
def checked(
    store_target: StoreTarget, plugin_host: PluginHost, register_plugin: Register
) -> Iterator[tuple[Store, CapBirthdays]]:
    plugin = CapBirthdays()
    register_plugin(plugin, branches={"hospital"}, name="birthday-cap")
    from unionkit.store import open_store

    store = open_store(
        store_target.target,
        schema=store_target.schema,
        grant_validator=plugin_host.grant_validator("hospital"),
    )
    store.add_members([Member.model_validate({"member_id": "M1", "name": "王五"})])
    yield store, plugin
    store.close()


def test_a_grant_the_plugins_accept_is_stored(checked: tuple[Store, CapBirthdays]) -> None:
    store, plugin = checked

    store.add_grant(_grant("G1"), BIRTHDAY)

    assert [Decimal("200.00")] == [g.amount for g in store.grants_for("M1")]
    assert [("G1", "BIRTHDAY", "hospital")] == plugin.asked


def test_a_veto_names_plugin_and_grant_and_stores_none_of_the_batch(
    checked: tuple[Store, CapBirthdays],
) -> None:
    store, plugin = checked
    before = store.count_rows()
    batch = [
        _grant("G1"),
        _grant("G2", VISIT, "1000.00"),
        _grant("G3", amount="500.00"),
        _grant("G4"),
    ]

    with pytest.raises(Rejected) as err:
        store.add_grants(batch, benefits=[BIRTHDAY, VISIT])

    message = str(err.value)
    assert (
        "Grant 'G3' (member 'M1', benefit 'BIRTHDAY') was rejected by plugin "
        "'birthday-cap'" in message
    )
    assert "capped at 300 yuan, not 500.00" in message
    assert "birthday-cap" == err.value.plugin_name
    assert before == store.count_rows()
    assert [] == store.grants_for("M1")
    assert ["G1", "G2", "G3"] == [asked[0] for asked in plugin.asked]


def test_a_grant_without_its_benefit_cannot_be_checked_and_is_not_stored(
    checked: tuple[Store, CapBirthdays],
) -> None:
    store, _ = checked

    with pytest.raises(InvalidMemberData, match=r"(?s)G1.*benefit 'BIRTHDAY' was not given"):
        store.add_grants([_grant("G1")])

    assert [] == store.grants_for("M1")


def test_a_plugin_failing_while_checking_is_named_and_nothing_is_stored(
    store_target: StoreTarget, plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Broken:
        @hookimpl
        def unionkit_validate_grant(self, grant: Grant) -> None:
            raise KeyError("quota table missing")

    register_plugin(Broken(), name="broken")
    with store_target.open() as store:
        store.grant_validator = plugin_host.grant_validator("hospital")
        store.add_members([Member.model_validate({"member_id": "M1", "name": "王五"})])

        with pytest.raises(
            PluginError, match="Plugin 'broken' failed in hook 'unionkit_validate_grant'"
        ):
            store.add_grant(_grant("G1"), BIRTHDAY)

        assert [] == store.grants_for("M1")


def test_a_store_without_a_validator_needs_no_benefits(store: Store) -> None:
    store.add_members([Member.model_validate({"member_id": "M1", "name": "王五"})])

    store.add_grants([_grant("G1", amount="500.00")])

    assert [Decimal("500.00")] == [g.amount for g in store.grants_for("M1")]
