"""The stable codes of roster row errors and warnings, with a short zh/en description each."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ERROR_CODES", "WARNING_CODES"]

ERROR_CODES: Mapping[str, tuple[str, str]] = {
    "required": ("必填项为空", "required value missing"),
    "too_long": ("内容过长", "value too long"),
    "invalid_date": ("日期无法识别或不存在", "not a date, or no such date"),
    "invalid_integer": ("应为整数", "not a whole number"),
    "invalid_bool": ("应为是/否", "not yes/no"),
    "invalid_choice": ("不在可选值内", "not one of the allowed values"),
    "out_of_range": ("超出允许范围", "out of range"),
    "money_format": ("金额无法识别", "not an amount of money"),
    "money_precision": ("金额超过两位小数", "more than two decimal places"),
    "money_too_large": ("金额过大", "amount too large"),
    "negative_amount": ("金额为负数", "negative amount"),
    "birth_date_future": ("出生日期在未来", "birth date in the future"),
    "birth_date_too_old": ("出生日期早于120年前", "birth date over 120 years ago"),
    "hire_date_future": ("入职日期在未来", "hire date in the future"),
    "hire_before_16": ("入职时未满16周岁", "hired before age 16"),
    "birth_date_mismatch": ("出生日期与身份证号不一致", "birth date disagrees with the ID number"),
    "sex_mismatch": ("性别与身份证号不一致", "sex disagrees with the ID number"),
    "id_checksum": ("身份证号校验位错误", "ID number check digit wrong"),
    "id_birth_date": ("身份证号中的出生日期无效", "impossible birth date in the ID number"),
    "id_region": ("身份证号地区码不存在", "unknown region code in the ID number"),
    "id_format": ("身份证号格式错误", "ID number malformed"),
    "id_legacy": ("15位旧身份证号", "15-digit legacy ID number"),
    "excel_number": ("身份证号被 Excel 存成了数字", "ID number stored as an Excel number"),
    "phone_format": ("手机号格式错误", "phone number malformed"),
    "phone_not_mobile": ("不是有效的手机号", "not a valid mobile number"),
    "duplicate_member_id": ("工号重复", "duplicate member id"),
    "duplicate_national_id": ("身份证号重复", "duplicate ID number"),
    "extra_cells": ("单元格多于表头", "more cells than headers"),
    "invalid": ("其他无效值", "other invalid value"),
}
"""Every code a :class:`~unionkit.io.RowError` can carry: ``code -> (zh, en)``."""

WARNING_CODES: Mapping[str, tuple[str, str]] = {
    "unknown_column": ("未识别的列，已忽略", "unknown column, ignored"),
    "blank_rows": ("跳过的空行", "blank rows skipped"),
    "no_data_rows": ("只有表头没有数据", "header but no data rows"),
}
"""Every code a :class:`~unionkit.io.RosterWarning` can carry: ``code -> (zh, en)``."""
