"""Rule coverage: the rules, decision-table rows and ``where`` branches the YAML tests ran."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

if TYPE_CHECKING:
    import datetime as dt

    from unionkit.rules import RuleSet
    from unionkit.rules.expr import Expr
    from unionkit.rules.trace import Tracer

__all__ = ["CoverageItem", "CoverageReport", "RuleCoverage", "where_branches"]


@frozen
class CoverageItem:
    """
    One thing a test suite may exercise: a rule, a table row, or one branch of a ``where``.

    Attributes:
        kind: ``rule``, ``row`` or ``branch``.
        rule: The rule it belongs to.
        what: What it is, for people (``row 2 (deep hardship)``, ``where #1 … : if true``).
        origin: The file and line of its rule (``""`` when not known).
        hit: Whether some case exercised it.

    .. versionadded:: Unreleased
    """

    kind: str
    rule: str
    what: str
    origin: str
    hit: bool


@frozen
class CoverageReport:
    """
    What a run of YAML rule tests covered, item by item, with the totals.

    .. versionadded:: Unreleased
    """

    items: tuple[CoverageItem, ...]

    def totals(self) -> dict[str, tuple[int, int]]:
        """``{kind: (exercised, total)}`` for ``rule``, ``row``, ``branch`` and ``all``."""
        out: dict[str, tuple[int, int]] = {}
        for kind in ("rule", "row", "branch"):
            mine = [i for i in self.items if i.kind == kind]
            out[kind] = (sum(i.hit for i in mine), len(mine))
        out["all"] = (sum(i.hit for i in self.items), len(self.items))
        return out

    def percent(self) -> float:
        """The share of all items exercised, in percent (100 when there is nothing to cover)."""
        hit, total = self.totals()["all"]
        return 100.0 if total == 0 else 100.0 * hit / total

    def missed(self) -> list[CoverageItem]:
        """The items no case exercised, by origin and rule."""
        return sorted((i for i in self.items if not i.hit), key=_order)

    def lines(self) -> list[str]:
        """The terminal summary: one line per file of rules, the totals, then every miss."""
        by_origin: dict[str, list[CoverageItem]] = {}
        for item in self.items:
            by_origin.setdefault(item.origin.rsplit(", line", 1)[0] or "(rules)", []).append(item)
        width = max([len(o) for o in by_origin] + [len("TOTAL")])
        head = f"{'Rules file':<{width}}  {'Rules':>9}  {'Rows':>9}  {'Branches':>9}  {'Cover':>6}"
        out = [head, "-" * len(head)]

        def cells(items: Iterable[CoverageItem]) -> str:
            items = list(items)
            parts = []
            for kind in ("rule", "row", "branch"):
                mine = [i for i in items if i.kind == kind]
                parts.append(f"{sum(i.hit for i in mine)}/{len(mine)}".rjust(9))
            share = 100.0 * sum(i.hit for i in items) / len(items) if items else 100.0
            return "  ".join(parts) + f"  {share:5.1f}%"

        for origin in sorted(by_origin):
            out.append(f"{origin:<{width}}  {cells(by_origin[origin])}")
        out.append("-" * len(head))
        out.append(f"{'TOTAL':<{width}}  {cells(self.items)}")
        missed = self.missed()
        if missed:
            out.append("")
            out.append("Not exercised by any case / 没有用例覆盖:")
            for item in missed:
                where = f" ({item.origin})" if item.origin else ""
                out.append(f"  {item.kind:<6} {item.rule}: {item.what}{where}")
        return out

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: totals, percent and every item."""
        return {
            "percent": round(self.percent(), 2),
            "totals": {k: {"exercised": h, "total": t} for k, (h, t) in self.totals().items()},
            "items": [
                {"kind": i.kind, "rule": i.rule, "what": i.what, "origin": i.origin, "hit": i.hit}
                for i in self.items
            ],
        }

    def write_json(self, path: Path) -> None:
        """Write :meth:`to_json` to *path* (UTF-8, indented)."""
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def where_branches(e: Expr) -> list[tuple[Expr, str]]:
    """Every ``where`` in *e*, parents first: its condition and its text for people."""
    from unionkit.rules.expr import Call, to_text, walk

    out = []
    for node in walk(e):
        if isinstance(node, Call) and node.fn == "where":
            text = to_text(node.args[0])
            out.append((node.args[0], text if len(text) <= 60 else text[:57] + "..."))
    return out


class RuleCoverage:
    """
    Collects, case after case, what the YAML rule tests exercised.

    A rule is exercised when a case computed it (asked for it, or for a rule
    that reads it); a decision-table row when it decided some member's value
    (every matching row, under a collect policy); a ``where`` branch when its
    condition was known yes (the ``if true`` branch) or known no (``if false``)
    for some member. Rules are told apart by name and origin, so the standard
    library's rules count once however many test files load them.

    .. versionadded:: Unreleased
    """

    def __init__(self, *, restricted: bool = False) -> None:
        # restricted: only the rules :meth:`record` is given an origin for are measured
        self.restricted = restricted
        self._known: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._hit: set[tuple[str, str, str]] = set()

    def _add(self, key: tuple[str, str, str], kind: str, shown: str) -> None:
        # keyed by the rule's origin; *shown* is where the item itself is written (a row's line)
        self._known.setdefault(key, (kind, shown))

    def record(
        self,
        ruleset: RuleSet,
        data: Any,
        as_of: dt.date,
        rules: Iterable[str],
        origins: Mapping[str, str],
    ) -> None:
        """
        Run *rules* once more, traced, over *data*, and note what the run exercised.

        Every rule of *ruleset* (with its rows and branches) joins the universe
        the first time a rule set is seen, exercised or not; when the coverage is
        *restricted*, only the rules named in *origins*.
        """
        from unionkit.rules.interpret import open_run
        from unionkit.rules.trace import Tracer

        program = ruleset.program
        for name, rule in program.rules.items():
            if name in origins or not self.restricted:
                self._universe(name, rule.expr, origins)
        cols = ruleset.prepare(data)
        tracer = Tracer()
        open_run(program, cols, as_of, list(rules), tracer=tracer).run()
        for name in tracer.rules:
            if self.restricted and name not in origins:
                continue
            self._exercised(name, origins.get(name, ""), program.rules[name].expr, tracer)

    def _universe(self, name: str, expr: Expr, origins: Mapping[str, str]) -> None:
        from unionkit.rulefiles.tables import row_key
        from unionkit.rules.tables import iter_tables, row_name

        origin = origins.get(name, "")
        self._add((origin, name, ""), "rule", origin)
        for t, table in enumerate(iter_tables(expr)):
            for k in range(len(table.rows)):
                # a rule holds one table when written in a file: its rows' lines are known
                shown = origins.get(row_key(name, k + 1), origin) if t == 0 else origin
                self._add((origin, name, _row_what(t, row_name(table, k))), "row", shown)
        for b, (_, text) in enumerate(where_branches(expr)):
            for side in ("true", "false"):
                self._add((origin, name, _branch_what(b, text, side)), "branch", origin)

    def _exercised(self, name: str, origin: str, expr: Expr, tracer: Tracer) -> None:
        import numpy as np

        from unionkit.rules.tables import TableHits, iter_tables, row_name

        self._hit.add((origin, name, ""))
        for t, table in enumerate(iter_tables(expr)):
            recorded = tracer.values.get(TableHits(table))
            if recorded is None:
                continue
            status, chosen = recorded.values
            hits = (status == 1).any(axis=0) if table.hit.startswith("collect_") else None
            for k in range(len(table.rows)):
                hit = bool(hits[k]) if hits is not None else bool((chosen == k).any())
                if hit:
                    self._hit.add((origin, name, _row_what(t, row_name(table, k))))
        for b, (cond, text) in enumerate(where_branches(expr)):
            v = tracer.values.get(cond)
            if v is None:
                continue
            values = np.asarray(v.values, dtype=bool)
            known = ~np.asarray(v.missing) if v.missing is not None else True
            if np.any(values & known):
                self._hit.add((origin, name, _branch_what(b, text, "true")))
            if np.any(~values & known):
                self._hit.add((origin, name, _branch_what(b, text, "false")))

    def report(self) -> CoverageReport:
        """Everything seen so far, exercised or not."""
        items = [
            CoverageItem(kind, name, what or "(rule)", origin, key in self._hit)
            for key, (kind, origin) in self._known.items()
            for (_, name, what) in [key]
        ]
        return CoverageReport(tuple(sorted(items, key=_order)))


def _row_what(table: int, row: str) -> str:
    return f"table {table + 1}, {row}" if table else row


def _branch_what(index: int, cond: str, side: str) -> str:
    return f"where #{index + 1} ({cond}): if {side}"


def _order(item: CoverageItem) -> tuple[str, int, str, str]:
    """Items by file, then line (numerically: line 9 before line 10), rule and what."""
    file, _, line = item.origin.rpartition(", line ")
    number = int(line) if line.isdigit() else 0
    return (file if file else item.origin, number, item.rule, item.what)
