"""Allocation programmes as YAML files: read safely, every error named with its file and line."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import frozen

from unionkit.benefits.allocation import _ID, Fill, Programme
from unionkit.errors import Rejected, RuleDefinitionError
from unionkit.models.benefit import GrantForm
from unionkit.money import parse_nonnegative_yuan

__all__ = ["ProgrammeFile", "read_programme"]

_KEYS = {
    "name": "the programme's id (also the first part of each grant's idempotency key)",
    "label": "{zh: ..., en: ...}",
    "year": "the year the programme pays for",
    "as_of": "the evaluation date (YYYY-MM-DD)",
    "benefit": "the benefit the grants are of",
    "budget": "the money to share, exact yuan",
    "form": "the grants' form",
    "eligibility": "the yes/no rule saying who may receive",
    "score": "the rule ranking the eligible, highest first",
    "amount": "the money rule giving what each is due",
    "fixed_amount": "the same amount for everyone, exact yuan",
    "caps": "{per_member: yuan, shared_with: [benefit ids]}",
    "tie_break": "rules ordering equal scores ('-' for descending)",
    "waitlist": "{fill: strict | partial, limit: how many waitlisted to list}",
    "rule_files": "extra rule files, relative to this file",
}
_REQUIRED = ("name", "label", "year", "benefit", "budget", "eligibility", "score")
_CAPS = ("per_member", "shared_with")
_WAITLIST = ("fill", "limit")


@frozen
class ProgrammeFile:
    """
    A programme read from a file, with what the file adds to :class:`Programme`.

    Args:
        programme: The programme (period = the year).
        year: The year it pays for.
        as_of: The evaluation date the file names, if any.
        rule_files: Extra rule files the programme's rules come from (absolute paths).
        waitlist_limit: How many waitlisted members to list, in rank order (``None``: all).
        source: The file's name, for messages.

    .. versionadded:: 0.2.0
    """

    programme: Programme
    year: int
    as_of: dt.date | None
    rule_files: tuple[Path, ...]
    waitlist_limit: int | None
    source: str


class _Reader:
    def __init__(self, doc: Any) -> None:
        self.doc = doc

    def fail(self, path: tuple[str | int, ...], en: str, zh: str) -> RuleDefinitionError:
        field = ".".join(str(p) for p in path) or "file"
        return RuleDefinitionError(f"{self.doc.where(path)}: {field}: {en} / {zh}")

    def mapping(self, value: object, path: tuple[str | int, ...], keys: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "expected a mapping", "应为键值映射")
        for key in value:
            if key not in keys:
                raise self.fail(
                    (*path, str(key)),
                    f"unknown key; expected one of {', '.join(sorted(keys))}",
                    "未知字段",
                )
        return dict(value)

    def text(self, value: object, path: tuple[str | int, ...]) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "expected non-empty text", "应为非空文本")
        return value.strip()

    def names(self, value: object, path: tuple[str | int, ...]) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(path, "expected a list of names", "应为名称列表")
        return tuple(self.text(v, (*path, i)) for i, v in enumerate(value))

    def yuan(self, value: object, path: tuple[str | int, ...]) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.fail(path, "expected an amount in yuan", "应为金额（元）")
        try:
            return parse_nonnegative_yuan(value)
        except ValueError as exc:
            raise self.fail(path, str(exc), "金额有误") from None

    def whole(self, value: object, path: tuple[str | int, ...], low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(
                path, f"expected a whole number from {low} to {high}", f"应为{low}至{high}的整数"
            )
        return value


def read_programme(source: str | os.PathLike[str]) -> ProgrammeFile:
    """
    Read an allocation programme from a YAML file, with the project's safe YAML reader.

    The format is documented in the allocation docs page; ``examples/`` ships one.

    Args:
        source: The file.

    Returns:
        The programme and what the file adds (year, evaluation date, rule files,
        waitlist listing).

    Raises:
        RuleDefinitionError: The file cannot be read, is not plain YAML, or a value is
            missing, unknown or wrong; the message names the file, the line and the key.

    .. versionadded:: 0.2.0
    """
    from unionkit.rulefiles.yamlfile import read_yaml

    path = Path(source)
    doc = read_yaml(path)
    r = _Reader(doc)
    data = r.mapping(doc.data, (), _KEYS)
    for key in _REQUIRED:
        if key not in data:
            raise r.fail((key,), f"missing ({_KEYS[key]})", "缺少该字段")
    if ("amount" in data) == ("fixed_amount" in data):
        raise r.fail(
            ("amount",),
            "give either an amount rule or a fixed_amount, not "
            + ("both" if "amount" in data else "neither"),
            "须指定金额规则 amount 或固定金额 fixed_amount 之一",
        )
    label = r.mapping(data["label"], ("label",), ("zh", "en"))
    for lang in ("zh", "en"):
        if lang not in label:
            raise r.fail(("label", lang), "missing", "缺少中文或英文名称")
    year = r.whole(data["year"], ("year",), 2000, 2100)
    as_of = data.get("as_of")
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise r.fail(("as_of",), "expected a date YYYY-MM-DD", "应为日期")
    if as_of is not None and as_of.year != year:
        raise r.fail(("as_of",), f"is not in the programme's year {year}", "评估日期不在项目年度内")
    caps = r.mapping(data.get("caps", {}), ("caps",), _CAPS)
    waitlist = r.mapping(data.get("waitlist", {}), ("waitlist",), _WAITLIST)
    fill = waitlist.get("fill", Fill.strict.value)
    if fill not in {f.value for f in Fill}:
        raise r.fail(("waitlist", "fill"), "expected strict or partial", "应为 strict 或 partial")
    limit = waitlist.get("limit")
    form = data.get("form", GrantForm.CASH.value)
    if form not in {f.value for f in GrantForm}:
        raise r.fail(
            ("form",), f"expected one of {', '.join(f.value for f in GrantForm)}", "形式未知"
        )
    values: dict[str, Any] = {
        "programme_id": r.text(data["name"], ("name",)),
        "benefit_id": r.text(data["benefit"], ("benefit",)),
        "name_zh": r.text(label["zh"], ("label", "zh")),
        "name_en": r.text(label["en"], ("label", "en")),
        "budget": r.yuan(data["budget"], ("budget",)),
        "eligible": r.text(data["eligibility"], ("eligibility",)),
        "score": r.text(data["score"], ("score",)),
        "amount": r.text(data["amount"], ("amount",)) if "amount" in data else None,
        "fixed_amount": (
            r.yuan(data["fixed_amount"], ("fixed_amount",)) if "fixed_amount" in data else None
        ),
        "cap_per_member": (
            r.yuan(caps["per_member"], ("caps", "per_member")) if "per_member" in caps else None
        ),
        "cap_shared_with": r.names(caps.get("shared_with", []), ("caps", "shared_with")),
        "period": str(year),
        "tie_break": r.names(data.get("tie_break", []), ("tie_break",)),
        "fill": fill,
        "form": form,
    }
    for key, value in (("name", values["programme_id"]), ("benefit", values["benefit_id"])):
        if not _ID.match(value):
            raise r.fail(
                (key,),
                f"{value!r} must be 1-64 letters, digits, '_', '.', ':' or '-'",
                "编号只能由字母、数字及 _ . : - 组成",
            )
    try:
        programme = Programme(**values)
    except Rejected as exc:
        raise r.fail((), str(exc), "项目有误") from None
    rule_files = tuple(
        (path.parent / name).resolve()
        for name in r.names(data.get("rule_files", []), ("rule_files",))
    )
    for i, found in enumerate(rule_files):
        if not found.is_file():
            raise r.fail(
                ("rule_files", i), f"no file {found.name!r} beside this file", "找不到规则文件"
            )
    return ProgrammeFile(
        programme,
        year,
        as_of,
        rule_files,
        None if limit is None else r.whole(limit, ("waitlist", "limit"), 0, 10_000_000),
        doc.name,
    )
