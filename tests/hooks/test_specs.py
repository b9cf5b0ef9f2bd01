"""Meta-tests of the hook specifications: naming, documentation and test coverage."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from unionkit.hooks import specs

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(
    (name, fn) for name, fn in vars(specs).items() if name.startswith("unionkit_") and callable(fn)
)


def signature_text(fn: object) -> str:
    """The signature as written in the source, e.g. ``unionkit_x(branch: Branch) -> None``."""
    annotations = dict(fn.__annotations__)
    ret = annotations.pop("return")
    params = ", ".join(f"{name}: {ann}" for name, ann in annotations.items())
    return f"{fn.__name__}({params}) -> {ret}"  # type: ignore[attr-defined]


def test_there_are_hookspecs() -> None:
    assert len(SPECS) >= 10


@pytest.mark.parametrize(("name", "fn"), SPECS)
def test_spec_is_documented_with_when_it_fires_and_since_when(name: str, fn: object) -> None:
    doc = inspect.getdoc(fn) or ""

    assert "Called" in doc
    assert ".. versionadded::" in doc
    assert getattr(fn, "unionkit_spec", None) is not None


@pytest.mark.parametrize(("name", "fn"), SPECS)
def test_spec_has_a_test_named_after_it(name: str, fn: object) -> None:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("*.py"))

    assert re.search(rf"^def test_hook_{name}\(", sources, re.MULTILINE)


@pytest.mark.parametrize(("name", "fn"), SPECS)
def test_spec_signature_appears_in_the_hook_reference(name: str, fn: object) -> None:
    reference = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")

    assert signature_text(fn) in reference


def test_firstresult_only_for_lookups_and_never_historic() -> None:
    first = sorted(name for name, fn in SPECS if fn.unionkit_spec.get("firstresult"))

    assert ["unionkit_route_demand"] == first
    assert not any(fn.unionkit_spec.get("historic") for _, fn in SPECS)
