"""The year report's care figures: visits done, and hardship files entered and left, by date."""

from __future__ import annotations

from datetime import date

from unionkit.care.visits import VisitKind, VisitTask
from unionkit.models import Member
from unionkit.reports.money_section import LedgerMoney
from unionkit.reports.year import year_figures
from unionkit.reports.year_render import md_escape, to_markdown, year_document
from unionkit.store import (
    Store,
    add_visits,
    complete_visit,
    confirm_leaving,
    enter_file,
    import_members,
    reverify_file,
    start_leaving,
)


def test_visits_and_files_count_what_happened_in_the_year_only(store: Store) -> None:
    people = "ABCDEF"
    import_members(store, [Member(member_id=m, name="职工") for m in people], on=date(2024, 1, 1))
    add_visits(
        store,
        [
            VisitTask(
                visit_id=f"v{i}",
                member_id=m,
                kind=VisitKind.ILLNESS,
                due_on=date(2025, 3, 1),
                reason="患病",
            )
            for i, m in enumerate("ABCD")
        ],
    )
    complete_visit(store, "v0", on=date(2025, 3, 2), note="已慰问", by="office")
    complete_visit(store, "v1", on=date(2025, 12, 31), note="已慰问", by="office")
    complete_visit(store, "v2", on=date(2026, 1, 2), note="次年才走访", by="office")
    # v3 stays open: planned is not done.

    old = enter_file(store, "A", tier="deep", on=date(2024, 5, 1), evidence="E1", actor="c")
    reverify_file(store, old.file_id, on=date(2025, 5, 1), actor="c")  # not a new entry
    left = enter_file(store, "B", tier="deep", on=date(2025, 2, 1), evidence="E2", actor="c")
    start_leaving(store, left.file_id, on=date(2025, 6, 2), actor="c", reason="收入已超标准")
    confirm_leaving(store, left.file_id, on=date(2025, 7, 15), actor="c")
    noticed = enter_file(store, "C", tier="relative", on=date(2025, 3, 1), evidence="E3", actor="c")
    # Notice runs into the next year: the file has not left in 2025.
    start_leaving(store, noticed.file_id, on=date(2025, 12, 29), actor="c", reason="已脱困")
    enter_file(store, "D", tier="deep", on=date(2026, 1, 5), evidence="E4", actor="c")

    money = LedgerMoney(store)
    y2025 = (date(2025, 1, 1), date(2025, 12, 31))
    assert money.visits_done(*y2025) == 2
    assert money.hardship_files(*y2025) == (2, 1)
    assert money.visits_done(date(2026, 1, 1), date(2026, 12, 31)) == 1
    assert money.hardship_files(date(2026, 1, 1), date(2026, 12, 31)) == (1, 0)

    figures = year_figures(store, 2025)
    assert (figures.money.visits_done, figures.money.hardship_entered) == (2, 2)
    zh = to_markdown(year_document(figures, "zh"))
    en = to_markdown(year_document(figures, "en"))
    assert "| 走访慰问 | 2 |" in zh and "| 困难职工档案（新建 / 退出） | 2 / 1 |" in zh
    assert "| Care visits done | 2 |" in en
    assert f"| {md_escape('Hardship files (entered / left)')} | 2 / 1 |" in en
