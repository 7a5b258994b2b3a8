"""The WeChat adapter's pure parts: decoding stored pushes, splitting texts and filling
template keys, inbox ids."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.settings_wechat import TemplateSection
from bot.wechat.convert import to_event
from bot.wechat.datum import wgs84_to_wechat
from bot.wechat.messenger import TEXT_LIMIT_BYTES, fill_pieces, split_text, template_data
from bot.wechat.receiver import push_payload, update_id_of
from bot.wechat.store import ReportedPosition
from bot.wechat.xml import ImagePush, LocationPush, LocationReport, MenuClick, TextPush

OPENID = "oRider0000000000000000000001"
HEAD = {"to_user": "gh_x", "from_user": OPENID, "create_time": 1780000000}


def decode(push, position=None):
    return to_event(7, push_payload(push, position), name_of=lambda who: "小李",
                    commands={"STATIONS": "stations"})


def test_a_location_is_turned_back_into_wgs84_with_its_label_as_address():
    lat, lon = wgs84_to_wechat(39.9215, 116.4712)
    event = decode(LocationPush(**HEAD, msg_type="location", lat=lat, lon=lon, scale=15,
                                label="东湖路12号", msg_id=1))
    assert event.chat.id == event.sender.id == f"wechat:{OPENID}" and event.chat.is_private
    assert abs(event.location.lat - 39.9215) < 1e-5 and abs(event.location.lon - 116.4712) < 1e-5
    assert event.venue.address == "东湖路12号"


def test_a_photo_carries_the_position_paired_with_it_and_a_text_its_command():
    at = datetime(2026, 6, 1, 4, tzinfo=UTC)
    photo = decode(ImagePush(**HEAD, msg_type="image", pic_url="", media_id="M1", msg_id=2),
                   ReportedPosition(39.92, 116.47, 30.0, at))
    assert photo.photo.file_id == "wechat:M1"
    assert (photo.location.lat, photo.location.lon) == (39.92, 116.47)
    command = decode(TextPush(**HEAD, msg_type="text", content="/ack 42", msg_id=3))
    assert command.command.name == "ack" and command.command.args == "42"
    typed = decode(TextPush(**HEAD, msg_type="text", content="受理 42", msg_id=4))
    assert typed.command is None and typed.text == "受理 42"


def test_menu_clicks_run_their_command_and_location_reports_ask_nothing():
    click = decode(MenuClick(**HEAD, msg_type="event", event="CLICK", event_key="STATIONS"))
    assert click.command.name == "stations"
    assert decode(MenuClick(**HEAD, msg_type="event", event="CLICK", event_key="?")) is None
    assert decode(LocationReport(**HEAD, msg_type="event", event="LOCATION", latitude=39.9,
                                 longitude=116.4, precision=30.0)) is None


def test_inbox_ids_of_wechat_are_below_every_other_source_and_stable():
    assert update_id_of("msg:1") == update_id_of("msg:1") < -(2**61)
    assert update_id_of("msg:1") != update_id_of("msg:2")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_split_texts_keep_everything_within_the_byte_limit(text):
    pieces = split_text(text)
    assert all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


@given(st.text(max_size=120), st.lists(st.integers(1, 30), min_size=1, max_size=3))
def test_template_pieces_fit_their_keys(line, limits):
    pieces = fill_pieces(line, limits)
    assert len(pieces) <= len(limits)
    assert all(len(p) <= limit for p, limit in zip(pieces, limits, strict=False))


def test_a_status_line_is_split_at_its_pauses():
    line = "#0001 已办结（48 小时内未回复，按已解决办结） · 12:02（报告后 48 小时 2 分）"
    data = template_data(TemplateSection(id="T"), line, 1,
                         datetime(2026, 6, 3, 12, 2, tzinfo=UTC))
    assert data == {"character_string1": "#0001", "thing2": "已办结",
                    "thing3": "48 小时内未回复，按已解决办结", "time4": "2026-06-03 12:02"}
