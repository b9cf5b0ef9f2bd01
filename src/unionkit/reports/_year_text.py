"""The year report's headings, labels and bases, in Chinese and English."""

from __future__ import annotations

from unionkit.reports._text import Lang

__all__ = ["ytext"]

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("{union}{year}年度工作数据报告", "{union}: the year {year} in figures"),
    "union_default": ("工会", "Union"),
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "basis": ("口径", "Basis"),
    "s_demands": ("职工诉求", "Members' demands"),
    "s_activities": ("文体活动与竞赛", "Activities and contests"),
    "s_money": ("经费与帮扶", "Money and help"),
    "s_surveys": ("满意度调查", "Surveys"),
    "received": ("收到诉求", "Demands received"),
    "received_basis": (
        "{year}年内提交的诉求、建议与提案",
        "requests, suggestions and proposals submitted in {year}",
    ),
    "closed": ("已办结", "Closed"),
    "closure_rate": ("办结率", "Closure rate"),
    "answer_rate": ("答复率", "Answer rate"),
    "on_time_rate": ("按期答复率", "Answered on time"),
    "on_time_basis": (
        "按期答复数 ÷ 有办理时限的已答复数",
        "answered by the deadline ÷ answered demands that had a deadline",
    ),
    "satisfaction_rate": ("诉求办理满意率", "Satisfaction with answers"),
    "proposals": ("职代会提案", "Congress proposals"),
    "key_proposals": ("其中重点督办", "of which under key supervision"),
    "count_basis": ("计数", "count"),
    "activities": ("活动场次", "Activities"),
    "activities_basis": ("{year}年内开始的活动", "activities starting in {year}"),
    "participation": ("参与率", "Participation"),
    "associations": ("协会", "Associations"),
    "associations_value": ("{n} 个，会员 {m} 人", "{n}, with {m} members"),
    "small_homes": ("职工小家", "Staff small homes"),
    "groups_basis": (
        "截至{day}仍有效的成员关系（去重）",
        "memberships holding on {day}, each person once per group",
    ),
    "contest": ("{title}", "{title}"),
    "contest_value": (
        "{events} 个项目，{entrants} 名选手，{awarded} 人获奖励共 {amount} 元",
        "{events} events, {entrants} entrants, {awarded} awards totalling {amount} yuan",
    ),
    "contest_basis": (
        "排名：{ranking}；{dropped}；奖励以已入账发放计",
        "ranking: {ranking}; {dropped}; awards as booked grants",
    ),
    "dropped_yes": ("去掉一个最高分和一个最低分", "highest and lowest judge's score dropped"),
    "dropped_no": ("取全部评委平均分", "mean of all judges' scores"),
    "grants": ("发放", "Grants"),
    "grants_value": ("{n} 笔，共 {amount} 元", "{n}, totalling {amount} yuan"),
    "pending": ("待审批发放", "Grants awaiting approval"),
    "pending_value": ("{n} 笔，共 {amount} 元", "{n}, totalling {amount} yuan"),
    "pending_basis": (
        "未经审批的发放单列，不计入支出、不抵减预算",
        "kept apart: not counted as spent and not taken off the budget",
    ),
    "budget_line": ("预算执行", "Spending against budget"),
    "budget_value": ("已支出 {spent} 元 / 预算 {budget} 元", "spent {spent} of {budget} yuan"),
    "budget_basis": (
        "只计设有预算的类别；已支出 = 已批准发放扣除冲正；结余 = 预算 − 已支出；"
        "预算依据：{sources}；类别未设总预算时为其各项目预算之和",
        "budgeted categories only; spent = approved grants less reversals; remaining = "
        "budget − spent; budgets set by: {sources}; a category without a budget of its own "
        "adds up its programmes' budgets",
    ),
    "budget_none": (
        "本年度未录入预算（unionkit budgets set）",
        "no budgets recorded for the year (unionkit budgets set)",
    ),
    "caps_line": ("限额依据", "Caps applied"),
    "caps_value": ("{rules}", "{rules}"),
    "cap_yearly": ("每人每年 {amount}", "{amount} per member per year"),
    "cap_event": ("每次 {amount}", "{amount} per event"),
    "visits": ("走访慰问", "Care visits done"),
    "hardship": ("困难职工档案（新建 / 退出）", "Hardship files (entered / left)"),
    "not_recorded": ("未记录", "not recorded"),
    "source_basis": ("数据来源：{source}", "source: {source}"),
    "survey_rate": ("{survey}：{question}", "{survey}: {question}"),
    "survey_mean": ("{survey}：{question}（平均分）", "{survey}: {question} (mean)"),
    "mean_basis": (
        "{n} 份有效回答的平均值，95%置信区间 ±{half}（t 分布）",
        "mean of {n} answers, 95 % CI ±{half} (Student's t)",
    ),
    "wilson_basis": (
        "；95%置信区间 {low}% 至 {high}%（Wilson 法）",
        "; 95 % CI {low} % to {high} % (Wilson score)",
    ),
    "method_newcombe": ("Newcombe 混合得分法", "Newcombe's hybrid score"),
    "method_welch": ("Welch t 检验区间", "Welch's t"),
    "change": ("变化：{question}", "Change: {question}"),
    "change_value": ("{before} → {after}（{diff}）", "{before} → {after} ({diff})"),
    "change_basis": (
        "{earlier} 对比 {later}；样本 {nb} / {na}；95%置信区间 {low} 至 {high}（{method}）；"
        "{verdict}",
        "{earlier} against {later}; samples {nb} / {na}; 95 % CI {low} to {high} ({method}); "
        "{verdict}",
    ),
    "beyond_noise": ("变化超出抽样误差", "more than sampling noise"),
    "within_noise": (
        "变化未超出抽样误差，不能确定有变化",
        "within sampling noise: not shown to have changed",
    ),
    "points": ("{sign}{v} 个百分点", "{sign}{v} points"),
    "score_points": ("{sign}{v} 分", "{sign}{v}"),
    "t_kinds": ("活动类型", "Activities by kind"),
    "t_activities": ("活动一览", "Activities"),
    "t_groups": ("协会与职工小家", "Associations and small homes"),
    "t_winners": ("竞赛各项目第一名", "Contest winners by event"),
    "t_money": ("按类别发放", "Grants by category"),
    "t_change": ("按部门：{question}", "By department: {question}"),
    "h_kind": ("类型", "Kind"),
    "h_count": ("数量", "Count"),
    "h_title": ("活动", "Activity"),
    "h_organiser": ("主办", "Organiser"),
    "h_date": ("日期", "Date"),
    "h_registered": ("报名", "Registered"),
    "h_waitlisted": ("候补", "Waitlisted"),
    "h_attended": ("参加", "Attended"),
    "h_rate": ("参与率", "Participation"),
    "h_group": ("组织", "Group"),
    "h_members": ("成员数", "Members"),
    "h_event": ("项目", "Event"),
    "h_member": ("人员编号", "Member id"),
    "h_score": ("得分", "Score"),
    "h_judges": ("计分评委数", "Judges counted"),
    "h_category": ("类别", "Category"),
    "h_grants": ("笔数", "Grants"),
    "h_people": ("人数", "People"),
    "h_amount": ("金额（元）", "Amount (yuan)"),
    "h_budget": ("预算（元）", "Budget (yuan)"),
    "h_pending": ("待审批（元）", "Awaiting approval (yuan)"),
    "h_remaining": ("结余（元）", "Remaining (yuan)"),
    "h_used": ("执行率", "Spent of budget"),
    "h_cap": ("限额（元）", "Cap (yuan)"),
    "h_over_cap": ("超限人数", "Over the cap"),
    "h_department": ("部门", "Department"),
    "h_before": ("之前", "Before"),
    "h_after": ("之后", "After"),
    "h_change": ("变化", "Change"),
    "h_ci": ("95%置信区间", "95 % CI"),
    "h_n": ("样本（前/后）", "Samples (before/after)"),
    "h_verdict": ("结论", "Verdict"),
    "chart_kinds": ("各类活动场次", "Activities by kind"),
    "chart_money": ("各类别发放金额（元）", "Grants by category (yuan)"),
    "chart_survey": ("各部门满意率变化：{question}", "Satisfaction by department: {question}"),
    "none_department": ("（未填部门）", "(no department)"),
    "generated_by": (
        "由 unionkit 生成；每项数据均注明口径。",
        "Made with unionkit; every figure states its basis.",
    ),
    "charts_missing": (
        "未安装 matplotlib（unionkit[viz]），本报告不含图表。",
        "matplotlib (unionkit[viz]) is not installed, so this report has no charts.",
    ),
}


def ytext(key: str, lang: Lang, **values: object) -> str:
    """The year report's text *key* in *lang*, placeholders filled from *values*."""
    zh, en = _TEXT[key]
    return (zh if lang == "zh" else en).format(**values)
