"""The branch (分工会/基层工会) a plugin serves: one deployment may host several."""

from __future__ import annotations

import re

from attrs import field, frozen

from unionkit.errors import InvalidBranch

__all__ = ["Branch", "as_branch"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _check_slug(_instance: object, _attribute: object, value: str) -> None:
    if not _SLUG.match(value):
        raise InvalidBranch(
            f"Branch slug {value!r} must be lowercase letters, digits, '-' or '_' (at most 64)"
            f" / 分工会代号{value!r}只能由小写字母、数字、'-'或'_'组成（最多64个字符）"
        )


@frozen
class Branch:
    """
    A branch union served by this deployment, named by a slug such as ``"hospital"``.

    Plugins declare the slugs they apply to in their module-level ``BRANCHES``.

    Args:
        slug: Short lowercase identifier, also used as the plugin entry-point name.
        name_zh: Display name in Chinese.
        name_en: Display name in English.
        kind: What sort of unit it is, e.g. ``"hospital"`` or ``"postal"``.

    .. versionadded:: 0.1.0
    """

    slug: str = field(validator=_check_slug)
    name_zh: str = ""
    name_en: str = ""
    kind: str = ""

    def label(self, lang: str = "zh") -> str:
        """The display name in *lang*, falling back to the slug."""
        name = self.name_zh if lang == "zh" else self.name_en
        return name or self.slug


def as_branch(branch: Branch | str) -> Branch:
    """
    Return *branch* as a :class:`Branch`, accepting a bare slug.

    Raises:
        InvalidBranch: The slug is malformed.
    """
    return branch if isinstance(branch, Branch) else Branch(branch)
