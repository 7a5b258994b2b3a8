import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.privacy import MAX_PUBLIC_NAME, mask_phone_numbers, public_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "138****5678"),
        ("电话13812345678谢谢", "电话138****5678谢谢"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("(+86) 138-1234-5678", "(+86) 138****5678"),
        ("0086 13812345678", "0086 138****5678"),
        ("138-1234-5678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),  # full-width digits
        ("Tel:13812345678.", "Tel:138****5678."),
        ("13812345678,13987654321", "138****5678,139****4321"),
        ("*13812345678*", "*138****5678*"),
        ("13812345678 *urgent*", "138****5678 *urgent*"),
        ("房间302 13812345678", "房间302 138****5678"),
        ("010-12345678", "010-****5678"),
        ("(0755)12345678", "(0755)****5678"),
        ("0755 1234 5678", "0755 **** 5678"),
        ("021-6123-4567 ext", "021-****-4567 ext"),
        ("+86 10 1234 5678", "+86 10 **** 5678"),
        ("+44 20 7946 0958", "+44 ** **** 0958"),
        ("+1 (415) 555-2671", "+1 (***) ***-2671"),
        ("+4420794600958", "+44*******0958"),
        ("call 555-2671 now", "call ***-2671 now"),
        ("6123 4567", "**** 4567"),
    ],
)
def test_masks_phone_numbers(text, expected):
    assert mask_phone_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ticket #0042",
        "#00421234567",
        "2026-11-27",
        "2026-11-27 12:00",
        "27-11-2026",
        "11/27/2026",
        "2026.11.27",
        "2020-2026",
        "12:00-17:00",
        "39.9042, 116.4074",
        "39.9042,116.4074",
        "116.13812345678",  # a long decimal that happens to contain a mobile's digits
        "1 000 000",
        "1,234,567",
        "order 123456789012",  # unseparated non-mobile digits: an order number, not a phone
        "110101199003071234",
        "https://example.org/report/13812345678",
        "?id=13812345678",
        "abc13812345678",
        "13812345678abc",
        "12:13812345678",
        "138****5678",
        "",
    ],
)
def test_leaves_non_phone_numbers_alone(text):
    assert mask_phone_numbers(text) == text


def test_masks_every_number_in_a_long_message():
    context = "12:00 在2026-11-27看到路面鼓包 #0042，坐标39.9042, 116.4074，"
    text = context + "联系13812345678 或 010-12345678"
    assert mask_phone_numbers(text) == context + "联系138****5678 或 010-****5678"


# --- properties -------------------------------------------------------------------------

noisy = st.text(alphabet="0123456789  -+()*#.:/,x电", max_size=60)


@given(noisy)
def test_masking_is_idempotent(text):
    once = mask_phone_numbers(text)
    assert mask_phone_numbers(once) == once


@given(st.text(max_size=60))
def test_masking_is_idempotent_on_any_text(text):
    once = mask_phone_numbers(text)
    assert mask_phone_numbers(once) == once


@given(st.text(max_size=80).filter(lambda s: sum(ch.isdecimal() for ch in s) < 7))
def test_text_with_fewer_than_seven_digits_is_unchanged(text):
    assert mask_phone_numbers(text) == text


short_runs = st.lists(
    st.tuples(st.text(alphabet="0123456789", max_size=6), st.sampled_from(["a", "x", "路", "#"])),
    max_size=10,
).map(lambda parts: "".join(d + sep for d, sep in parts))


@given(short_runs)
def test_short_digit_runs_between_letters_are_unchanged(text):
    assert mask_phone_numbers(text) == text


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
chinese = st.text(alphabet="路面有坑请联系谢谢电话", max_size=8)


@given(chinese, mobiles, chinese)
def test_mobile_in_chinese_text_is_masked(before, mobile, after):
    masked = mask_phone_numbers(before + mobile + after)
    assert masked == before + mobile[:3] + "****" + mobile[-4:] + after


@given(mobiles, st.sampled_from(["", "+86 ", "+86-", "0086 "]), st.sampled_from([" ", "-", ""]))
def test_mobile_formats_are_masked(mobile, prefix, sep):
    text = prefix + sep.join([mobile[:3], mobile[3:7], mobile[7:]])
    assert mask_phone_numbers(text) == prefix + mobile[:3] + "****" + mobile[-4:]


# --- public_name ------------------------------------------------------------------------


def test_public_name_is_the_first_name_only():
    assert public_name("Li", "Wei", "liwei88") == "Li"
    assert public_name("  小  明 ", "王", None) == "小 明"


@pytest.mark.parametrize("first", [None, "", "   ", "\u200b", "\u202e\u200f"])
def test_public_name_empty_when_nothing_presentable(first):
    # The caller chooses the neutral label in its own language.
    assert public_name(first, "Wang", "wang") == ""


def test_public_name_drops_invisible_and_direction_characters():
    assert public_name("Ann\u202egnp.exe", None, None) == "Anngnp.exe"
    assert public_name("Bo\u200bb\nX", None, None) == "Bob X"


def test_public_name_masks_a_phone_number_used_as_a_name():
    assert public_name("13812345678", None, None) == "138****5678"


def test_public_name_is_bounded():
    name = public_name("x" * 100, None, None)
    assert len(name) == MAX_PUBLIC_NAME
    assert name.endswith("…")
