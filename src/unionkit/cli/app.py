"""The typer application; each area registers its commands from its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="unionkit",
    help="unionkit: 工会会员、诉求、福利与资格规则 / union members, demands, benefits, rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each area's module adds its commands to `app` when imported; keep one line per area.
from unionkit.cli import allocate as _allocate  # noqa: E402, F401
from unionkit.cli import calendar as _calendar  # noqa: E402, F401
from unionkit.cli import demands as _demands  # noqa: E402, F401
from unionkit.cli import grants as _grants  # noqa: E402, F401
from unionkit.cli import hardship as _hardship  # noqa: E402, F401
from unionkit.cli import members as _members  # noqa: E402, F401
from unionkit.cli import plugins as _plugins  # noqa: E402, F401
from unionkit.cli import roster as _roster  # noqa: E402, F401
from unionkit.cli import rules as _rules  # noqa: E402, F401
from unionkit.cli import store as _store  # noqa: E402, F401
from unionkit.cli import visits as _visits  # noqa: E402, F401
from unionkit.cli import welfare as _welfare  # noqa: E402, F401
from unionkit.cli import year as _year  # noqa: E402, F401
