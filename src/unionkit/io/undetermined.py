"""Writing who is undetermined for which rule, and the missing inputs that hold them up."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from unionkit._csv import SafeWriter
from unionkit.io.evaluation import write_atomically

if TYPE_CHECKING:
    from unionkit.models import Member
    from unionkit.rules import BatchResult, RuleSet

__all__ = ["UNDETERMINED_FORMATS", "undetermined_rows", "write_undetermined"]

Lang = Literal["zh", "en"]

UNDETERMINED_FORMATS = (".csv", ".xlsx", ".json")
"""The file suffixes :func:`write_undetermined` writes."""

_HEADERS = {
    "member_id": ("工号", "member id"),
    "rule": ("规则", "rule"),
    "rule_label": ("规则名称", "rule label"),
    "field": ("缺失的输入字段", "missing input field"),
    "input": ("缺失的输入", "missing input"),
    "of_member": ("该输入所属成员", "whose input"),
}
_UNDEFINED = (
    "（无缺失输入：计算结果无定义，如除以零）",
    "(no input missing: undefined, e.g. 0 divisor)",
)


def undetermined_rows(
    batch: BatchResult,
    ruleset: RuleSet,
    members: Sequence[Member] | None = None,
    *,
    lang: Lang = "zh",
    members_only: bool = False,
) -> list[dict[str, str]]:
    """
    The batch's undetermined answers as rows a person can read, one per missing input.

    Args:
        batch: What ``RuleSet.evaluate(..., undetermined=True)`` returned.
        ruleset: The rule set evaluated, for the rules' labels.
        members: The members evaluated, in order (for *members_only*).
        lang: Labels in Chinese or English.
        members_only: Leave out relatives' answers (their inputs are still named).

    Returns:
        Dicts with the keys ``member_id``, ``rule``, ``rule_label``, ``field``, ``input``
        and ``of_member``: field names, labels and member ids only, never a value.

    Raises:
        RuleEvaluationError: The batch was evaluated without ``undetermined=True``.

    .. versionadded:: Unreleased
    """
    i = 0 if lang == "zh" else 1
    if batch.reasons is None:
        batch.undetermined()  # raises the error that says how to ask for reasons
    assert batch.reasons is not None
    out = []
    for r in batch.reasons.records():
        if members_only and members is not None and not members[r["row"]].is_member:
            continue
        rule = ruleset.rules[r["rule"]]
        field = r["field"]
        out.append(
            {
                "member_id": str(r["member_id"] if r["member_id"] is not None else r["row"]),
                "rule": r["rule"],
                "rule_label": rule.label_zh if lang == "zh" else rule.label_en,
                "field": field or "",
                "input": (r["label_zh"] if lang == "zh" else r["label_en"])
                if field
                else _UNDEFINED[i],
                "of_member": "" if r["of_member"] is None else str(r["of_member"]),
            }
        )
    return out


def _write_csv(out: Path, rows: list[dict[str, str]], lang: Lang) -> None:
    i = 0 if lang == "zh" else 1

    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = SafeWriter(handle)
            writer.writerow([h[i] for h in _HEADERS.values()])
            for row in rows:
                writer.writerow([row[k] for k in _HEADERS])

    write_atomically(out, write)


def _write_xlsx(out: Path, rows: list[dict[str, str]], lang: Lang) -> None:
    import xlsxwriter

    i = 0 if lang == "zh" else 1

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        try:
            sheet = book.add_worksheet("待定" if lang == "zh" else "undetermined")
            head = book.add_format({"bold": True})
            sheet.write_row(0, 0, [h[i] for h in _HEADERS.values()], head)
            for r, row in enumerate(rows, start=1):
                for c, key in enumerate(_HEADERS):
                    sheet.write_string(r, c, row[key])
            sheet.freeze_panes(1, 1)
            sheet.set_column(0, len(_HEADERS) - 1, 18)
        finally:
            book.close()

    write_atomically(out, write)


def _write_json(out: Path, rows: list[dict[str, str]], lang: Lang) -> None:
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    write_atomically(out, lambda path: path.write_text(text + "\n", encoding="utf-8"))


_WRITERS: Mapping[str, Callable[[Path, list[dict[str, str]], Lang], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".json": _write_json,
}


def write_undetermined(
    path: str | os.PathLike[str],
    batch: BatchResult,
    ruleset: RuleSet,
    members: Sequence[Member] | None = None,
    *,
    lang: Lang = "zh",
    members_only: bool = False,
) -> Path:
    """
    Write who is undetermined for which rule and the missing inputs, beside the results.

    One row per member, rule and missing input (:func:`undetermined_rows`), as
    ``.csv`` (UTF-8 with a BOM, formula-like cells neutralised), ``.xlsx`` or ``.json``.
    Written atomically and readable by its owner only, as the results are.

    Args:
        path: The destination; its suffix picks the format (:data:`UNDETERMINED_FORMATS`).
        batch: What ``RuleSet.evaluate(..., undetermined=True)`` returned.
        ruleset: The rule set evaluated.
        members: The members evaluated, in order (for *members_only*).
        lang: Headers and labels in Chinese or English.
        members_only: Leave relatives' answers out.

    Returns:
        The path written.

    Raises:
        ValueError: The suffix is not one of :data:`UNDETERMINED_FORMATS`.
        RuleEvaluationError: The batch was evaluated without ``undetermined=True``.
        OSError: The file cannot be written.

    .. versionadded:: Unreleased
    """
    out = Path(path)
    writer = _WRITERS.get(out.suffix.lower())
    if writer is None:
        raise ValueError(
            f"undetermined answers are written as {', '.join(UNDETERMINED_FORMATS)}, not {out.name}"
        )
    rows = undetermined_rows(batch, ruleset, members, lang=lang, members_only=members_only)
    writer(out, rows, lang)
    return out
