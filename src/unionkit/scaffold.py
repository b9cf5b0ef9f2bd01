"""``unionkit plugin new``: write a branch plugin package whose own tests pass as generated."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from unionkit.errors import UnionkitError

__all__ = ["PluginNameError", "new_plugin"]

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class PluginNameError(UnionkitError, ValueError):
    """The plugin name is not a short lowercase slug, or its folder already exists."""


def _requires() -> str:
    major, minor = (int(p) for p in version("unionkit").split(".")[:2])
    return f">={major}.{minor},<{major}.{minor + 1}"


def new_plugin(name: str, directory: str | Path = ".") -> Path:
    """
    Write a new branch plugin package ``unionkit-NAME`` into *directory*.

    The package is complete and its tests pass as generated: ``pyproject.toml`` with
    the entry point, ``hooks.py`` contributing a parameter file and a hardship
    criterion limited to union members, a YAML rule test and a pytest test that goes
    through unionkit's plugin host. Edit the YAML and the hooks from there.

    Args:
        name: The branch slug, lowercase letters, digits and hyphens (``railway``,
            ``hospital-east``); it names the branch, the entry point and the
            distribution ``unionkit-NAME``.
        directory: Where to create the ``unionkit-NAME`` folder.

    Returns:
        The new folder.

    Raises:
        PluginNameError: *name* is not a slug, or the folder exists already.

    .. versionadded:: 0.1.0
    """
    if not _NAME.fullmatch(name):
        raise PluginNameError(
            f"插件名须为小写字母、数字和连字符，如 railway：{name!r} / a plugin name is lowercase "
            f"letters, digits and hyphens, such as railway: {name!r}"
        )
    root = Path(directory) / f"unionkit-{name}"
    if root.exists():
        raise PluginNameError(f"{root} 已存在 / {root} exists already")
    prefix = name.replace("-", "_")
    values = {
        "name": name,
        "prefix": prefix,
        "package": f"unionkit_{prefix}",
        "requires": _requires(),
    }
    for path, template in _FILES.items():
        target = root / path.format(**values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.format(**values), encoding="utf-8")
    return root


_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "unionkit-{name}"
version = "0.1.0"
description = "unionkit plugin for the {name} branch union."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["unionkit{requires}"]

[project.optional-dependencies]
test = ["pytest>=8", "mypy>=1.10"]

[project.entry-points.unionkit]
{name} = "{package}.hooks"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
# unionkit's fixtures (plugin_host, register_plugin, make_member) and YAML rule tests
addopts = "-ra -p unionkit.testing"

[tool.mypy]
strict = true
# unionkit's models are pydantic models: the plugin makes mypy understand them
plugins = ["pydantic.mypy"]
"""

_README = """\
# unionkit-{name}

A unionkit plugin for the `{name}` branch union.
Its figures are dated parameters in `src/{package}/rules/*.yaml`, named `{prefix}.*`,
each with its source.

```console
python3 -m venv .venv && .venv/bin/pip install -e ".[test]"
.venv/bin/pytest
.venv/bin/unionkit plugins --diff --branch {name}
```

See unionkit's `docs/plugins.md` for every hook a plugin may implement.
"""

_INIT = '''\
"""unionkit plugin for the {name} branch union."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["rule_file"]


def rule_file(name: str) -> Traversable:
    """Return one of the plugin's YAML rule files (readable from a wheel too)."""
    return resources.files(__name__).joinpath("rules", name)
'''

_HOOKS = '''\
"""The {name} branch's hook implementations: registered under the entry point ``{name}``."""

from __future__ import annotations

from datetime import date
from functools import cache

from unionkit.hooks import Branch, HardshipCriterion, hookimpl, implements, specs
from unionkit.rules import Parameters
from unionkit.rulefiles import RuleBundle, read_rule_files
from {package} import rule_file

BRANCHES = frozenset({{"{name}"}})
UNIONKIT_REQUIRES = "{requires}"


@cache
def _bundle(name: str) -> RuleBundle:
    return read_rule_files([rule_file(name)], source="{name}")


@implements(specs.unionkit_register_parameters)
@hookimpl
def unionkit_register_parameters(branch: Branch, today: date) -> list[Parameters]:
    """The branch's own dated parameters."""
    return [_bundle("hardship.yaml").parameters]


@implements(specs.unionkit_register_hardship_criteria)
@hookimpl
def unionkit_register_hardship_criteria(branch: Branch, today: date) -> list[HardshipCriterion]:
    """The branch's hardship criteria, each a yes/no rule with a weight."""
    return [HardshipCriterion(name=rule.name, rule=rule, weight=20.0)
            for rule in _bundle("hardship.yaml").rules]
'''

_RULES = """\
# The {name} branch's hardship criterion and the parameter it reads.
parameters:
  {prefix}.hardship.sick_leave_days:
    unit: days
    description_zh: 本年病假达到该天数的会员认定为困难
    description_en: Union members with this many days of sick leave this year are in hardship
    source: "{name} 分工会困难职工认定办法（请改为贵会文件名）"
    values:
      2025-01-01: 60

rules:
  - name: {prefix}_long_sick_leave
    label: {{zh: 长期病假（{name}）, en: long sick leave ({name})}}
    type: bool
    # is_member: union help is for members; a relative on a roster is never eligible
    expr: is_member and sick_leave_days >= ${prefix}.hardship.sick_leave_days
    description:
      zh: 会员本年病假天数达到分会规定天数；天数不明时为否。
      en: A union member whose sick leave this year reaches the branch's days; no when unknown.
    source: "{name} 分工会困难职工认定办法（请改为贵会文件名）"
"""

_RULETEST = """\
# The {name} branch's YAML rule on top of the standard library; worked out by hand.
standard: true
rule_files:
  - ../src/{package}/rules/hardship.yaml
cases:
  - name: members with long sick leave count, relatives never
    as_of: 2025-06-01
    members:
      - {{member_id: a, household_id: H1, sick_leave_days: 60}}
      - {{member_id: b, household_id: H1, is_member: false, sick_leave_days: 90}}
      - {{member_id: c, household_id: H2, sick_leave_days: 59}}
    expect:
      a:
        {prefix}_long_sick_leave: true    # 60 >= 60
      b:
        {prefix}_long_sick_leave: false   # 90 days, but a relative, not a member
      c:
        {prefix}_long_sick_leave: false   # 59 < 60
"""

_TEST = '''\
"""The {name} plugin's hooks, exercised through unionkit's plugin host as in production."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import {package}.hooks
from unionkit.branches import branch_ruleset
from unionkit.hooks import PluginHost


def test_the_criterion_reaches_the_branch_and_only_members_meet_it(
    plugin_host: PluginHost, register_plugin: Callable[..., str]
) -> None:
    register_plugin({package}.hooks, branches={package}.hooks.BRANCHES, name="{name}")
    ruleset = branch_ruleset(plugin_host, "{name}", date(2025, 6, 1))
    roster = {{
        "member_id": ["a", "b"],
        "is_member": [True, False],
        "sick_leave_days": [70, 70],
    }}

    result = ruleset.evaluate(roster, date(2025, 6, 1), ["{prefix}_long_sick_leave"])

    assert [True, False] == [bool(v) for v in result.frame["{prefix}_long_sick_leave"]]
    assert "{prefix}_long_sick_leave" not in branch_ruleset(plugin_host, "other").rules
'''

_FILES = {
    "pyproject.toml": _PYPROJECT,
    "README.md": _README,
    "src/{package}/__init__.py": _INIT,
    "src/{package}/py.typed": "",
    "src/{package}/hooks.py": _HOOKS,
    "src/{package}/rules/hardship.yaml": _RULES,
    "tests/{prefix}_rules.ruletest.yaml": _RULETEST,
    "tests/test_{prefix}_plugin.py": _TEST,
}
