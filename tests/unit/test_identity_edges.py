"""Ids at the edges: message order, group chats, button data that names a person."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.pipeline.pacing import Limits
from bot.telegram.pace import TelegramPace, is_group
from handlers.staff.lists import page_owner
from handlers.tickets.keyboards import PagePress, parse_page_press
from messaging.inbound import sent_before

# Telegram ids: users up to 2^52 or so, supergroups -100 followed by up to 13 digits.
BIGGEST_TELEGRAM_USER = 2**53 - 1
BUTTON_DATA_LIMIT = 64  # bytes, Telegram's callback_data limit


@given(st.integers(min_value=1, max_value=2**63), st.integers(min_value=1, max_value=2**63))
def test_numbered_messages_keep_their_numbers_order(a: int, b: int) -> None:
    assert sent_before(str(a), str(b)) == (a < b)


def test_telegram_groups_are_known_by_their_negative_ids() -> None:
    assert is_group("telegram:-1001000000001")
    assert not is_group("telegram:3001")
    pace = TelegramPace(Limits(per_chat_interval_s=1.0, group_per_minute=20))
    assert pace.interval("telegram:-1001000000001") > pace.interval("telegram:3001")


@given(st.integers(min_value=1, max_value=BIGGEST_TELEGRAM_USER), st.integers(0, 9999))
def test_a_page_of_my_list_names_its_owner_within_the_button_limit(user: int, page: int) -> None:
    owner = f"telegram:{user}"
    data = PagePress(f"mine-{owner}", page).encode()
    assert len(data.encode()) <= BUTTON_DATA_LIMIT
    parsed = parse_page_press(data)
    assert parsed == PagePress(f"mine-{owner}", page)
    assert page_owner(parsed.listing) == ("mine", owner)


def test_page_buttons_sent_before_addresses_still_name_their_owner() -> None:
    parsed = parse_page_press("p:mine-2001:3")
    assert parsed == PagePress("mine-2001", 3)
    assert page_owner(parsed.listing) == ("mine", "telegram:2001")
    assert page_owner("open") == ("open", None)
    assert parse_page_press("p::3") is None and parse_page_press("p:open:x") is None
