"""Reading rosters: encodings, headers, and one precise error per bad cell."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from roster_helpers import TODAY, make_id, write_csv

from unionkit.errors import RosterFormatError
from unionkit.io import RowError, read_roster
from unionkit.models import Sex

HEADER = ["工号", "姓名", "身份证号", "性别", "出生日期", "手机号", "入职日期", "月工资"]
GOOD_ID = make_id()  # born 1990-03-07, male
OTHER_ID = make_id(born="19880512", seq="124")  # female


def good_row(member_id: str = "H001", national_id: str = GOOD_ID, **over: str) -> list[str]:
    row = {
        "工号": member_id,
        "姓名": "张伟",
        "身份证号": national_id,
        "性别": "男",
        "出生日期": "1990-03-07",
        "手机号": "13800138000",
        "入职日期": "2012-07-01",
        "月工资": "8500.50",
    }
    row.update(over)
    return [row[h] for h in HEADER]


def only_error(path: Path) -> RowError:
    result = read_roster(path, today=TODAY)
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def no_pii_anywhere(errors: list[RowError], *secrets: str) -> None:
    blob = json.dumps([e.as_dict() for e in errors], ensure_ascii=False) + "".join(
        str(e) for e in errors
    )
    for secret in secrets:
        assert secret not in blob


# --- encodings and file shapes ---


def test_utf8_roster_with_bom_gives_members(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [good_row(), good_row("H002", OTHER_ID, 性别="女", 出生日期="1988-05-12")],
    )

    result = read_roster(path, today=TODAY)

    assert result.encoding == "utf-8-sig"
    assert [m.member_id for m in result.members] == ["H001", "H002"]
    assert result.members[0].name == "张伟"
    assert result.members[0].monthly_salary == Decimal("8500.50")
    assert result.members[0].national_id is not None
    assert result.members[0].national_id.reveal() == GOOD_ID
    assert result.ok


def test_gbk_file_falls_back_to_gb18030(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row()], encoding="gbk")
    # The bytes really are not UTF-8, so the fallback is exercised.
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    result = read_roster(path, today=TODAY)

    assert result.encoding == "gb18030"
    assert result.members[0].name == "张伟"
    assert result.members[0].department is None


def test_explicit_encoding_wins_and_explains_failure(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row()], encoding="gbk")

    with pytest.raises(RosterFormatError) as info:
        read_roster(path, encoding="utf-8", today=TODAY)

    assert "utf-8" in info.value.message_en
    assert "utf-8" in info.value.message_zh


def test_undecodable_file_is_a_format_error_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xe5\xb7\xa5\xe5\x8f\xb7,name\n\x80\xff\x80\xff,\xff\xfe\xfd\n")

    with pytest.raises(RosterFormatError) as info:
        read_roster(path, today=TODAY)

    assert "GB18030" in info.value.message_en
    assert "GB18030" in info.value.message_zh
    assert "编码" in info.value.message_zh


def test_empty_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(RosterFormatError, match="empty"):
        read_roster(path, today=TODAY)


def test_bom_only_file_is_empty_too(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")

    with pytest.raises(RosterFormatError, match="empty"):
        read_roster(path, today=TODAY)


def test_header_only_gives_zero_members_and_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [])

    result = read_roster(path, today=TODAY)

    assert result.members == []
    assert result.rows_read == 0
    assert result.ok
    assert [w.code for w in result.warnings] == ["no_data_rows"]


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(RosterFormatError, match="does not exist"):
        read_roster(tmp_path / "nope.csv")


def test_missing_required_columns_are_listed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["身份证号", "科室"], [[GOOD_ID, "内科"]])

    with pytest.raises(RosterFormatError) as info:
        read_roster(path, today=TODAY)

    assert "member_id" in info.value.message_en
    assert "name" in info.value.message_en
    assert "工号" in info.value.message_zh
    assert "姓名" in info.value.message_zh


def test_extra_columns_are_warnings_not_errors(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv", [*HEADER, "备注", "籍贯"], [[*good_row(), "调岗中", "河南"]]
    )

    result = read_roster(path, today=TODAY)

    assert len(result.members) == 1
    assert result.ok
    assert {(w.code, w.column) for w in result.warnings} == {
        ("unknown_column", "备注"),
        ("unknown_column", "籍贯"),
    }


def test_two_columns_for_one_field_is_a_format_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["工号", "人员编号", "姓名"], [["1", "2", "张伟"]])

    with pytest.raises(RosterFormatError) as info:
        read_roster(path, today=TODAY)

    assert "工号" in info.value.message_en
    assert "人员编号" in info.value.message_en


def test_english_and_decorated_headers_map_to_fields(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["Member ID", "*姓名", "Resident_ID", "手机号码 ", "参加工作时间", "月工资（元）"],
        [["H001", "张伟", GOOD_ID, "13800138000", "2012-07-01", "100"]],
    )

    result = read_roster(path, today=TODAY)

    member = result.members[0]
    assert member.hire_date == date(2012, 7, 1)
    assert member.phone is not None
    assert member.phone.reveal() == "13800138000"
    assert member.monthly_salary == Decimal("100.00")
    assert result.warnings == []


def test_caller_mapping_overrides_and_extends(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["职工号", "姓名", "编号"], [["H001", "张伟", "F-9"]])

    result = read_roster(path, mapping={"职工号": "member_id", "编号": "household_id"}, today=TODAY)

    assert result.members[0].member_id == "H001"
    assert result.members[0].household_id == "F-9"


def test_mapping_to_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row()])

    with pytest.raises(RosterFormatError, match="unknown field 'salary_band'"):
        read_roster(path, mapping={"职级": "salary_band"}, today=TODAY)


def test_full_width_digits_and_ideographic_spaces_are_normalised(tmp_path: Path) -> None:
    wide_id = GOOD_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    wide_phone = "１３８ ００１３ ８０００"
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [good_row(national_id="\u3000" + wide_id + " ", 手机号=wide_phone)],
    )

    result = read_roster(path, today=TODAY)

    assert result.ok, result.errors
    member = result.members[0]
    assert member.national_id is not None
    assert member.national_id.reveal() == GOOD_ID
    assert member.phone is not None
    assert member.phone.reveal() == "13800138000"


@pytest.mark.parametrize("text", ["1990/3/7", "1990年3月7日", "19900307", "1990-03-07 00:00:00"])
def test_common_date_spellings_are_read(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(出生日期=text)])

    result = read_roster(path, today=TODAY)

    assert result.members[0].birth_date == date(1990, 3, 7)


def test_blank_rows_are_skipped_but_row_numbers_stay_true(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [good_row(), ["", "", "", "", "", "", "", ""], [], good_row("H002", OTHER_ID, 月工资="-1")],
    )

    result = read_roster(path, today=TODAY)

    assert result.rows_read == 2
    assert [w.code for w in result.warnings] == ["blank_rows"]
    assert result.errors[0].row == 5


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_separated_files_are_read(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "r.csv"
    lines = [delimiter.join(HEADER), delimiter.join(good_row(月工资="8500,50"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = read_roster(path, today=TODAY)

    # "8500,50" is one cell here: a decimal comma, refused rather than read as 850,050 yuan.
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "月工资", "money_format")]
    assert "thousands" in result.errors[0].message_en
    assert "千位" in result.errors[0].message_zh


def test_utf16_with_bom_and_mixed_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    text = (
        ",".join(HEADER)
        + "\r\n"
        + ",".join(good_row("H001"))
        + "\n"
        + ",".join(good_row("H002", OTHER_ID, 性别="女", 出生日期="1988-05-12"))
        + "\r\n"
    )
    path.write_bytes(text.encode("utf-16"))

    result = read_roster(path, today=TODAY)

    assert result.encoding == "utf-16"
    assert ["H001", "H002"] == [m.member_id for m in result.members]
    assert result.ok


def test_text_file_objects_are_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row()])

    with path.open(encoding="utf-8-sig") as handle:
        result = read_roster(handle, today=TODAY)

    assert [m.member_id for m in result.members] == ["H001"]


def test_progress_reports_the_final_count(tmp_path: Path) -> None:
    rows = [good_row(f"H{i:04d}", make_id(seq=f"{i:03d}")) for i in range(1, 6)]
    path = write_csv(tmp_path / "r.csv", HEADER, rows)
    calls: list[tuple[int, int]] = []

    read_roster(path, today=TODAY, progress=lambda done, total: calls.append((done, total)))

    assert calls[-1] == (5, 5)


# --- one error per bad cell, with row, column and code ---


def test_future_birth_date(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(national_id="", 出生日期="2030-01-01")])

    error = only_error(path)

    assert (error.row, error.column, error.field, error.code) == (
        2,
        "出生日期",
        "birth_date",
        "birth_date_future",
    )
    assert error.member_id == "H001"
    assert "future" in error.message_en
    assert "未来" in error.message_zh


def test_hire_before_sixteen(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(入职日期="2005-03-06")])

    error = only_error(path)

    assert (error.row, error.column, error.code) == (2, "入职日期", "hire_before_16")
    assert error.value == "2005-03-06"
    assert "16" in error.message_en


def test_hired_on_sixteenth_birthday_is_fine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(入职日期="2006-03-07")])

    assert read_roster(path, today=TODAY).ok


def test_negative_salary_is_reported_masked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(月工资="-4321.00")])

    error = only_error(path)

    assert (error.row, error.column, error.code) == (2, "月工资", "negative_amount")
    assert "4321" not in error.value
    assert error.value == "*" * len("-4321.00")


def test_salary_with_three_decimals_is_refused_not_rounded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(月工资="100.005")])

    assert only_error(path).code == "money_precision"


def test_id_with_wrong_check_digit(tmp_path: Path) -> None:
    wrong = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(national_id=wrong)])

    error = only_error(path)

    assert (error.row, error.column, error.code) == (2, "身份证号", "id_checksum")
    assert error.value == wrong[:4] + "*" * 10 + wrong[-4:]
    no_pii_anywhere([error], wrong)


def test_id_with_impossible_birth_date(tmp_path: Path) -> None:
    bad = make_id(born="19900230")
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(national_id=bad)])

    error = only_error(path)

    assert (error.column, error.code) == ("身份证号", "id_birth_date")
    no_pii_anywhere([error], bad)


def test_id_disagreeing_with_stated_birth_date(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(出生日期="1990-03-08")])

    error = only_error(path)

    assert (error.row, error.column, error.field, error.code) == (
        2,
        "出生日期",
        "birth_date",
        "birth_date_mismatch",
    )
    no_pii_anywhere([error], GOOD_ID)


def test_id_disagreeing_with_stated_sex(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(性别="女")])

    error = only_error(path)

    assert (error.column, error.code) == ("性别", "sex_mismatch")


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [
            good_row(
                national_id=GOOD_ID[:-1] + "X" if GOOD_ID[-1] != "X" else "0",
                手机号="12345",
                入职日期="2019-02-30",
                月工资="abc",
            )
        ],
    )

    result = read_roster(path, today=TODAY)

    assert result.members == []
    assert {(e.row, e.column, e.code) for e in result.errors} == {
        (2, "身份证号", "id_checksum"),
        (2, "手机号", "phone_not_mobile"),
        (2, "入职日期", "invalid_date"),
        (2, "月工资", "money_format"),
    }


def test_missing_name_is_required(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(姓名="")])

    error = only_error(path)

    assert (error.column, error.field, error.code) == ("姓名", "name", "required")


def test_bad_rows_do_not_stop_the_import(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [
            good_row("H001"),
            good_row("H002", make_id(seq="125"), 月工资="-1"),
            good_row("H003", make_id(seq="127")),
        ],
    )

    result = read_roster(path, today=TODAY)

    assert [m.member_id for m in result.members] == ["H001", "H003"]
    assert [e.row for e in result.errors] == [3]


def test_duplicate_member_ids_name_both_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [good_row("H001"), good_row("H001", OTHER_ID, 性别="女", 出生日期="1988-05-12")],
    )

    result = read_roster(path, today=TODAY)

    assert [m.national_id for m in result.members] == [result.members[0].national_id]
    assert result.members[0].national_id is not None
    assert result.members[0].national_id.reveal() == GOOD_ID
    [error] = result.errors
    assert (error.row, error.column, error.code) == (3, "工号", "duplicate_member_id")
    assert "row 2" in error.message_en
    assert "第 2 行" in error.message_zh


def test_duplicate_id_numbers_name_both_rows_and_stay_masked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row("H001"), good_row("H002")])

    result = read_roster(path, today=TODAY)

    assert [m.member_id for m in result.members] == ["H001"]
    [error] = result.errors
    assert (error.row, error.column, error.code) == (3, "身份证号", "duplicate_national_id")
    assert "row 2" in error.message_en
    assert "H001" in error.message_en
    no_pii_anywhere(result.errors, GOOD_ID)


def test_same_person_under_two_member_ids_is_reported_when_the_first_row_is_bad_too(
    tmp_path: Path,
) -> None:
    # Row 2 fails on its phone; row 3 is otherwise clean but is the same person (same
    # ID number) under another member id: fixing row 2 must not be the first time we hear.
    path = write_csv(
        tmp_path / "r.csv", HEADER, [good_row("H001", 手机号="10012345678"), good_row("H002")]
    )

    result = read_roster(path, today=TODAY)

    assert result.members == []
    assert [(e.row, e.code, e.member_id) for e in result.errors] == [
        (2, "phone_not_mobile", "H001"),
        (3, "duplicate_national_id", "H002"),
    ]
    assert "H001" in result.errors[1].message_en
    no_pii_anywhere(result.errors, GOOD_ID)


def test_duplicate_member_id_is_reported_on_a_row_with_other_errors(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [
            good_row("H001"),
            good_row("H001", OTHER_ID, 性别="女", 出生日期="1988-05-12", 月工资="-1"),
        ],
    )

    result = read_roster(path, today=TODAY)

    assert {(e.row, e.code) for e in result.errors} == {
        (3, "negative_amount"),
        (3, "duplicate_member_id"),
    }


def test_a_bad_cell_does_not_hide_a_hire_before_sixteen(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(入职日期="2005-03-06", 月工资="-5")])

    result = read_roster(path, today=TODAY)

    assert {(e.column, e.code) for e in result.errors} == {
        ("月工资", "negative_amount"),
        ("入职日期", "hire_before_16"),
    }


def test_every_disagreement_with_the_id_number_is_reported(tmp_path: Path) -> None:
    # GOOD_ID says male, born 1990-03-07; the row says female, born 1991, hired in 2000.
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [good_row(性别="女", 出生日期="1991-03-07", 入职日期="2000-01-01")],
    )

    result = read_roster(path, today=TODAY)

    assert {(e.column, e.code) for e in result.errors} == {
        ("出生日期", "birth_date_mismatch"),
        ("性别", "sex_mismatch"),
        ("入职日期", "hire_before_16"),
    }


def test_row_with_more_cells_than_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [[*good_row(), "stray"]])

    error = only_error(path)

    assert (error.row, error.code) == (2, "extra_cells")


def test_personal_values_never_appear_in_errors(tmp_path: Path) -> None:
    bad_phone = "19912345678"
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        [
            good_row("H001", 手机号="10012345678"),
            good_row("H002", make_id(seq="125"), 手机号=bad_phone, 入职日期="2001-01-01"),
            good_row("H003", GOOD_ID),
        ],
    )

    result = read_roster(path, today=TODAY)

    assert [(e.row, e.code) for e in result.errors] == [
        (2, "phone_not_mobile"),
        (3, "hire_before_16"),
        (4, "duplicate_national_id"),
    ]
    assert result.errors[0].value == "100****5678"
    no_pii_anywhere(result.errors, GOOD_ID, make_id(seq="125"), "10012345678", bad_phone)


# --- Excel ---


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def test_id_stored_as_an_excel_number_says_format_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["工号", "姓名", "身份证号"],
        [["H001", "张伟", int(make_id(seq="120")[:17] + "0")]],
    )

    result = read_roster(path, today=TODAY)

    [error] = result.errors
    assert (error.row, error.column, error.code) == (2, "身份证号", "excel_number")
    assert "Text" in error.message_en
    assert "文本" in error.message_zh


def test_excel_numbers_for_money_ids_and_days_are_read_exactly(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["工号", "姓名", "月工资", "病假天数", "手机号"],
        [[1001, "张伟", 8500.1, 3, 13800138000]],
    )

    result = read_roster(path, today=TODAY)

    assert result.ok, result.errors
    member = result.members[0]
    assert member.member_id == "1001"
    assert member.monthly_salary == Decimal("8500.10")
    assert member.sick_leave_days == 3
    assert member.phone is not None
    assert member.phone.reveal() == "13800138000"
    assert result.format == "xlsx"
    assert result.encoding is None


def rewrite_numbers(path: Path, replacements: dict[str, str]) -> None:
    """Replace number texts in a sheet's XML, as Excel writes them (up to 17 digits)."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    for old, new in replacements.items():
        assert f"<v>{old}</v>" in xml
        xml = xml.replace(f"<v>{old}</v>", f"<v>{new}</v>")
    parts[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_excel_formula_results_are_read_at_excels_fifteen_digits(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["工号", "姓名", "月工资", "年可支配收入"],
        [["H001", "张伟", 1.25, 2.5], ["H002", "李娜", 3.75, 4.5]],
    )
    # Excel stores =0.1+0.2 as the double 0.30000000000000004 and shows 0.3; a salary of
    # =9010.42*1.1 really is 9911.462 and must still be refused.
    rewrite_numbers(
        path,
        {"1.25": "0.30000000000000004", "2.5": "1234.5600000000002", "3.75": "9911.4620000000014"},
    )

    result = read_roster(path, today=TODAY)

    assert [m.member_id for m in result.members] == ["H001"]
    assert result.members[0].monthly_salary == Decimal("0.30")
    assert result.members[0].annual_income == Decimal("1234.56")
    assert [(e.row, e.code) for e in result.errors] == [(3, "money_precision")]


def test_excel_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(2, 0, ["工号", "姓名", "月工资"])  # the header on row 3
    sheet.write_row(3, 0, ["H001", "张伟", "100"])
    sheet.write_row(4, 0, ["H002", "李娜", "-5"])
    book.close()

    result = read_roster(path, today=TODAY)

    assert [e.row for e in result.errors] == [5]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", ["工号", "姓名"], [["H001", "张伟"]])

    with pytest.raises(RosterFormatError, match="名单"):
        read_roster(path, sheet="Sheet9", today=TODAY)
    assert read_roster(path, sheet="名单", today=TODAY).members[0].member_id == "H001"


def test_a_csv_named_xlsx_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("工号,姓名\nH001,张伟\n", encoding="utf-8")

    with pytest.raises(RosterFormatError, match="spreadsheet"):
        read_roster(path, today=TODAY)


def test_stated_sex_is_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, [good_row(性别="male")])

    assert read_roster(path, today=TODAY).members[0].sex is Sex.MALE
