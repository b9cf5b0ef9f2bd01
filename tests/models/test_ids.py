"""Resident ID and mobile number validation, derivation and masking."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionkit.errors import InvalidIdNumber
from unionkit.models.ids import (
    MaskingFilter,
    MobileNumber,
    ResidentId,
    id_check_digit,
    mask_name,
    mask_text,
    masked_all,
    scrub,
)

# A number published in GB 11643-1999's own worked example.
STANDARD_EXAMPLE = "11010519491231002X"


def make_id(region: str = "110105", born: str = "19900307", seq: str = "123") -> str:
    body = region + born + seq
    return body + id_check_digit(body)


def test_check_digit_matches_the_standards_worked_example() -> None:
    assert "X" == id_check_digit(STANDARD_EXAMPLE[:17])


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_is_iso7064_mod_11_2(body: str) -> None:
    # Independent formulation: the full number, weighted by 2^(17-i) mod 11, sums to 1 mod 11.
    check = id_check_digit(body)
    digits = [int(c) for c in body] + [10 if check == "X" else int(check)]
    total = sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits))

    assert 1 == total % 11


def test_derives_birth_date_sex_and_region() -> None:
    rid = ResidentId.parse(make_id(born="19840229", seq="124"))

    assert date(1984, 2, 29) == rid.birth_date
    assert "female" == rid.sex
    assert "110105" == rid.region_code


def test_odd_sequence_digit_is_male() -> None:
    assert "male" == ResidentId.parse(make_id(seq="121")).sex


def test_lowercase_x_full_width_digits_and_spaces_are_normalised() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in STANDARD_EXAMPLE[:17])

    assert STANDARD_EXAMPLE == ResidentId.parse(STANDARD_EXAMPLE.lower()).reveal()
    assert STANDARD_EXAMPLE == ResidentId.parse(full_width + "x").reveal()
    assert STANDARD_EXAMPLE == ResidentId.parse(" 110105 19491231 002X\u3000").reveal()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (STANDARD_EXAMPLE[:17] + "1", "checksum"),
        ("1101051949123100", "format"),
        ("11010519491231002XX", "format"),
        ("A1010519491231002X", "format"),
        (make_id(region="000105"), "region"),
        (make_id(born="19490230")[:17] + "0", "birth_date"),
        (make_id(born="20990101"), "birth_date"),
        (make_id(born="18800101"), "birth_date"),
        ("1.10105E+17", "excel_number"),
    ],
)
def test_each_bad_number_gets_its_own_reason(raw: str, code: str) -> None:
    with pytest.raises(InvalidIdNumber) as info:
        ResidentId.parse(raw, today=date(2026, 11, 23))

    assert code == info.value.code
    assert info.value.message_zh and info.value.message_en


def test_a_number_from_an_excel_numeric_cell_is_explained() -> None:
    # What calamine and openpyxl return for an ID typed into Excel as a number.
    with pytest.raises(InvalidIdNumber) as as_int:
        ResidentId.parse(110105194912310000)
    with pytest.raises(InvalidIdNumber) as as_text:
        ResidentId.parse("110105194912310000")

    assert "excel_number" == as_int.value.code
    assert "excel_number" == as_text.value.code
    assert "Text" in str(as_text.value)


def test_a_valid_number_ending_in_000_is_not_mistaken_for_excel_damage() -> None:
    body = next(
        b
        for b in (f"11010519900307{n:03d}" for n in range(0, 1000, 100))
        if id_check_digit(b) == "0"
    )
    number = body + "0"

    assert number.endswith("000")
    assert number == ResidentId.parse(number).reveal()


def test_legacy_15_digit_number_is_converted_or_rejected() -> None:
    legacy = "110105491231002"

    assert STANDARD_EXAMPLE == ResidentId.parse(legacy).reveal()
    with pytest.raises(InvalidIdNumber) as info:
        ResidentId.parse(legacy, legacy="reject")
    assert "legacy" == info.value.code


def test_residence_permit_prefixes_are_accepted() -> None:
    for region in ("810000", "820000", "830000"):
        assert region == ResidentId.parse(make_id(region=region)).region_code


def test_the_number_never_prints_whole() -> None:
    rid = ResidentId.parse(STANDARD_EXAMPLE)

    assert "1101**********002X" == str(rid)
    assert STANDARD_EXAMPLE not in repr(rid)
    assert STANDARD_EXAMPLE not in f"{rid}"


def test_errors_never_contain_the_number() -> None:
    bad = STANDARD_EXAMPLE[:17] + "3"
    with pytest.raises(InvalidIdNumber) as info:
        ResidentId.parse(bad)

    assert bad not in str(info.value)
    assert bad[:10] not in str(info.value)


@pytest.mark.parametrize("raw", ["13800138000", "+86 138-0013-8000", "008619912345678"])
def test_mobile_numbers_accepted_and_masked(raw: str) -> None:
    number = MobileNumber.parse(raw)

    assert 11 == len(number.reveal())
    assert number.masked == number.reveal()[:3] + "****" + number.reveal()[-4:]
    assert number.reveal() not in repr(number)
    assert "+86" + number.reveal() == number.e164


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("010-12345678", "not_mobile"),
        ("1380013800", "not_mobile"),
        ("1380013800a", "format"),
        ("12012345678", "not_mobile"),
    ],
)
def test_bad_mobile_numbers(raw: str, code: str) -> None:
    with pytest.raises(InvalidIdNumber) as info:
        MobileNumber.parse(raw)

    assert code == info.value.code


def test_mask_text_never_shows_short_values_whole() -> None:
    assert "*" == mask_text("张", 1, 0)
    assert "*3" == mask_text("23", 4, 4)
    assert "12**56" == mask_text("123456", 2, 2)


def test_a_name_keeps_only_its_first_character() -> None:
    assert ["*", "张*", "欧***"] == [mask_name(n) for n in ("张", "张三", "欧阳娜娜")]


def test_logging_filter_masks_numbers_passed_by_mistake(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("unionkit.test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="unionkit.test.masking"):
        logger.info("member %s phone %s", STANDARD_EXAMPLE, "13800138000")

    assert STANDARD_EXAMPLE not in caplog.text
    assert "13800138000" not in caplog.text
    assert "1101**********002X" in caplog.text
    assert "138****8000" in caplog.text


def test_scrub_leaves_other_numbers_alone() -> None:
    assert "order 12345 at 2026-01-02" == scrub("order 12345 at 2026-01-02")


@pytest.mark.parametrize(
    ("typed", "secret"),
    [
        ("电话+8613800138000", "00138000"),
        ("call 0086 13800138000", "00138000"),
        ("手机 138-0013-8000 或", "0013"),
        ("手机 138 0013 8000", "0013"),
        ("手机１３８００１３８０００", "００１３"),
        ("身份证 110105 19900307 1239", "19900307"),
        ("身份证１１０１０５１９９００３０７１２３９号", "１９９００３０７"),
    ],
)
def test_scrub_catches_the_forms_people_type(typed: str, secret: str) -> None:
    # Every one of these is accepted by MobileNumber.parse or is an ID with its groups
    # spaced as printed on the card, so each must also be masked in free text.
    scrubbed = scrub(typed)

    assert secret not in scrubbed
    assert len(typed) == len(scrubbed)
    assert typed[:2] == scrubbed[:2]


def test_scrub_keeps_the_ends_and_the_surrounding_text() -> None:
    assert "金额 1,234.50，电话：+86 138-****-8000。" == scrub(
        "金额 1,234.50，电话：+86 138-0013-8000。"
    )


# parse_many must say exactly what parse says, value for value: the numpy path only
# accepts, and whatever it does not accept goes through parse itself.
_TODAY = date(2026, 6, 30)
_ID_PIECES = st.one_of(
    st.builds(
        make_id,
        region=st.sampled_from(["110105", "440305", "990000", "000000", "710000", "200000"]),
        born=st.sampled_from(
            [
                *("19900307", "19840229", "19850229", "19001231", "19060701", "19060630"),
                *("20260630", "20260701", "20301231", "19901301", "19900000", "19900431"),
                "00000000",
            ]
        ),
        seq=st.from_regex(r"[0-9]{3}", fullmatch=True),
    ),
    st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True),
    st.from_regex(r"[0-9]{15,19}", fullmatch=True),
    st.text(alphabet="0123456789Xx +-E.\u3000０１２", max_size=20),
)


def _id_outcome(value: object) -> object:
    try:
        number = ResidentId.parse(value, today=_TODAY)
    except InvalidIdNumber as exc:
        return ("error", exc.code, exc.message_en)
    return ("ok", number.reveal(), number.birth_date)


@given(
    st.lists(
        st.one_of(
            _ID_PIECES,
            _ID_PIECES.map(lambda t: t[:-1] + ("X" if t[-1:] != "X" else "0")),
            _ID_PIECES.map(
                lambda t: t[:5] + str((int(t[5]) + 1) % 10) + t[6:] if t[5:6].isdigit() else t
            ),
            st.sampled_from([None, 1101051990, 1.1e17, True, "", STANDARD_EXAMPLE]),
        ),
        max_size=30,
    )
)
def test_parse_many_says_what_parse_says_for_each_id(values: list[object]) -> None:
    results = ResidentId.parse_many(values, today=_TODAY)

    assert len(results) == len(values)
    for value, result in zip(values, results, strict=True):
        if isinstance(result, InvalidIdNumber):
            assert ("error", result.code, result.message_en) == _id_outcome(value)
        else:
            assert type(result) is ResidentId
            assert ("ok", result.reveal(), result.birth_date) == _id_outcome(value)
            assert result.sex == ResidentId.parse(value, today=_TODAY).sex


def _phone_outcome(value: object) -> object:
    try:
        return ("ok", MobileNumber.parse(value).reveal())
    except InvalidIdNumber as exc:
        return ("error", exc.code, exc.message_en)


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"1[0-9]{10}", fullmatch=True),
            st.sampled_from(["13800138000", "17400000000", "17401234567", "19912345678"]),
            st.from_regex(r"[0-9]{10,12}", fullmatch=True),
            st.text(alphabet="0123456789 +-８", max_size=14),
            st.sampled_from([None, 13800138000, "+8613900139000", ""]),
        ),
        max_size=30,
    )
)
def test_parse_many_says_what_parse_says_for_each_phone(values: list[object]) -> None:
    results = MobileNumber.parse_many(values)

    assert len(results) == len(values)
    for value, result in zip(values, results, strict=True):
        if isinstance(result, InvalidIdNumber):
            assert ("error", result.code, result.message_en) == _phone_outcome(value)
        else:
            assert type(result) is MobileNumber
            assert ("ok", result.reveal()) == _phone_outcome(value)
            assert result.masked == MobileNumber.parse(value).masked


def test_parse_many_accepts_a_large_column_through_the_fast_path() -> None:
    # Many valid numbers at once, with one bad one in the middle: each keeps its place.
    good = [
        make_id(born=f"19{70 + i % 30:02d}0{1 + i % 9}1{i % 9}", seq=f"{i % 1000:03d}")
        for i in range(500)
    ]
    values: list[object] = [*good[:250], make_id()[:-1] + "0", *good[250:]]

    results = ResidentId.parse_many(values, today=_TODAY)

    assert [r.reveal() for r in results if isinstance(r, ResidentId)] == good
    assert isinstance(results[250], InvalidIdNumber) and results[250].code == "checksum"
    born = [r.birth_date for r in results[:250] if isinstance(r, ResidentId)]
    assert born == [ResidentId.parse(v, today=_TODAY).birth_date for v in good[:250]]


def test_many_numbers_are_masked_as_each_masks_itself() -> None:
    ids = [ResidentId.parse(STANDARD_EXAMPLE), ResidentId.parse(make_id(seq="121"))]
    phones = [MobileNumber.parse("13812345678"), MobileNumber.parse("15900001111")]

    for numbers in (ids, phones, [ids[0], phones[0], ids[1]]):
        assert masked_all(numbers) == [n.masked for n in numbers]
    assert masked_all(ids)[0] == "1101**********002X"
    assert masked_all(phones)[0] == "138****5678"
    assert masked_all([]) == []
