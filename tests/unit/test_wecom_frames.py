"""The long-connection frame codec: what we encode decodes to what we meant, and nothing the
other side sends makes decoding raise."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wecom import frames
from bot.wecom.frames import (
    Answer,
    CardEvent,
    Kicked,
    Malformed,
    MessageCallback,
    OtherEvent,
    Request,
    Unknown,
)

ids = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
              max_size=40)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@given(req_id=ids, bot_id=ids, secret=ids)
def test_subscribe_round_trip(req_id: str, bot_id: str, secret: str) -> None:
    decoded = frames.decode(frames.subscribe(req_id, bot_id, secret))
    assert decoded == Request(frames.SUBSCRIBE, req_id, {"bot_id": bot_id, "secret": secret})


@given(req_id=ids, chatid=ids, content=texts)
def test_send_round_trip(req_id: str, chatid: str, content: str) -> None:
    decoded = frames.decode(frames.send(req_id, chatid, frames.markdown_body(content)))
    assert isinstance(decoded, Request)
    assert decoded.cmd == frames.SEND and decoded.req_id == req_id
    assert decoded.body == {"chatid": chatid, "msgtype": "markdown",
                            "markdown": {"content": content}}


@given(req_id=ids, errcode=st.integers(-10**6, 10**6), errmsg=texts)
def test_answer_round_trip(req_id: str, errcode: int, errmsg: str) -> None:
    decoded = frames.decode(frames.answer(req_id, errcode, errmsg))
    assert decoded == Answer(req_id, errcode, errmsg)
    assert decoded.ok == (errcode == 0)


@given(req_id=ids, msgid=ids, chatid=ids, userid=ids, text=texts,
       urls=st.lists(ids, max_size=3))
def test_mixed_message_keeps_text_and_images(req_id: str, msgid: str, chatid: str, userid: str,
                                             text: str, urls: list[str]) -> None:
    items = [{"msgtype": "text", "text": {"content": text}}]
    items += [{"msgtype": "image", "image": {"url": u, "aeskey": "k"}} for u in urls]
    body = {"msgid": msgid, "chatid": chatid, "chattype": "group", "from": {"userid": userid},
            "msgtype": "mixed", "mixed": {"msg_item": items}}
    decoded = frames.decode(frames.message_callback(req_id, body))
    assert isinstance(decoded, MessageCallback)
    assert (decoded.req_id, decoded.msgid, decoded.chatid, decoded.userid) == (
        req_id, msgid, chatid, userid)
    assert decoded.is_group
    assert decoded.text == text
    assert [i.url for i in decoded.images] == urls
    assert all(i.aeskey == "k" for i in decoded.images)


def test_text_message_as_documented() -> None:
    # The example of document/path/100719, inside a long-connection frame.
    raw = json.dumps({"cmd": "aibot_msg_callback", "headers": {"req_id": "r1"}, "body": {
        "msgid": "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=", "aibotid": "AIBOTID", "chatid": "CHATID",
        "chattype": "group", "from": {"userid": "USERID"}, "response_url": "RESPONSEURL",
        "msgtype": "text", "text": {"content": "@RobotA hello robot"}}})
    decoded = frames.decode(raw)
    assert isinstance(decoded, MessageCallback)
    assert decoded.text == "@RobotA hello robot"
    assert decoded.aibotid == "AIBOTID" and decoded.images == ()


@given(task_id=ids, key=ids, nested=st.booleans())
def test_card_event_nested_or_flat(task_id: str, key: str, nested: bool) -> None:
    detail = {"card_type": "button_interaction", "event_key": key, "task_id": task_id}
    event = ({"eventtype": "template_card_event", "template_card_event": detail} if nested
             else {"eventtype": "template_card_event", **detail})
    body = {"msgid": "m", "chatid": "c", "chattype": "group", "from": {"userid": "u"},
            "msgtype": "event", "event": event}
    decoded = frames.decode(frames.event_callback("r", body))
    assert isinstance(decoded, CardEvent)
    assert (decoded.task_id, decoded.event_key, decoded.userid) == (task_id, key, "u")


def test_disconnected_event_is_a_kick_and_others_are_other() -> None:
    kicked = frames.decode(frames.event_callback("r", {"event": {
        "eventtype": "disconnected_event"}}))
    assert isinstance(kicked, Kicked)
    enter = frames.decode(frames.event_callback("r", {"msgid": "m", "event": {
        "eventtype": "enter_chat"}}))
    assert isinstance(enter, OtherEvent) and enter.eventtype == "enter_chat"


def test_unknown_and_malformed() -> None:
    assert isinstance(frames.decode('{"cmd":"aibot_future","headers":{"req_id":"x"}}'), Unknown)
    for raw in ("", "nope", "[1,2]", '"text"', '{"headers":{}}', '{"cmd":5}', b"\xff\xfe",
                '{"cmd":"aibot_msg_callback","headers":{"req_id":"x"},"body":[1]}'):
        assert isinstance(frames.decode(raw), Malformed), raw


@settings(max_examples=100)
@given(value=json_values)
def test_decode_never_raises_on_any_json(value: object) -> None:
    frames.decode(json.dumps(value))


# Bodies built from the field names decoding looks at, so the examples reach deep branches.
_FIELDS = ["msgid", "chatid", "chattype", "from", "userid", "msgtype", "text", "content",
           "image", "url", "aeskey", "mixed", "msg_item", "voice", "event", "eventtype",
           "template_card_event", "task_id", "event_key", "create_time", "req_id"]
leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.sampled_from(
    ["text", "image", "mixed", "voice", "template_card_event", "disconnected_event", "group"])
shaped = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(_FIELDS), inner, max_size=5), max_leaves=15)


@settings(max_examples=150)
@given(cmd=st.sampled_from([frames.MSG_CALLBACK, frames.EVENT_CALLBACK, None, "x"]),
       headers=shaped, body=shaped, errcode=leaf)
def test_decode_never_raises_on_frame_shaped_json(cmd: object, headers: object, body: object,
                                                  errcode: object) -> None:
    raw = {"headers": headers, "body": body, "errcode": errcode}
    if cmd is not None:
        raw["cmd"] = cmd
    frames.decode(json.dumps(raw))


@given(raw=st.binary(max_size=200))
def test_decode_never_raises_on_bytes(raw: bytes) -> None:
    frames.decode(raw)


def test_update_card_body() -> None:
    decoded = frames.decode(frames.update_card("r", {"card_type": "text_notice"}, ["u1"]))
    assert isinstance(decoded, Request) and decoded.cmd == frames.RESPOND_UPDATE
    assert decoded.body == {"response_type": "update_template_card", "userids": ["u1"],
                            "template_card": {"card_type": "text_notice"}}


def test_one_to_one_message_answers_to_the_user() -> None:
    decoded = frames.decode(frames.message_callback("r", {
        "msgid": "m", "chattype": "single", "from": {"userid": "zhangsan"}, "msgtype": "text",
        "text": {"content": "待办"}}))
    assert isinstance(decoded, MessageCallback)
    assert not decoded.is_group and decoded.chatid == ""
    assert decoded.conversation == "zhangsan"
