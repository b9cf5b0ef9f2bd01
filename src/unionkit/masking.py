"""Masking personal numbers and names in text, on the ground floor so errors can mask too."""

from __future__ import annotations

import re

__all__ = ["ID_KEEP", "MOBILE_KEEP", "mask_name", "mask_raw", "mask_text", "scrub"]

ID_KEEP = (4, 4)
"""How many leading and trailing characters a masked resident ID keeps (``1101**********002X``)."""

MOBILE_KEEP = (3, 4)
"""How many leading and trailing digits a masked mobile number keeps (``138****8000``)."""


def mask_text(value: str, keep_start: int, keep_end: int) -> str:
    """
    Mask the middle of *value*, keeping *keep_start* leading and *keep_end* trailing characters.

    Short values are masked entirely but for their last character, so that no
    personal value ever appears whole.
    """
    n = len(value)
    if n <= keep_start + keep_end:
        return "*" * max(n - 1, 0) + value[-1:] if n > 1 else "*"
    return value[:keep_start] + "*" * (n - keep_start - keep_end) + value[n - keep_end :]


def mask_name(name: str) -> str:
    """A person's name with all but its first character hidden (``张*``, ``欧**``; ``*`` alone)."""
    return mask_text(name, 1, 0)


def mask_raw(raw: object) -> str:
    """Mask a raw cell value that failed to parse as an ID or phone number, for error reports."""
    text = str(raw)
    return mask_text(text, 4, 4) if len(text) > 8 else mask_text(text, 0, 1)


# Searched on a copy with full-width digits made ASCII (same length), so that the spans
# found apply to the original text. Numbers may be split by one space or dash per gap,
# and a mobile may carry +86/0086, as MobileNumber.parse accepts them.
_ID_RE = re.compile(r"(?<![0-9])(?P<n>[1-9][0-9]{5}[ -]?[0-9]{8}[ -]?[0-9]{3}[0-9Xx])(?![0-9])")
_MOBILE_RE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)86[ -]?)?(?P<n>1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})(?![0-9])"
)
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－\u3000", "0123456789Xx+- ")


def _mask_matches(
    text: str, probe: str, pattern: re.Pattern[str], keep: tuple[int, int]
) -> tuple[str, str]:
    out: list[str] = []
    probe_out: list[str] = []
    last = 0
    for match in pattern.finditer(probe):
        start, end = match.span("n")
        digits = [i for i in range(start, end) if probe[i] not in " -"]
        hidden = set(digits[keep[0] : len(digits) - keep[1]])
        out.append(text[last:start])
        probe_out.append(probe[last:start])
        masked = "".join("*" if i in hidden else text[i] for i in range(start, end))
        out.append(masked)
        probe_out.append(masked)
        last = end
    out.append(text[last:])
    probe_out.append(probe[last:])
    return "".join(out), "".join(probe_out)


def scrub(text: str) -> str:
    """
    Mask anything in *text* that looks like a resident ID or a mobile number.

    Catches the forms people type: full-width digits, a space or dash between digit
    groups, a ``+86``/``0086`` prefix. Everything else in *text* is left as written.
    """
    probe = text.translate(_HALF_WIDTH)
    text, probe = _mask_matches(text, probe, _ID_RE, ID_KEEP)
    text, _ = _mask_matches(text, probe, _MOBILE_RE, MOBILE_KEEP)
    return text
