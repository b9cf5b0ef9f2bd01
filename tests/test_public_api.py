"""The top-level package: its public names resolve and importing it stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import unionkit

HEAVY = (
    "pandas",
    "polars",
    "pyarrow",
    "sqlalchemy",
    "matplotlib",
    "typer",
    "rich",
    "phonenumbers",
    "python_calamine",
    "narwhals",
    "dask",
    "distributed",
)


@pytest.mark.parametrize("name", unionkit.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(unionkit, name) is not None


def test_all_lists_exactly_the_lazily_loaded_names() -> None:
    assert set(unionkit.__all__) - {"__version__"} == set(unionkit._LAZY)


def test_unknown_names_raise() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = unionkit.nope


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert version("unionkit") == unionkit.__version__


def test_importing_unionkit_and_its_models_pulls_in_no_optional_dependency() -> None:
    code = (
        "import sys, unionkit, unionkit.models, unionkit.errors, unionkit.rules\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert "" == out.stdout.strip()


def test_errors_are_also_their_builtin_kinds() -> None:
    from unionkit import errors

    generic = {Exception, BaseException, object}
    for name in errors.__all__:
        cls = getattr(errors, name)
        if not (isinstance(cls, type) and issubclass(cls, errors.UnionkitError)):
            continue
        if cls is errors.UnionkitError:
            continue
        builtin_kinds = [
            base for base in cls.__mro__ if base.__module__ == "builtins" and base not in generic
        ]
        assert builtin_kinds, f"{name} subclasses no builtin error kind"
