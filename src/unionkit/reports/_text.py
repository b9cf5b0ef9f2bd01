"""Every heading, label and note the reports print, in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping

from unionkit.labels import Lang, Texts

__all__ = ["CATEGORY_NAMES", "Lang", "check_lang", "name_of", "text"]

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("{period}职工诉求办理情况", "Member demands, {period}"),
    "summary": ("总体情况", "Summary"),
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "received": ("收到诉求", "Demands received"),
    "handled": ("受理办理", "Handled (accepted and beyond)"),
    "closed": ("已办结", "Closed"),
    "rejected": ("不予立案", "Rejected"),
    "merged": ("合并办理（重复诉求）", "Merged as duplicates"),
    "open": ("尚在办理", "Still open"),
    "closure_rate": ("办结率", "Closure rate"),
    "closure_basis": ("口径：{basis}", "basis: {basis}"),
    "answer_rate": ("答复率", "Answer rate"),
    "answer_basis": ("{n} / {d}；口径：{basis}", "{n} / {d}; basis: {basis}"),
    "on_time_rate": ("按期答复率", "Answered on time"),
    "on_time_detail": (
        "{on_time} / {base} 件有时限的已答复诉求",
        "{on_time} of {base} answered demands that had a deadline",
    ),
    "estimated_deadlines": (
        "其中 {n} 件时限为估算（仅按周末）",
        "weekends-only estimated deadlines among them: {n}",
    ),
    "overdue_open": ("逾期未答复（截至{as_of}）", "Open past the deadline (as of {as_of})"),
    "wd_median": ("办理用时中位数（工作日）", "Median days to answer (working days)"),
    "wd_p90": ("办理用时90分位（工作日）", "90th percentile days to answer (working days)"),
    "cd_median": ("办理用时中位数（自然日）", "Median days to answer (calendar days)"),
    "cd_p90": ("办理用时90分位（自然日）", "90th percentile days to answer (calendar days)"),
    "reopened": ("因不满意重新办理", "Reopened after an unsatisfied rating"),
    "reopened_detail": ("{n} 件，共 {times} 次", "demands: {n}; reopenings: {times}"),
    "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "satisfaction_basis": (
        "{satisfied} / {rated} 件评价；计为满意：{grades}",
        "{satisfied} of {rated} ratings; counted as satisfied: {grades}",
    ),
    "proposals": ("职代会提案", "Congress proposals"),
    "key_proposals": ("其中列为重点督办", "of which under key supervision"),
    "key_all": ("重点督办（全部类型）", "Under key supervision (all kinds)"),
    "by_kind": ("按类型", "By kind"),
    "by_category": ("按类别", "By category"),
    "by_department": ("按承办部门", "By department"),
    "monthly": ("按月收到与办结", "Received and closed by month"),
    "ratings": ("满意度评价分布", "Satisfaction ratings"),
    "name_kind": ("类型", "Kind"),
    "name_category": ("类别", "Category"),
    "name_department": ("承办部门", "Department"),
    "month": ("月份", "Month"),
    "grade": ("评价", "Rating"),
    "count": ("件数", "Count"),
    "share": ("占比", "Share"),
    "col_received": ("收到", "Received"),
    "col_handled": ("受理", "Handled"),
    "col_closed": ("办结", "Closed"),
    "col_closure": ("办结率", "Closure"),
    "col_on_time": ("按期率", "On time"),
    "col_wd_median": ("用时中位数（工作日）", "Median working days"),
    "col_satisfaction": ("满意率", "Satisfied"),
    "col_proposals": ("提案", "Proposals"),
    "col_key": ("重点督办", "Key supervision"),
    "none_category": ("（未分类）", "(no category)"),
    "none_department": ("（未交办）", "(not routed)"),
    "closed_after": (
        "另有 {n} 件于统计期后办结，未计入按月办结数。",
        "Closed after the period, so not in the monthly closed counts: {n}.",
    ),
    "period_note": (
        "统计范围：{start}至{end}提交的诉求，状态以生成报告时为准。",
        "Covers demands submitted from {start} to {end}, in their state when the report was made.",
    ),
    "estimated_years": (
        "{years}年缺少法定节假日数据，工作日仅按周末估算。",
        "No official holiday data for {years}: working days there skip "
        "weekends only (an estimate).",
    ),
    "no_value": ("无", "—"),
    "days": ("{n} 天", "{n} days"),
    "charts_missing": (
        "未安装 matplotlib（unionkit[viz]），本页不含图表。",
        "matplotlib (unionkit[viz]) is not installed, so this page has no charts.",
    ),
    "charts_english": (
        "系统未安装中文字体（如 fonts-noto-cjk），图表使用英文标注。",
        "No Chinese font (such as fonts-noto-cjk) is installed, so the charts use English labels.",
    ),
    "chart_category": ("各类别收到与办结", "Received and closed by category"),
    "chart_department": ("各部门收到与办结", "Received and closed by department"),
    "chart_ratings": ("满意度评价分布", "Satisfaction ratings"),
    "chart_monthly": ("按月收到与办结", "Received and closed by month"),
    "generated_by": ("由 unionkit 生成", "Made with unionkit"),
}

CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "canteen": ("食堂餐饮", "canteen"),
    "parking": ("停车", "parking"),
    "childcare": ("子女托育", "childcare"),
    "welfare_goods": ("福利物品", "welfare goods"),
    "training": ("培训进修", "training"),
    "workload": ("工作负荷与排班", "workload and rotas"),
    "safety": ("执业安全", "workplace safety"),
    "housing": ("住房与通勤", "housing and commuting"),
    "health": ("职工健康", "staff health"),
    "culture": ("文体活动", "culture and sport"),
    "pay": ("薪酬待遇", "pay and allowances"),
    "other": ("其他", "other"),
}
"""Display names for the usual demand categories; any other category prints as stored."""


def check_lang(lang: str) -> Lang:
    """
    Return *lang* as a report language.

    Raises:
        ValueError: *lang* is not ``"zh"`` or ``"en"``.
    """
    return Lang.parse(lang)


text = Texts(_TEXT)
"""The report text *key* in *lang*, with ``{placeholders}`` filled from *values*."""


def name_of(
    key: str | None, lang: Lang, names: Mapping[str, tuple[str, str]], none_key: str
) -> str:
    """The display name of a category or department *key*; ``None`` shows *none_key*'s text."""
    if key is None:
        return text(none_key, lang)
    pair = names.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
