"""What plugins cost: rule-set assembly through the hooks, against evaluating the roster once.

Run: .venv/bin/python benchmarks/plugins.py [roster.csv]
Prints best-of-N timings and ratios against baselines measured in the same process:
  - assembly (all hooks called, results validated, conflicts resolved, RuleSet built)
    against one evaluation of the standard rules over the roster;
  - evaluating the hospital branch's rule set against evaluating the standard one.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from _timing import best

from unionkit.branches import assemble_branch, branch_fields, branch_ruleset
from unionkit.hooks import PluginHost
from unionkit.io import MONEY_FIELDS, members_to_columns, read_roster
from unionkit.rulefiles import standard_ruleset

AS_OF = date(2026, 6, 1)
REPEATS = 7


def columns(path: Path, extra: list[str]) -> dict[str, Any]:
    members = read_roster(path).members
    cols: dict[str, Any] = members_to_columns(members)
    for name in MONEY_FIELDS:
        fen = cols[name]
        mask = np.ma.getmaskarray(fen).tolist()
        cols[name] = np.array(
            [
                None if m else Decimal(int(v)).scaleb(-2)
                for v, m in zip(np.ma.getdata(fen).tolist(), mask, strict=True)
            ],
            dtype=object,
        )
    for name in extra:
        cols.setdefault(name, np.zeros(len(members), dtype=bool))
    return cols


def main() -> None:
    roster = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples/roster.csv")
    host = PluginHost()
    if not host.is_active("hospital", "hospital"):
        sys.exit("install the hospital plugin first: pip install -e plugins/unionkit-hospital")
    standard = standard_ruleset()
    hospital = branch_ruleset(host, "hospital", AS_OF)
    extra = [f for f in branch_fields(host, "hospital", AS_OF) if f not in standard.fields]
    data = columns(roster, [*extra, "homes_owned", "child_high_fee_school", "hardship_costs"])
    for name in ("homes_owned", "hardship_costs"):
        data[name] = np.full(len(data["member_id"]), None, dtype=object)
    n = len(data["member_id"])
    std_rules = list(standard.rules)
    hosp_rules = list(hospital.rules)

    t_std = best(lambda: standard.evaluate(data, as_of=AS_OF, rules=std_rules), REPEATS)
    t_hosp = best(lambda: hospital.evaluate(data, as_of=AS_OF, rules=hosp_rules), REPEATS)

    def cold() -> object:
        fresh = PluginHost()
        return branch_ruleset(fresh, "hospital", AS_OF)

    t_cold = best(cold, REPEATS)
    t_cached = best(lambda: assemble_branch(host, "hospital", AS_OF), repeats=50)

    print(f"roster: {n} rows; standard rules {len(std_rules)}, hospital rules {len(hosp_rules)}")
    print(f"evaluate standard rules:          {t_std * 1e3:8.1f} ms  (baseline)")
    per_rule = (t_hosp / len(hosp_rules)) / (t_std / len(std_rules))
    print(
        f"evaluate hospital rule set:       {t_hosp * 1e3:8.1f} ms  "
        f"ratio {t_hosp / t_std:5.2f} (per rule {per_rule:4.2f})"
    )
    print(
        f"assemble + build (new host):      {t_cold * 1e3:8.1f} ms  "
        f"ratio {t_cold / t_std:5.2f} of one standard evaluation"
    )
    print(f"assemble again (cached):          {t_cached * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
