"""The WeCom adapter's pure parts: callbacks to neutral events, the send budget, cards made from
the core's messages, mentions of named people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.wecom import frames, inbound, render
from bot.wecom.budget import Budget, Window
from bot.wecom.cards import validate
from messaging.inbound import ButtonPress, Message
from messaging.outbound import Button
from messaging.port import RetryLater

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def _message(text: str, *, image: bool = False, group: bool = True, msgid: str = "m1") -> dict:
    body: dict = {"msgid": msgid, "aibotid": "aib", "chattype": "group" if group else "single",
                  "from": {"userid": "zhangsan"}}
    if group:
        body["chatid"] = "wrk1"
    if image:
        body.update(msgtype="mixed", mixed={"msg_item": [
            {"msgtype": "text", "text": {"content": text}},
            {"msgtype": "image", "image": {"url": "http://x/1", "aeskey": "k"}}]})
    else:
        body.update(msgtype="text", text={"content": text})
    return body


def _stored(cmd: str, body: dict) -> dict:
    callback = frames.decode(frames.encode(cmd, "req-1", body))
    assert isinstance(callback, frames.MessageCallback | frames.CardEvent)
    return inbound.incoming(callback, NOW).payload


def _event(payload: dict) -> object:
    return inbound.to_event(7, payload, bot_names=("联络机器人",),
                            names={"wecom:zhangsan": "张师傅"})


@pytest.mark.parametrize(("text", "name", "args"), [
    ("@联络机器人 /ack 42", "ack", "42"),
    ("@联络机器人 受理 42", "ack", "42"),
    ("@联络机器人 解决 42 已修复", "resolve", "42 已修复"),
    ("@联络机器人 转派 42 环卫所", "transfer", "42 环卫所"),
    ("@联络机器人 工单 42", "ticket", "42"),
    ("@联络机器人 待办", "open", ""),
    ("@联络机器人 超时", "overdue", ""),
    ("@联络机器人 日报", "digest", ""),
    ("@联络机器人 ack 42", "ack", "42"),
])
def test_staff_words_are_commands(text: str, name: str, args: str) -> None:
    event = _event(_stored(frames.MSG_CALLBACK, _message(text)))
    assert isinstance(event, Message)
    assert event.command is not None and (event.command.name, event.command.args) == (name, args)
    assert event.chat.id == "wecom:wrk1" and event.chat.kind == "group"
    assert event.sender.id == "wecom:zhangsan" and event.sender.first_name == "张师傅"
    assert event.date == NOW


def test_text_with_image_carries_the_photo_by_reference() -> None:
    payload = _stored(frames.MSG_CALLBACK, _message("@联络机器人 解决 42 已修复", image=True))
    event = _event(payload)
    assert isinstance(event, Message) and event.photo is not None
    assert event.photo.file_id == "wecom:img:0:m1"
    assert inbound.parse_image_ref("img:0:m1") == (0, "m1")
    # The URL (valid minutes) is not in the reference, only in the stored callback.
    assert "http" not in event.photo.file_id


def test_repeated_callback_has_the_same_keys() -> None:
    first = inbound.incoming(frames.decode(frames.encode(
        frames.MSG_CALLBACK, "a", _message("x"))), NOW)
    again = inbound.incoming(frames.decode(frames.encode(
        frames.MSG_CALLBACK, "b", _message("x"))), NOW)
    assert (first.update_id, first.dedup_key) == (again.update_id, again.dedup_key)
    assert first.update_id >= 1 << 60


def test_card_event_is_a_press_on_the_card() -> None:
    body = {"msgid": "e1", "chatid": "wrk1", "chattype": "group", "from": {"userid": "zhangsan"},
            "msgtype": "event", "event": {"eventtype": "template_card_event",
                                          "template_card_event": {"task_id": "t1-abc",
                                                                  "event_key": "t:1:ack:a"}}}
    event = _event(_stored(frames.EVENT_CALLBACK, body))
    assert isinstance(event, ButtonPress)
    assert (event.message_id, event.data, event.callback_id) == ("t1-abc", "t:1:ack:a", "req-1")


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["msgid", "chatid", "chattype", "from", "msgtype", "text",
                                        "mixed", "event", "create_time"]),
                       st.one_of(st.text(max_size=20), st.just(" "), st.integers(), st.none(),
                                 st.dictionaries(st.text(max_size=8), st.text(max_size=8)))),
       st.sampled_from([frames.MSG_CALLBACK, frames.EVENT_CALLBACK]))
def test_any_stored_body_decodes_without_raising(body: dict, cmd: str) -> None:
    payload = {"platform": "wecom", "cmd": cmd, "req_id": "r", "body": body,
               "received": NOW.isoformat()}
    event = _event(payload)
    assert event is None or isinstance(event, Message | ButtonPress)


def test_a_callback_naming_nobody_is_nothing_to_act_on() -> None:
    body = _message("受理 1")
    body["chatid"] = " "
    body["from"] = {"userid": " "}
    assert _event(_stored(frames.MSG_CALLBACK, body)) is None


def test_budget_refuses_a_row_that_would_overflow_and_counts_nothing() -> None:
    clock = [0.0]
    budget = Budget((Window(3, 60),), now=lambda: clock[0])
    budget.take("c", 2)
    with pytest.raises(RetryLater) as waited:
        budget.take("c", 2)
    assert 59 < waited.value.seconds <= 61
    budget.take("c", 1)  # the refused row took nothing
    clock[0] = 61
    budget.take("c", 3)


@given(st.lists(st.tuples(st.floats(0, 5, allow_nan=False), st.integers(1, 3)), max_size=60))
# The oldest message sits on the window's edge: inside it, though the wait until it leaves
# works out at zero in floating point, and the budget once let the row through.
@example(steps=[(1.1, 1), (0.0, 1), (5.0, 1), (5.0, 3)])
def test_budget_never_lets_a_window_overflow(steps: list[tuple[float, int]]) -> None:
    clock = [0.0]
    budget = Budget((Window(5, 10),), now=lambda: clock[0])
    sent: list[float] = []
    for gap, count in steps:
        clock[0] += gap
        try:
            budget.take("c", count)
        except RetryLater:
            continue
        sent += [clock[0]] * count
    assert all(sum(1 for t in sent if s - 10 < t <= s) <= 5 for s in sent)


def test_card_of_puts_ack_and_transfer_first_and_keeps_six() -> None:
    actions = ["take", "progress", "resolve", "reject", "mark_duplicate", "transfer",
               "acknowledge"]
    buttons = tuple((Button(a, data=f"t:1:{a}:a"),) for a in actions)
    card = render.card_of("📌 #0001 道路破损\n📍 东湖\n请 张师傅 处理", buttons, "t1-x")
    assert card is not None
    validate(card)
    assert [b["text"] for b in card["button_list"]][:2] == ["acknowledge", "transfer"]
    assert len(card["button_list"]) == 6
    assert render.card_text(card) == "📌 #0001 道路破损\n📍 东湖\n请 张师傅 处理"


def test_links_alone_are_markdown_not_a_card() -> None:
    buttons = ((Button("地图", url="https://map.test/1"),),)
    assert render.card_of("#0001", buttons, "t1-x") is None
    assert render.markdown_of("#0001", buttons) == "#0001\n[地图](https://map.test/1)"


def test_named_people_are_found_longest_name_first() -> None:
    people = {"王科长": "wang", "道路所王科长": "roadwang", "李师傅": "li"}
    assert render.named_userids("请 李师傅、道路所王科长 处理", people) == ["li", "roadwang"]
    assert render.named_userids("无人", people) == []
