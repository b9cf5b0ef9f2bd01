"""Roster column headers (Chinese or English) and the Member fields they map to."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from attrs import frozen

from unionkit.errors import RosterFormatError

__all__ = [
    "COLUMNS",
    "DEFAULT_MAPPING",
    "REQUIRED_FIELDS",
    "Column",
    "HeaderPlan",
    "normalise_header",
    "plan_headers",
]


@frozen
class Column:
    """
    One roster column: the Member field it fills and the headers that name it.

    Args:
        field: The :class:`~unionkit.models.Member` field name.
        zh: The header written on Chinese exports.
        en: The header written on English exports (the field name).
        aliases: Other headers HR systems use for the same column.
    """

    field: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "member_id",
        "工号",
        "member_id",
        (
            "人员编号",
            "职工编号",
            "会员编号",
            "员工编号",
            "编号",
            "member id",
            "staff id",
            "employee id",
        ),
    ),
    Column("name", "姓名", "name", ("名字", "full name")),
    Column("is_member", "是否会员", "is_member", ("会员", "工会会员", "union member", "member")),
    Column(
        "national_id",
        "身份证号",
        "national_id",
        (
            "身份证号码",
            "身份证",
            "公民身份号码",
            "居民身份证号",
            "证件号码",
            "id number",
            "resident id",
            "resident id number",
        ),
    ),
    Column("sex", "性别", "sex", ("gender",)),
    Column(
        "birth_date",
        "出生日期",
        "birth_date",
        ("出生年月日", "生日", "birth date", "date of birth", "dob"),
    ),
    Column(
        "phone",
        "手机号",
        "phone",
        ("手机", "手机号码", "联系电话", "移动电话", "mobile", "mobile number", "phone number"),
    ),
    Column("department", "科室", "department", ("部门", "所在科室", "科室/部门", "dept")),
    Column("union_group_id", "工会小组", "union_group_id", ("小组", "所属工会小组", "union group")),
    Column("household_id", "家庭编号", "household_id", ("户编号", "家庭", "household")),
    Column(
        "household_role",
        "家庭角色",
        "household_role",
        ("与户主关系", "家庭关系", "household role", "role"),
    ),
    Column(
        "hire_date",
        "入职日期",
        "hire_date",
        ("参加工作时间", "参加工作日期", "入职时间", "来院时间", "hire date", "start date"),
    ),
    Column(
        "employment_type",
        "用工性质",
        "employment_type",
        ("用工形式", "人员性质", "编制", "employment type"),
    ),
    Column("position", "岗位", "position", ("职务", "岗位名称", "post", "job")),
    Column("frontline", "一线岗位", "frontline", ("是否一线", "一线", "front-line", "front line")),
    Column(
        "monthly_salary",
        "月工资",
        "monthly_salary",
        ("月工资（元）", "月薪", "月收入", "monthly salary", "salary"),
    ),
    Column(
        "annual_income",
        "年可支配收入",
        "annual_income",
        ("年收入", "年可支配收入（元）", "家庭年收入", "annual income"),
    ),
    Column(
        "rigid_spending",
        "刚性支出",
        "rigid_spending",
        ("年刚性支出", "年刚性支出（元）", "rigid spending"),
    ),
    Column(
        "sick_leave_days",
        "病假天数",
        "sick_leave_days",
        ("本年病假天数", "病假", "sick leave days", "sick days"),
    ),
    Column(
        "serious_illness",
        "重大疾病",
        "serious_illness",
        ("是否重大疾病", "大病", "serious illness"),
    ),
    Column("status", "会籍状态", "status", ("状态", "会员状态", "membership status")),
    Column("joined_on", "入会日期", "joined_on", ("入会时间", "joined", "date joined")),
    Column(
        "dues_paid_through",
        "会费缴至",
        "dues_paid_through",
        ("会费缴纳至", "会费缴至月份", "dues paid through"),
    ),
)
"""Every roster column in export order, with the headers accepted on import."""

REQUIRED_FIELDS: tuple[str, ...] = ("member_id", "name")
"""Fields a roster must have a column for."""


def normalise_header(text: str) -> str:
    """
    Return the comparison key of a header: NFKC, no spaces, stars or underscores, case-folded.

    ``"身份证号码 "``, ``"＊身份证号码"`` and ``"Resident_ID"`` all compare by this key,
    so templates with required-field stars and full-width characters still match.
    """
    key = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    for junk in (" ", "\t", "*", "_", "-"):
        key = key.replace(junk, "")
    return key.casefold()


def _default_mapping() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in COLUMNS:
        for header in (col.field, col.zh, col.en, *col.aliases):
            out.setdefault(normalise_header(header), col.field)
    return out


DEFAULT_MAPPING: Mapping[str, str] = _default_mapping()
"""Normalised header -> Member field, for every header in :data:`COLUMNS`."""

_FIELDS = frozenset(col.field for col in COLUMNS)


@frozen
class HeaderPlan:
    """
    How a file's header row maps onto Member fields.

    Args:
        fields: For each file column, the field it fills, or ``None`` when ignored.
        headers: The file's header texts, as written (stripped).
        unknown: Header texts that map to no field (reported as warnings).
    """

    fields: tuple[str | None, ...]
    headers: tuple[str, ...]
    unknown: tuple[str, ...]

    def header_of(self, field: str) -> str:
        """Return the file's header text for *field*, or ``""`` when the file has no such column."""
        for header, mapped in zip(self.headers, self.fields, strict=True):
            if mapped == field:
                return header
        return ""


def plan_headers(
    headers: Sequence[str], source: str, mapping: Mapping[str, str] | None = None
) -> HeaderPlan:
    """
    Map a header row to Member fields.

    Args:
        headers: The header cells as read from the file.
        source: The file's name, for error messages.
        mapping: Extra or overriding ``{header: field}`` entries; they win over the defaults.

    Returns:
        The plan: one field (or ``None``) per column.

    Raises:
        RosterFormatError: *mapping* names an unknown field, two columns map to the same
            field, or a required column is missing.
    """
    lookup = dict(DEFAULT_MAPPING)
    for header, field in (mapping or {}).items():
        if field not in _FIELDS:
            raise RosterFormatError(
                source,
                f"列映射把“{header}”指向未知字段“{field}”",
                f"the column mapping sends {header!r} to unknown field {field!r}",
            )
        lookup[normalise_header(header)] = field
    cleaned = tuple(h.strip().replace("\ufeff", "") for h in headers)
    fields: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for header in cleaned:
        mapped = lookup.get(normalise_header(header)) if header else None
        if mapped is None:
            if header:
                unknown.append(header)
            fields.append(None)
            continue
        if mapped in seen:
            raise RosterFormatError(
                source,
                f"列“{seen[mapped]}”和“{header}”都对应字段 {mapped}；请删除一列或提供列映射",
                f"columns {seen[mapped]!r} and {header!r} both map to field {mapped!r}; "
                f"drop one or give a column mapping",
            )
        seen[mapped] = header
        fields.append(mapped)
    missing = [f for f in REQUIRED_FIELDS if f not in seen]
    if missing:
        names = {c.field: c for c in COLUMNS}
        zh = "、".join(names[f].zh for f in missing)
        en = ", ".join(names[f].en for f in missing)
        found = ", ".join(h for h in cleaned if h) or "(none / 无)"
        raise RosterFormatError(
            source,
            f"缺少必需的列：{zh}（文件中的列：{found}）",
            f"missing required columns: {en} (columns in the file: {found})",
        )
    return HeaderPlan(tuple(fields), cleaned, tuple(unknown))
