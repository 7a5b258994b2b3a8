"""Outgoing messages fitted to what a platform can do (`handlers.fitting`)."""

from __future__ import annotations

from dataclasses import replace

from domain.status import Status
from handlers.fitting import button_lines, fitted
from handlers.staff.typed import typed_command
from handlers.texts import Texts
from handlers.tickets.keyboards import TicketPress, VerifyPress, button
from handlers.workflow.answers import typed_answer
from messaging.capabilities import FULL, PLAIN_TEXT
from messaging.outbound import (
    Button,
    DeleteMessage,
    EditCaption,
    EditText,
    SendPhoto,
    SendText,
    Target,
)

ZH, EN = Texts("zh"), Texts("en")
CARD_BUTTONS = (
    (button("✅ 受理", TicketPress(42, "acknowledge", Status.ASSIGNED)),
     button("🙋 认领", TicketPress(42, "take", Status.ASSIGNED)),
     button("✖️ 驳回", TicketPress(42, "reject", Status.ASSIGNED))),
    (Button(text="🗺 查看地图", url="https://example.org/map"),),
)
VERIFY_BUTTONS = (
    (button("已解决", VerifyPress(42, "fixed", 1)), button("没解决", VerifyPress(42, "open", 1))),
    (button("满意", VerifyPress(42, "s", 1)), button("基本满意", VerifyPress(42, "b", 1)),
     button("不满意", VerifyPress(42, "d", 1))),
)
NO_BUTTONS = replace(FULL, buttons=False)
NO_EDITS = replace(FULL, edit_messages=False)


def test_full_capabilities_change_nothing():
    messages = [
        SendText(chat_id=-1, text="card", buttons=CARD_BUTTONS, reply_to=Target(-1, 5),
                 request_location="📍"),
        SendPhoto(chat_id=-1, photo="file", caption="c", buttons=CARD_BUTTONS),
        EditText(target=Target(-1, ref="card:42"), text="new", buttons=CARD_BUTTONS),
        EditCaption(target=Target(-1, 7), caption="new"),
        DeleteMessage(target=Target(-1, ref="ask")),
    ]
    for message in messages:
        assert fitted(message, FULL, ZH) == (message,)


def test_plain_text_lacks_everything():
    assert set(PLAIN_TEXT.lacking()) == {
        "edit_messages", "buttons", "reply_threads", "send_photos", "receive_locations",
        "mentions", "private_messages", "group_chats", "sequential_message_ids"}
    assert FULL.lacking() == ()


def test_without_buttons_the_card_says_what_to_reply():
    message = SendText(chat_id=-1, text="🆕 #0042 道路破损", buttons=CARD_BUTTONS, ref="card:42")
    [out] = fitted(message, NO_BUTTONS, ZH)
    assert isinstance(out, SendText) and out.buttons == () and out.ref == "card:42"
    lines = out.text.splitlines()
    assert lines[0] == "🆕 #0042 道路破损"
    assert lines[1] == "回复：「受理 42」「认领 42」「驳回 42 原因」"
    assert lines[2] == "🗺 查看地图：https://example.org/map"


def test_every_shown_reply_reads_back_as_the_buttons_action():
    shown = button_lines(CARD_BUTTONS, ZH)[0].removeprefix("回复：")
    words = [w for w in shown.replace("」", "").split("「") if w]
    commands = [typed_command(word) for word in words]
    assert [(c.name, c.args) for c in commands if c] == [
        ("ack", "42"), ("take", "42"), ("reject", "42 原因")]
    shown = button_lines(CARD_BUTTONS, EN)[0]
    assert shown.startswith("Reply: ") and "“ack 42”" in shown


def test_question_buttons_become_typed_answers_that_read_back():
    [line] = button_lines(VERIFY_BUTTONS, ZH)
    assert line == "回复：「1 已解决」「2 没解决」「满意」「基本满意」「不满意」"
    words = [w for w in line.removeprefix("回复：").replace("」", "").split("「") if w]
    assert [typed_answer(w) for w in words] == [
        ("fixed", None), ("open", None), ("s", None), ("b", None), ("d", None)]


def test_a_photo_without_buttons_keeps_the_lines_in_its_caption_and_fallback():
    message = SendPhoto(chat_id=-1, photo="f", caption="cap", buttons=CARD_BUTTONS,
                        fallback_text="long")
    [out] = fitted(message, NO_BUTTONS, ZH)
    assert isinstance(out, SendPhoto) and out.buttons == ()
    assert out.caption.startswith("cap\n回复：") and out.fallback_text.startswith("long\n回复：")


def test_buttons_with_no_typed_form_are_left_out():
    pages = ((Button(text="下一页", data="p:open:2"), Button(text="?", data="zz:1")),)
    message = SendText(chat_id=-1, text="t", buttons=pages)
    [out] = fitted(message, NO_BUTTONS, ZH)
    assert out.text == "t" and out.buttons == ()


def test_category_picks_are_typed_with_the_categorys_name():
    picks = ((Button(text="道路破损", data="c:42:road"), Button(text="路灯", data="c:42:light")),)
    [out] = fitted(SendText(chat_id=-1, text="t", buttons=picks), NO_BUTTONS, ZH)
    assert out.text == "t\n回复：「分类 42 道路破损」「分类 42 路灯」"
    command = typed_command("分类 42 道路破损")
    assert (command.name, command.args) == ("category", "42 道路破损")


def test_without_edits_named_edits_are_dropped_and_id_edits_sent_anew():
    by_ref = EditText(target=Target(-1, ref="card:42"), text="new", buttons=CARD_BUTTONS)
    assert fitted(by_ref, NO_EDITS, ZH) == ()
    assert fitted(EditCaption(target=Target(-1, ref="x"), caption="c"), NO_EDITS, ZH) == ()
    by_id = EditText(target=Target(-1, 9), text="已取消。")
    assert fitted(by_id, NO_EDITS, ZH) == (SendText(chat_id=-1, text="已取消。"),)
    caption = EditCaption(target=Target(-1, 9), caption="c", buttons=VERIFY_BUTTONS)
    [out] = fitted(caption, PLAIN_TEXT, ZH)
    assert isinstance(out, SendText) and out.buttons == () and "「满意」" in out.text


def test_without_photos_the_text_is_sent():
    message = SendPhoto(chat_id=-1, photo="f", caption="short", fallback_text="the whole text",
                        ref="announce", ticket=42, reply_to=Target(-1, 3), merge_line="line")
    caps = replace(FULL, send_photos=False)
    assert fitted(message, caps, ZH) == (SendText(
        chat_id=-1, text="the whole text", ref="announce", ticket=42, reply_to=Target(-1, 3),
        merge_line="line"),)
    assert fitted(SendPhoto(chat_id=-1, photo="f"), caps, ZH) == ()


def test_without_threads_or_locations():
    message = SendText(chat_id=5, text="t", reply_to=Target(5, 1), request_location="📍")
    caps = replace(FULL, reply_threads=False, receive_locations=False)
    assert fitted(message, caps, ZH) == (SendText(chat_id=5, text="t"),)
