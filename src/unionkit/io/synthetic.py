"""A deterministic synthetic hospital roster, for examples, tests and benchmarks."""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from unionkit._csv import SafeWriter
from unionkit.io.columns import COLUMNS
from unionkit.labels import Lang
from unionkit.models.ids import id_check_digit

__all__ = ["BAD_ROW_KINDS", "REFERENCE_DATE", "generate_roster", "iter_roster", "write_rows"]

REFERENCE_DATE = date(2026, 6, 30)
"""The "today" of generated rosters: ages, tenures and hire dates are relative to it."""

BAD_ROW_KINDS: tuple[str, ...] = (
    "id_checksum",
    "birth_date_future",
    "negative_amount",
    "duplicate_member_id",
    "hire_before_16",
    "invalid_date",
)
"""The faults injected by ``bad_rows``, in turn; each is the error code the import reports."""

_DEPARTMENTS: tuple[tuple[str, int, bool], ...] = (
    # (department, weight, front-line clinical)
    ("内科", 14, True),
    ("外科", 12, True),
    ("急诊科", 6, True),
    ("重症医学科", 4, True),
    ("妇产科", 6, True),
    ("儿科", 5, True),
    ("护理部", 16, True),
    ("检验科", 4, False),
    ("放射科", 4, False),
    ("药剂科", 4, False),
    ("麻醉科", 3, True),
    ("康复医学科", 3, True),
    ("感染科", 2, True),
    ("行政办公室", 5, False),
    ("后勤保障部", 6, False),
    ("信息中心", 2, False),
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯鹏飞晨雪琳婷慧佳欣怡然子轩梓涵一诺雨辰思远嘉懿"  # noqa: E501
_REGIONS = (
    "410105",
    "410102",
    "410181",
    "411302",
    "110105",
    "110108",
    "320106",
    "430104",
    "510107",
    "440305",
    "370102",
    "610113",
)
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
    "199",
)
_POSITIONS_CLINICAL = (("医师", 40), ("护士", 50), ("技师", 10))


def _name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def _national_id(rng: random.Random, born: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{rng.choice(_REGIONS)}{born:%Y%m%d}{seq:03d}"
        if body not in used:
            used.add(body)
            return body + id_check_digit(body)


def _phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _birth(rng: random.Random, min_age: int, max_age: int) -> date:
    days = rng.randrange(min_age * 365 + 1, max_age * 365 - 1)
    return REFERENCE_DATE - timedelta(days=days)


def _money(rng: random.Random, low: int, high: int, cents: bool = True) -> str:
    fen = rng.randrange(low * 100, high * 100)
    if not cents:
        fen -= fen % 100
    return str(Decimal(fen).scaleb(-2))


def _sick_days(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.70:
        return 0
    if roll < 0.90:
        return rng.randint(1, 5)
    if roll < 0.97:
        return rng.randint(6, 15)
    return rng.randint(16, 120)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _relative(
    rng: random.Random,
    *,
    household: str,
    member_id: str,
    k: int,
    kind: str,
    member_birth: date,
    member_male: bool,
    used: set[str],
) -> dict[str, str]:
    if kind == "spouse":
        male = not member_male
        born = member_birth + timedelta(days=rng.randint(-5 * 365, 5 * 365))
        born = min(born, REFERENCE_DATE - timedelta(days=20 * 365))
        income = _money(rng, 0, 150_000, cents=False) if rng.random() < 0.75 else "0.00"
    elif kind == "child":
        male = rng.random() < 0.5
        earliest = member_birth + timedelta(days=20 * 365)
        span = max((REFERENCE_DATE - earliest).days, 30)
        born = earliest + timedelta(days=rng.randrange(span))
        born = min(born, REFERENCE_DATE - timedelta(days=1))
        income = "0.00"
    else:
        male = rng.random() < 0.5
        born = member_birth - timedelta(days=rng.randint(22 * 365, 35 * 365))
        income = _money(rng, 0, 60_000, cents=False)
    rigid = _money(rng, 5_000, 80_000, cents=False) if rng.random() < 0.08 else "0.00"
    return {
        "member_id": f"{member_id}-{k}",
        "name": _name(rng),
        "is_member": "否",
        "national_id": _national_id(rng, born, male, used),
        "sex": "男" if male else "女",
        "birth_date": born.isoformat(),
        "household_id": household,
        "household_role": "家属",
        "annual_income": income,
        "rigid_spending": rigid,
        "serious_illness": _yes(rng.random() < 0.02),
    }


def iter_roster(
    n_members: int, seed: int = 0, *, relatives: bool = True, bad_rows: int = 0
) -> Iterator[dict[str, str]]:
    """
    Yield the rows of a synthetic hospital roster, one dict per person, as text.

    Members come with their relatives (spouse, children, parents; about three people a
    household, some households holding two staff members). Everything derives from
    ``random.Random(seed)``: the same arguments give the same rows on every machine.

    Args:
        n_members: How many union members (staff); relatives come on top.
        seed: The random seed.
        relatives: Include relatives' rows (``is_member=否``, ``household_role=家属``).
        bad_rows: How many member rows to spoil, cycling through :data:`BAD_ROW_KINDS`;
            they are spread evenly over the roster.

    Yields:
        ``{field: text}`` with Chinese labels for choices (``男``, ``在编``, ``是``).
    """
    rng = random.Random(seed)
    used: set[str] = set()
    departments = [d for d, _, _ in _DEPARTMENTS]
    weights = [w for _, w, _ in _DEPARTMENTS]
    frontline_dept = {d: f for d, _, f in _DEPARTMENTS}
    groups = {d: max(1, w // 3) for d, w, _ in _DEPARTMENTS}
    spoil = {
        (i + 1) * n_members // (bad_rows + 1): BAD_ROW_KINDS[i % len(BAD_ROW_KINDS)]
        for i in range(bad_rows)
    }
    household = 0
    shared: dict[str, str] | None = None
    previous_id = ""
    for i in range(n_members):
        member_id = f"H{i + 1:06d}"
        dept = rng.choices(departments, weights)[0]
        if dept == "护理部":
            position = "护士"
        elif frontline_dept[dept]:
            position = rng.choices(
                [p for p, _ in _POSITIONS_CLINICAL], [w for _, w in _POSITIONS_CLINICAL]
            )[0]
        elif dept in ("行政办公室", "信息中心"):
            position = "行政"
        elif dept == "后勤保障部":
            position = "工勤"
        else:
            position = "技师"
        male = rng.random() < (0.15 if position == "护士" else 0.5)
        born = _birth(rng, 21, 60)
        age_at_hire = rng.randint(18, 30)
        hired = born + timedelta(days=age_at_hire * 365 + rng.randrange(365))
        hired = min(hired, REFERENCE_DATE - timedelta(days=rng.randrange(1, 200)))
        employment = rng.choices(["在编", "合同制", "劳务派遣"], [60, 30, 10])[0]
        base = {
            "医师": (9_000, 30_000),
            "护士": (5_500, 14_000),
            "技师": (6_000, 15_000),
            "行政": (5_000, 12_000),
            "工勤": (3_000, 6_000),
        }[position]
        if employment == "劳务派遣":
            base = (2_600, base[0])
        salary = _money(rng, *base)
        in_shared = shared is not None and rng.random() < 0.5
        if shared is not None and in_shared:
            household_id = shared["household_id"]
            shared = None
        else:
            household += 1
            household_id = f"F{household:06d}"
            shared = None
        row = {
            "member_id": member_id,
            "name": _name(rng),
            "is_member": "是",
            "national_id": _national_id(rng, born, male, used),
            "sex": "男" if male else "女",
            "birth_date": born.isoformat(),
            "phone": _phone(rng),
            "department": dept,
            "union_group_id": f"{dept}{rng.randrange(groups[dept]) + 1}组",
            "household_id": household_id,
            "household_role": "职工",
            "hire_date": hired.isoformat(),
            "employment_type": employment,
            "position": position,
            "frontline": _yes(
                frontline_dept[dept]
                and position in ("护士", "医师")
                and dept not in ("检验科", "放射科")
            ),
            "monthly_salary": salary,
            "annual_income": str(Decimal(salary) * 12 + Decimal(rng.randrange(0, 30_000))),
            "rigid_spending": _money(rng, 3_000, 90_000, cents=False)
            if rng.random() < 0.06
            else "0.00",
            "sick_leave_days": str(_sick_days(rng)),
            "serious_illness": _yes(rng.random() < 0.012),
            "status": rng.choices(["在册", "暂停", "已转出"], [97, 1, 2])[0],
        }
        kind = spoil.get(i)
        if kind is not None:
            _spoil(row, kind, previous_id, rng)
        yield row
        previous_id = member_id
        if not relatives:
            continue
        if not in_shared and rng.random() < 0.06:
            shared = row
        kinds: list[str] = []
        if in_shared:
            kinds = ["child"] * rng.choice((0, 1, 1, 2))
        else:
            if rng.random() < 0.55:
                kinds.append("spouse")
            kinds += ["child"] * rng.choices((0, 1, 2), (40, 45, 15))[0]
            kinds += ["parent"] * rng.choices((0, 1, 2), (75, 15, 10))[0]
        for k, rel in enumerate(kinds, start=1):
            yield _relative(
                rng,
                household=household_id,
                member_id=member_id,
                k=k,
                kind=rel,
                member_birth=born,
                member_male=male,
                used=used,
            )


def _spoil(row: dict[str, str], kind: str, previous_id: str, rng: random.Random) -> None:
    if kind == "id_checksum":
        nid = row["national_id"]
        wrong = "0123456789X".replace(nid[-1], "")
        row["national_id"] = nid[:-1] + rng.choice(wrong)
    elif kind == "birth_date_future":
        # Far ahead, so that the row stays wrong for decades whatever today is.
        row["birth_date"] = REFERENCE_DATE.replace(year=REFERENCE_DATE.year + 60).isoformat()
        row["national_id"] = ""
    elif kind == "negative_amount":
        row["monthly_salary"] = "-" + row["monthly_salary"]
    elif kind == "duplicate_member_id":
        row["member_id"] = previous_id
    elif kind == "hire_before_16":
        born = date.fromisoformat(row["birth_date"])
        row["hire_date"] = (born + timedelta(days=14 * 365)).isoformat()
    elif kind == "invalid_date":
        row["hire_date"] = "2019-02-30"


def generate_roster(
    n_members: int, seed: int = 0, *, relatives: bool = True, bad_rows: int = 0
) -> list[dict[str, str]]:
    """
    Return a synthetic hospital roster as a list of rows; see :func:`iter_roster`.

    Args:
        n_members: How many union members (staff); relatives come on top.
        seed: The random seed.
        relatives: Include relatives' rows.
        bad_rows: How many member rows to spoil, cycling through :data:`BAD_ROW_KINDS`.

    Returns:
        ``{field: text}`` rows.
    """
    return list(iter_roster(n_members, seed, relatives=relatives, bad_rows=bad_rows))


def write_rows(
    rows: Iterable[dict[str, str]],
    path: str | os.PathLike[str],
    *,
    headers: Lang | str = Lang.zh,
    encoding: str = "utf-8-sig",
) -> int:
    """
    Write raw roster rows (which may be invalid) to a CSV or ``.xlsx`` file.

    Unlike :func:`~unionkit.io.write_roster` this writes text exactly as given, so it can
    produce the deliberately bad files used in examples and tests. IDs stay text in Excel.

    Args:
        rows: ``{field: text}`` rows, e.g. from :func:`iter_roster`.
        path: Where to write; ``.xlsx`` writes a workbook, anything else CSV.
        headers: Chinese or English header row.
        encoding: The CSV encoding.

    Returns:
        The number of data rows written.
    """
    fields = [c.field for c in COLUMNS]
    headers = Lang.parse(headers)
    header = [c.zh if headers == "zh" else c.en for c in COLUMNS]
    target = Path(path)
    count = 0
    if target.suffix.lower() == ".xlsx":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False})
        sheet = book.add_worksheet("花名册")
        sheet.write_row(0, 0, header)
        for count, row in enumerate(rows, start=1):
            for col, field in enumerate(fields):
                sheet.write_string(count, col, row.get(field, ""))
        book.close()
        return count
    with target.open("w", encoding=encoding, newline="") as out:
        writer = SafeWriter(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(f, "") for f in fields])
            count += 1
    return count
