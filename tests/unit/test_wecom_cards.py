"""Template cards against the documented schema (document/path/101032), mentions, pace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.wecom import cards, mentions
from bot.wecom.cards import Announcement, CardButton, CardError
from bot.wecom.pace import WECOM_PACE, Pace

ITEM = Announcement(title="工单 42 · 路面坑洞", category="道路", place="解放路 12 号",
                    deadline="今天 18:00", description="约 40 cm", link="https://x.test/t/42")
BUTTONS = [CardButton("受理", "ack:42:abc", cards.STYLE_PRIMARY), CardButton("转派", "fwd:42:abc"),
           CardButton("查看", "view:42:abc")]


def test_announcement_card_fields() -> None:
    task_id = cards.new_task_id("t42")
    card = cards.announcement_card(ITEM, BUTTONS, task_id)
    assert card["card_type"] == "button_interaction"
    assert set(card) <= cards.CARD_FIELDS["button_interaction"]
    assert card["task_id"] == task_id
    assert [b["text"] for b in card["button_list"]] == ["受理", "转派", "查看"]
    assert [b["key"] for b in card["button_list"]] == ["ack:42:abc", "fwd:42:abc", "view:42:abc"]
    assert {h["keyname"]: h["value"] for h in card["horizontal_content_list"]} == {
        "类别": "道路", "地点": "解放路 12 号", "期限": "今天 18:00"}
    assert card["card_action"] == {"type": 1, "url": "https://x.test/t/42"}


def test_status_card_keeps_task_id_and_drops_buttons() -> None:
    card = cards.announcement_card(ITEM, BUTTONS, "t42-1")
    done = cards.status_card(card, "已受理 · 张三")
    assert done["task_id"] == "t42-1"
    assert done["card_type"] == "text_notice" and "button_list" not in done
    assert done["sub_title_text"] == "已受理 · 张三"
    again = cards.status_card(card, "已转派", buttons=BUTTONS[:1])
    assert again["card_type"] == "button_interaction" and len(again["button_list"]) == 1


@pytest.mark.parametrize("change", [
    {"card_image": {"url": "https://x"}},  # button cards carry no image
    {"task_id": "has space"},
    {"task_id": "x" * 129},
    {"button_list": []},
    {"button_list": [{"text": "a", "style": 1, "key": ""}]},
    {"horizontal_content_list": [{"keyname": "k", "value": "v"}] * 7},
    {"card_type": "news"},
    {"main_title": {}},
])
def test_validate_refuses(change: dict[str, object]) -> None:
    card = cards.announcement_card(ITEM, BUTTONS, "t42-1") | change
    with pytest.raises(CardError):
        cards.validate(card)


def test_button_key_limit() -> None:
    with pytest.raises(CardError):
        cards.announcement_card(ITEM, [CardButton("受理", "k" * 1025)], "t1")


@given(name=st.text(max_size=300))
def test_new_task_id_is_always_valid(name: str) -> None:
    task_id = cards.new_task_id(name)
    assert cards.press_of(task_id, "ack:1") is not None
    assert len(task_id.encode()) <= cards.TASK_ID_MAX


def test_press_of_refuses_foreign_events() -> None:
    assert cards.press_of("", "ack:1") is None
    assert cards.press_of("a b", "ack:1") is None
    assert cards.press_of("t1", "") is None
    assert cards.press_of("t1", "ack:1") == cards.Press("t1", "ack:1")


def test_text_notice_requires_card_action() -> None:
    card = cards.text_notice("超时", [("工单", "42")])
    assert card["card_action"] == {"type": 0}
    with pytest.raises(CardError):
        cards.validate({k: v for k, v in card.items() if k != "card_action"})


def test_mentions() -> None:
    assert mentions.markdown_mention("zhangsan") == "<@zhangsan>"
    assert mentions.markdown_mentions(["a", "b"]) == "<@a> <@b>"
    assert mentions.text_mentioned_list(["a"], everyone=True) == ["a", "@all"]
    with pytest.raises(ValueError):
        mentions.markdown_mention("bad id>")
    assert mentions.strip_bot_mention("@联络机器人 解决 42 已修复") == "解决 42 已修复"
    bot = ("联络机器人",)
    assert mentions.strip_bot_mention("@联络机器人  @联络机器人 受理 42", bot) == "受理 42"
    assert mentions.strip_bot_mention("@张三 受理 42", ("联络机器人",)) == "@张三 受理 42"


def test_pace_intervals() -> None:
    # 30 a minute and 1000 an hour: the hour is the tighter one when sends are even.
    assert WECOM_PACE.smart_bot_chat.interval_s == pytest.approx(3.6 * 1.03)
    assert WECOM_PACE.interval(webhook=True) == pytest.approx(3.0 * 1.03)
    assert Pace(per_minute=60).interval_s == pytest.approx(1.03)
    assert WECOM_PACE.card_update_window_s == 5.0
