"""Union-fund spending rules as dated parameters, and the vectorised check of proposed grants."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.errors import ParameterError
from unionkit.models.benefit import Benefit, BenefitKind, GrantForm, Relation
from unionkit.rules.parameters import Parameter, Parameters, ParameterValue, ResolvedValue

__all__ = [
    "CONSTRAINTS",
    "DEFAULT_SPENDING",
    "HOUSEHOLD_CAP_RULE",
    "LIVING_AID_PARAMETERS",
    "Finding",
    "Proposal",
    "Verdict",
    "evaluate",
    "prior_sums",
    "priors",
    "rules_version",
]

_OLD = "省级工会经费使用细则（2018年前后各省通行口径，见 DOMAIN.md“Published rules”）"
_ANHUI = "安徽 皖工发〔2025〕18号（2025-08-21，据公开合规检查工具转录）"
_NATIONAL = "全国总工会《基层工会经费收支管理办法》（2017）"
_UNIONKIT = "unionkit 默认值（请按本单位制度覆盖）"


def _p(name: str, unit: str, zh: str, en: str, *values: tuple[date, Any, str]) -> Parameter:
    return Parameter(
        name,
        unit,
        zh,
        en,
        tuple(ParameterValue(d, v, s) for d, v, s in values),
        source=values[-1][2],
    )


_Y2018 = date(2018, 1, 1)
_AH = date(2025, 8, 21)

DEFAULT_SPENDING = Parameters(
    [
        _p(
            "spending.festival_total_cap",
            "yuan",
            "每名会员每年节日慰问品合计上限",
            "festival goods per member per year, all festivals together",
            (_Y2018, Decimal(2000), _OLD),
            (_AH, Decimal(2200), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.birthday",
            "yuan",
            "生日慰问每次上限",
            "birthday, per event",
            (_Y2018, Decimal(300), _OLD),
            (_AH, Decimal(500), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.hospital_visit",
            "yuan",
            "住院慰问每次上限",
            "hospital visit, per illness",
            (_Y2018, Decimal(1000), _OLD),
            (_AH, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.illness_visit",
            "yuan",
            "患病慰问每次上限",
            "illness visit, per illness",
            (_Y2018, Decimal(1000), _OLD),
            (_AH, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.condolence",
            "yuan",
            "丧葬慰问每次上限",
            "bereavement, per death",
            (_Y2018, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.marriage_childbirth",
            "yuan",
            "结婚生育慰问每次上限",
            "marriage or childbirth, per event",
            (_Y2018, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.retirement",
            "yuan",
            "退休慰问上限",
            "retirement, once",
            (_Y2018, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.per_event_cap.hardship_aid",
            "yuan",
            "困难慰问每次上限",
            "hardship payment, per event",
            (_Y2018, Decimal(2000), _ANHUI),
        ),
        _p(
            "spending.times_per_year.birthday",
            "times",
            "每年生日慰问次数",
            "birthdays per year",
            (_Y2018, 1, _NATIONAL),
        ),
        _p(
            "spending.times_per_event_per_year.hospital_visit",
            "times",
            "同一疾病每年住院慰问次数",
            "hospital visits per illness per year",
            (_Y2018, 1, _ANHUI),
        ),
        _p(
            "spending.times_per_event_per_year.illness_visit",
            "times",
            "同一疾病每年患病慰问次数",
            "illness visits per illness per year",
            (_Y2018, 1, _ANHUI),
        ),
        _p(
            "spending.forms.festival_goods",
            "forms",
            "节日慰问允许形式（不得发现金、购物卡）",
            "festival goods: goods or pick-up vouchers, never cash or shopping cards",
            (_Y2018, "goods,voucher", _NATIONAL),
        ),
        _p(
            "spending.forms.birthday",
            "forms",
            "生日慰问允许形式",
            "birthday: goods or cake voucher",
            (_Y2018, "goods,cake_voucher", _NATIONAL),
        ),
        _p(
            "spending.forms.default",
            "forms",
            "其他慰问允许形式",
            "other benefits: goods, voucher, cash, service",
            (_Y2018, "goods,voucher,cake_voucher,cash,service", _NATIONAL),
        ),
        _p(
            "spending.relatives_covered",
            "relations",
            "可慰问的直系亲属",
            "relatives a visit or payment may be for",
            (_Y2018, "spouse,parent,child", _OLD),
        ),
        _p(
            "spending.standing_grace_months",
            "months",
            "会费欠缴宽限月数",
            "months dues may lag before a member loses good standing",
            (_Y2018, 1, _ANHUI + "：未按规定缴纳会费者不享受集体福利"),
        ),
        _p(
            "spending.warn_share",
            "share",
            "达到上限该比例时提醒",
            "warn at this share of a cap",
            (_Y2018, Decimal("0.8"), _UNIONKIT),
        ),
        _p(
            "spending.approval_threshold",
            "yuan",
            "超过该金额需一人审批",
            "above this amount a grant needs one approval",
            (_Y2018, Decimal(500), _UNIONKIT),
        ),
        _p(
            "spending.second_approval_threshold",
            "yuan",
            "超过该金额需两人审批",
            "above this amount a grant needs two approvals",
            (_Y2018, Decimal(2000), _UNIONKIT),
        ),
    ]
)
"""Provincial defaults with their sources; overlay a branch's own with ``Parameters.overlay``."""

LIVING_AID_PARAMETERS = (
    "hardship.minimum_living_standard",
    "hardship.deep_aid_multiple",
    "hardship.relative_aid_multiple",
)
"""The standard library's parameters (``tiers.yaml``) the household living-aid cap reads.

The same names as the eligibility rules use, so a branch's parameter file that sets
its city's minimum living standard moves both the tiers and the cap.
"""

HOUSEHOLD_CAP_RULE = "spending.household_yearly_cap.living_aid"
"""The name a refusal or warning of the household living-aid cap carries."""


def _living_aid_defaults() -> Parameters:
    # Read from the standard library's tiers file, not copied: one place holds the figures.
    from importlib import resources

    from unionkit.rulefiles.yamlfile import read_yaml

    doc = read_yaml(resources.files("unionkit.rulefiles.library").joinpath("tiers.yaml"))
    data = doc.data
    assert isinstance(data, dict)
    wanted = {k: v for k, v in data["parameters"].items() if k in LIVING_AID_PARAMETERS}
    return Parameters.from_mapping(wanted, source="unionkit", origin=doc.name)


DEFAULT_SPENDING = DEFAULT_SPENDING.overlay(_living_aid_defaults())

CONSTRAINTS = (
    "per_event",
    "yearly",
    "festival_total",
    "times_per_year",
    "times_per_event_per_year",
    "household_yearly",
)
"""What the ledger is summed by for each proposal (the frozen inputs of a decision)."""

_PARAM = {
    "per_event": "spending.per_event_cap.{c}",
    "yearly": "spending.yearly_cap.{c}",
    "festival_total": "spending.festival_total_cap",
    "times_per_year": "spending.times_per_year.{c}",
    "times_per_event_per_year": "spending.times_per_event_per_year.{c}",
}
# The household cap is not one parameter: it is the tier's multiple of the living standard.
_DERIVED = frozenset({"household_yearly"})
_LABEL = {
    "per_event": ("每次上限", "per-event cap"),
    "yearly": ("每年上限", "yearly cap"),
    "festival_total": ("节日慰问年度合计上限", "festival total per year"),
    "times_per_year": ("每年次数", "times per year"),
    "times_per_event_per_year": ("同一事件每年次数", "times per event per year"),
    "household_yearly": ("家庭年度上限", "household yearly cap"),
}
_COUNTS = frozenset({"times_per_year", "times_per_event_per_year"})


def rules_version(rules: Parameters) -> str:
    """A short content hash of the spending rules: the rule-set version a decision records."""
    return "spending-" + rules.digest()[:12]


@frozen
class Proposal:
    """
    One proposed grant, as the check sees it.

    Args:
        member_id: The member.
        benefit: The benefit granted.
        amount_fen: Whole fen.
        on: The grant date.
        form: The form it takes.
        relation: Whom it is for (the member by default).
        event_key: The event it is for (an illness, a death ...), if any.
        good_standing: Whether the member is in good standing on *on*.
        on_file: Whether the member has a hardship file on record (for hardship aid).
        household_tiers: The tiers of the open hardship files in the member's household
            (the member alone when the roster names no household): they set the
            household's yearly living-aid cap.
    """

    member_id: str
    benefit: Benefit
    amount_fen: int
    on: date
    form: GrantForm
    relation: Relation
    event_key: str | None
    good_standing: bool
    on_file: bool = False
    household_tiers: tuple[str, ...] = ()


@frozen
class Finding:
    """
    A broken rule (refusal) or a cap nearly reached (warning), with its figures.

    Args:
        rule: The parameter name, e.g. ``spending.per_event_cap.birthday``.
        source: Where the value comes from.
        effective: The date the value holds from.
        message_zh: The finding in Chinese.
        message_en: The finding in English.
        cap: The cap (yuan, or a count), when the rule is a cap.
        used: Used this year (or this event) before this grant.
        remaining: What the cap leaves before this grant.
    """

    rule: str
    source: str
    effective: date | None
    message_zh: str
    message_en: str
    cap: str | None = None
    used: str | None = None
    remaining: str | None = None

    def message(self, lang: str = "zh") -> str:
        """The finding in *lang*."""
        return self.message_zh if lang == "zh" else self.message_en

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {
            "rule": self.rule,
            "source": self.source,
            "effective": self.effective.isoformat() if self.effective else None,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "cap": self.cap,
            "used": self.used,
            "remaining": self.remaining,
        }


@frozen
class Verdict:
    """
    The check's answer for one proposal: refusals, warnings and the figures it used.

    Args:
        refusals: Rules the proposal breaks; empty when it passes.
        warnings: Caps it brings to 80 % (the ``spending.warn_share``) or more.
        used: What the ledger held per constraint before it (fen or counts).
        parameters: Every parameter value read, with effective date and source.
        approvals_needed: 0, 1 or 2 sign-offs before it counts as paid.
    """

    refusals: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    used: Mapping[str, int]
    parameters: tuple[ResolvedValue, ...]
    approvals_needed: int

    @property
    def ok(self) -> bool:
        """Whether the proposal passes every rule."""
        return not self.refusals


def _resolve(rules: Parameters, name: str, on: date) -> ResolvedValue | None:
    if name not in rules:
        return None
    try:
        return rules.resolve(name, on)
    except ParameterError:  # before its first value the rule does not apply yet
        return None


def _year_start(day: date) -> int:
    return day.year


def priors(
    ledger: Mapping[str, np.ndarray],
    batch: Mapping[str, np.ndarray],
    counted: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """
    For each proposal, what the ledger and earlier proposals of the batch already used.

    Everything is whole-array work: the batch's keys of each constraint are factorised,
    the ledger summed under them with ``bincount`` (a ledger key no proposal has is
    dropped), and the batch's earlier proposals added by a cumulative sum within each key.

    Args:
        ledger: Arrays ``member`` (int codes), ``category`` (int codes), ``year``,
            ``event`` (int codes, -1 for none), ``household`` (int codes: a member
            without a household is a household of one), ``fen`` (signed: reversals negative) and
            ``count`` (+1 a grant, -1 a reversal), one element per ledger entry (or per
            sum of entries that share member, category, year and event).
        batch: The same arrays for the proposals, in order (``count`` all 1); also
            ``festival`` (bool) for both.
        counted: Which proposals count for later ones (refused ones do not); all by default.

    Returns:
        One array per name in :data:`CONSTRAINTS`: fen, or a count for the ``times_``
        constraints.
    """
    n = len(batch["fen"])
    return prior_sums(ledger, batch)(np.ones(n, dtype=bool) if counted is None else counted)


def prior_sums(
    ledger: Mapping[str, np.ndarray], batch: Mapping[str, np.ndarray]
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """
    :func:`priors` in two steps: the ledger's part once, then the batch's for a *counted*.

    A check that drops refused proposals and sums again reads the ledger's sums once.
    """
    n = len(batch["fen"])
    nevent = int(max(ledger["event"].max(initial=-1), batch["event"].max(initial=-1))) + 2
    keys: dict[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]] = {
        "per_event": lambda a: (a["member"] * 64 + a["category"]) * nevent + a["event"] + 1,
        "yearly": lambda a: (a["member"] * 64 + a["category"]) * 4096 + a["year"],
        "festival_total": lambda a: np.where(a["festival"], a["member"] * 4096 + a["year"], -1),
        "times_per_year": lambda a: (a["member"] * 64 + a["category"]) * 4096 + a["year"],
        "times_per_event_per_year": lambda a: (
            ((a["member"] * 64 + a["category"]) * 4096 + a["year"]) * nevent + a["event"] + 1
        ),
        "household_yearly": lambda a: (a["household"] * 64 + a["category"]) * 4096 + a["year"],
    }
    parts: list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]] = []
    for name in CONSTRAINTS:
        lk = keys[name](ledger).astype(np.int64)
        bk = keys[name](batch).astype(np.int64)
        field = "count" if name in _COUNTS else "fen"
        uniq, binv = np.unique(bk, return_inverse=True)
        binv = binv.reshape(n)
        at = np.minimum(np.searchsorted(uniq, lk), max(len(uniq) - 1, 0))
        hit = uniq[at] == lk if len(uniq) else np.zeros(len(lk), dtype=bool)
        totals = np.bincount(
            at[hit], weights=ledger[field][hit].astype(np.float64), minlength=len(uniq)
        )
        order = np.argsort(binv, kind="stable")
        starts = np.r_[0, np.flatnonzero(np.diff(binv[order])) + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, n]))
        parts.append((name, field, totals[binv], order, first))

    def used_before(counted: np.ndarray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for name, field, before, order, first in parts:
            sorted_w = np.where(counted, batch[field], 0).astype(np.float64)[order]
            running = np.cumsum(sorted_w) - sorted_w
            within = np.empty(n, dtype=np.float64)
            within[order] = running - running[first] if n else running
            used = before + within
            if name == "per_event":
                # Without an event each grant is its own event: nothing before it counts.
                used = np.where(batch["event"] < 0, 0, used)
            if name == "festival_total":
                used = np.where(batch["festival"], used, 0)
            out[name] = np.rint(used).astype(np.int64)
        return out

    return used_before


_TIERS = ("deep", "relative", "accident")
"""Hardship-file tiers; a tier's living-aid multiple is ``hardship.<tier>_aid_multiple``."""


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def evaluate(
    rules: Parameters,
    proposals: Sequence[Proposal],
    used: Mapping[str, np.ndarray],
) -> list[Verdict]:
    """
    Judge each proposal against the rules, given what was used before it.

    Parameter values, and what follows from them alone (forms allowed, caps in fen,
    thresholds), are resolved once per (category, date), not per proposal.

    Args:
        rules: The spending rules (e.g. :data:`DEFAULT_SPENDING`, overlaid by a branch).
        proposals: The proposals.
        used: Per constraint, one value per proposal (see :func:`priors`).

    Returns:
        One verdict per proposal, in order.
    """
    cache: dict[tuple[str, date], _Values] = {}
    out: list[Verdict] = []
    columns = [np.asarray(used[c]).tolist() for c in CONSTRAINTS]
    for p, row in zip(proposals, zip(*columns, strict=True) if columns else (), strict=True):
        category = p.benefit.kind.value
        key = (category, p.on)
        values = cache.get(key)
        if values is None:
            names = {c: _PARAM[c].format(c=category) for c in CONSTRAINTS if c not in _DERIVED}
            if p.benefit.kind is BenefitKind.LIVING_AID:
                names["standard"] = "hardship.minimum_living_standard"
                names.update({f"mult.{t}": f"hardship.{t}_aid_multiple" for t in _TIERS})
            names.update(
                {
                    "forms": f"spending.forms.{category}",
                    "forms_default": "spending.forms.default",
                    "relatives": "spending.relatives_covered",
                    "grace": "spending.standing_grace_months",
                    "warn": "spending.warn_share",
                    "approval": "spending.approval_threshold",
                    "approval2": "spending.second_approval_threshold",
                }
            )
            values = _Values({k: _resolve(rules, n, p.on) for k, n in names.items()})
            cache[key] = values
        out.append(_judge(p, values, dict(zip(CONSTRAINTS, row, strict=True))))
    return out


class _Values:
    """The parameter values of one category on one date, and what follows from them alone."""

    def __init__(self, values: Mapping[str, ResolvedValue | None]) -> None:
        self.values = values
        self.read = [v for k, v in values.items() if v is not None and not k.startswith("mult.")]
        self.forms = values["forms"] or values["forms_default"]
        forms = self.forms
        self.allowed = {f.strip() for f in str(forms.value).split(",")} if forms else set()
        relatives = values["relatives"]
        self.covered = (
            {r.strip() for r in str(relatives.value).split(",")} if relatives is not None else set()
        )
        self.warn_share = Decimal(str(values["warn"].value)) if values["warn"] else Decimal("0.8")
        self.approvals = [
            (int(Decimal(threshold.value) * 100), count)
            for threshold, count in ((values["approval"], 1), (values["approval2"], 2))
            if threshold is not None
        ]
        # Filled on first use: a cap no proposal reaches is never read (nor its value parsed).
        self._caps: dict[str, tuple[int, Decimal]] = {}
        self._households: dict[tuple[str, ...], _HouseholdCap | None] = {}

    def cap(self, name: str, value: ResolvedValue) -> tuple[int, Decimal]:
        """A cap in fen (or a count) and the use at which it warns."""
        found = self._caps.get(name)
        if found is None:
            cap = int(value.value) if name in _COUNTS else int(Decimal(value.value) * 100)
            found = self._caps[name] = (cap, self.warn_share * cap)
        return found

    def household(self, tiers: tuple[str, ...]) -> _HouseholdCap | None:
        """The household cap for the open files' *tiers*, or ``None`` when none applies."""
        if tiers not in self._households:
            self._households[tiers] = _HouseholdCap.of(self.values, tiers, self.warn_share)
        return self._households[tiers]


@frozen
class _HouseholdCap:
    """A household's yearly living-aid cap: the best tier's multiple of the living standard."""

    best: ResolvedValue
    cap: int
    warn_at: Decimal
    source: str
    effective: date
    basis_zh: str
    basis_en: str

    @classmethod
    def of(
        cls, values: Mapping[str, ResolvedValue | None], tiers: tuple[str, ...], warn: Decimal
    ) -> _HouseholdCap | None:
        standard = values.get("standard")
        best: ResolvedValue | None = None
        for tier in tiers:
            multiple = values.get(f"mult.{tier}")
            if multiple is not None and (
                best is None or Decimal(multiple.value) > Decimal(best.value)
            ):
                best = multiple
        if standard is None or best is None:
            return None
        cap = int(Decimal(best.value) * Decimal(standard.value) * 100)
        return cls(
            best,
            cap,
            warn * cap,
            f"{best.source}；{standard.source}",
            max(best.effective, standard.effective),
            f"低保标准 {standard.value} 元的 {best.value} 倍",
            f"{best.value} times the minimum living standard of {standard.value} yuan",
        )


def _household_cap(
    p: Proposal,
    values: _Values,
    *,
    before: int,
    refusals: list[Finding],
    warnings: list[Finding],
    read: list[ResolvedValue],
) -> None:
    """The yearly living-aid cap of the member's household: the best tier's multiple."""
    household = values.household(p.household_tiers)
    if household is None:
        standard = values.values.get("standard")
        refusals.append(
            Finding(
                HOUSEHOLD_CAP_RULE,
                standard.source if standard is not None else "hardship.minimum_living_standard",
                standard.effective if standard is not None else None,
                "生活救助按户计算，须家中有深度或相对困难职工档案（或未设定低保标准），"
                "该会员家庭没有",
                "yearly living aid is per household and needs an open deep or relative "
                "hardship file in the household (and a minimum living standard in force); "
                "this member's household has none",
                cap="0.00",
                used=_yuan(before),
                remaining="0.00",
            )
        )
        return
    read.append(household.best)
    cap = household.cap
    after = before + p.amount_fen
    source = household.source
    figures = {"cap": _yuan(cap), "used": _yuan(before), "remaining": _yuan(max(cap - before, 0))}
    if after > cap:
        refusals.append(
            Finding(
                HOUSEHOLD_CAP_RULE,
                source,
                household.effective,
                f"超过家庭年度生活救助上限（按户，{household.basis_zh}）：上限 {figures['cap']}，"
                f"全家本年已用 {figures['used']}，剩余 {figures['remaining']}（依据：{source}）",
                f"exceeds the household's yearly living aid cap (per household, "
                f"{household.basis_en}): cap {figures['cap']}, used by the household this year "
                f"{figures['used']}, remaining {figures['remaining']} (source: {source})",
                **figures,
            )
        )
    elif cap and after >= household.warn_at:
        warnings.append(
            Finding(
                HOUSEHOLD_CAP_RULE,
                source,
                household.effective,
                f"已达家庭年度生活救助上限的 {after * 100 // cap}%：上限 {figures['cap']}，"
                f"全家含本次已用 {_yuan(after)}",
                f"reaches {after * 100 // cap}% of the household's yearly living aid cap: "
                f"cap {figures['cap']}, used by the household with this grant {_yuan(after)}",
                **figures,
            )
        )


def _judge(p: Proposal, values: _Values, used: dict[str, int]) -> Verdict:
    refusals: list[Finding] = []
    warnings: list[Finding] = []
    read = list(values.read)
    forms = values.forms
    benefit = p.benefit
    if forms is not None and (
        p.form.value not in values.allowed or p.form not in benefit.allowed_forms
    ):
        refusals.append(
            Finding(
                forms.name,
                forms.source,
                forms.effective,
                f"{benefit.kind.label_zh}不得以“{p.form.label_zh}”形式发放",
                f"{benefit.kind.label_en} may not be given as {p.form.label_en}",
            )
        )
    if (
        benefit.kind is BenefitKind.FESTIVAL_GOODS
        and benefit.festival is None
        and benefit.minority_festival is None
    ):
        refusals.append(
            Finding(
                "festival",
                _NATIONAL,
                None,
                "节日慰问品只能在七个法定节日（或经批准的少数民族节日）发放，该项目未指定节日",
                "festival goods are only for the seven festivals of the 2017 rule or an approved "
                "minority festival, and this benefit names none",
            )
        )
    if benefit.kind is BenefitKind.HARDSHIP_AID and not p.on_file:
        refusals.append(
            Finding(
                "hardship.file_required",
                _ANHUI,
                None,
                "困难慰问须有困难职工档案，该会员不在档",
                "a hardship payment needs a hardship file, and the member has none on record",
            )
        )
    if p.relation is not Relation.SELF and (
        p.relation.value not in values.covered or p.relation not in benefit.covers
    ):
        relatives = values.values["relatives"]
        refusals.append(
            Finding(
                relatives.name if relatives else "benefit.covers",
                relatives.source if relatives else (benefit.source or "benefit definition"),
                relatives.effective if relatives else None,
                f"{benefit.name_zh}不包括会员的{p.relation.label_zh}",
                f"{benefit.name_en} does not cover a member's {p.relation.label_en}",
            )
        )
    if benefit.requires_good_standing and not p.good_standing:
        grace = values.values["grace"]
        refusals.append(
            Finding(
                grace.name if grace else "standing",
                grace.source if grace else "unionkit",
                grace.effective if grace else None,
                "会员不在正常会籍状态或会费未按时缴纳，不享受该项福利",
                "the member is not in good standing (not active, or dues unpaid)",
            )
        )
    if benefit.kind is BenefitKind.LIVING_AID:
        _household_cap(
            p,
            values,
            before=used["household_yearly"],
            refusals=refusals,
            warnings=warnings,
            read=read,
        )
    for name in CONSTRAINTS:
        cap_value = values.values.get(name)
        if cap_value is None:
            continue
        if name == "festival_total" and benefit.kind is not BenefitKind.FESTIVAL_GOODS:
            continue
        is_count = name in _COUNTS
        if is_count and name == "times_per_event_per_year" and p.event_key is None:
            continue
        cap, warn_at = values.cap(name, cap_value)
        before = used[name]
        after = before + (1 if is_count else p.amount_fen)
        if after <= cap and (is_count or not cap or after < warn_at):
            continue
        show = str if is_count else _yuan
        zh, en = _LABEL[name]
        figures = {
            "cap": show(cap),
            "used": show(before),
            "remaining": show(max(cap - before, 0)),
        }
        if after > cap:
            refusals.append(
                Finding(
                    cap_value.name,
                    cap_value.source,
                    cap_value.effective,
                    f"超过{benefit.kind.label_zh}{zh}：上限 {figures['cap']}，本年已用 "
                    f"{figures['used']}，剩余 {figures['remaining']}（依据：{cap_value.source}）",
                    f"exceeds the {benefit.kind.label_en} {en}: cap {figures['cap']}, used this "
                    f"year {figures['used']}, remaining {figures['remaining']} "
                    f"(source: {cap_value.source})",
                    **figures,
                )
            )
        else:
            warnings.append(
                Finding(
                    cap_value.name,
                    cap_value.source,
                    cap_value.effective,
                    f"已达{benefit.kind.label_zh}{zh}的 {after * 100 // cap}%："
                    f"上限 {figures['cap']}，含本次已用 {show(after)}",
                    f"reaches {after * 100 // cap}% of the {benefit.kind.label_en} {en}: cap "
                    f"{figures['cap']}, used with this grant {show(after)}",
                    **figures,
                )
            )
    needed = 0
    for threshold, count in values.approvals:
        if p.amount_fen > threshold:
            needed = count
    return Verdict(tuple(refusals), tuple(warnings), used, tuple(read), needed)
