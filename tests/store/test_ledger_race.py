"""Two processes proposing grants for one member at once cannot both pass one cap."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from store_support import StoreTarget, race
from unionkit.models import Benefit, BenefitKind, GrantForm, Member
from unionkit.models.benefit import Festival
from unionkit.store import define_benefits, import_members, list_grants

WORKER = Path(__file__).with_name("ledger_worker.py")


def test_concurrent_proposals_cannot_both_pass_the_festival_cap(
    store_target: StoreTarget,
) -> None:
    store = store_target.open()
    import_members(
        store,
        [Member(member_id="M0", name="张三", dues_paid_through="2026-09")],
        on=date(2026, 9, 1),
    )
    goods = Benefit(
        benefit_id="spring",
        kind=BenefitKind.FESTIVAL_GOODS,
        name_zh="春节",
        name_en="spring",
        form=GrantForm.GOODS,
        festival=Festival.SPRING,
    )
    define_benefits(store, [goods, goods.model_copy(update={"benefit_id": "autumn"})])
    results = race(
        WORKER, [[store_target.target, store_target.schema or "", b] for b in ("spring", "autumn")]
    )
    # 1,500 + 1,500 is over the 2,200 festival total: exactly one may be stored.
    assert sorted(r["stored"] for r in results) == [False, True]
    assert len(list_grants(store, member_id="M0")) == 1
    store.close()
