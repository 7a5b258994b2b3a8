"""The adapter registry: which adapter serves a chat, where a file is fetched from, which pace
applies, and which platforms a configuration switches on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import build_platforms
from bot.pipeline.pacing import Limits, global_lane
from bot.platforms import AdapterHost, NoAdapter, Platforms, platform_of_chat
from bot.settings import SAMPLE_CONFIG, load_settings
from bot.settings_accounts import configured_platforms
from bot.telegram.pace import TelegramPace, is_group
from messaging.capabilities import Capabilities
from messaging.outbound import AnswerButton, EditText, SendText, Target
from messaging.port import PermanentFailure, TransientFailure


@dataclass
class FakeMessenger:
    calls: list[tuple[str, Any]] = field(default_factory=list)

    async def send_text(self, message: SendText, reply_to_id: str | None) -> str:
        self.calls.append(("send_text", message.chat_id))
        return str(len(self.calls))

    async def edit_text(self, message: EditText, message_id: str) -> None:
        self.calls.append(("edit_text", message_id))

    async def answer_button(self, message: AnswerButton) -> None:
        self.calls.append(("answer_button", message.callback_id))

    async def download(self, file_id: str) -> bytes:
        self.calls.append(("download", file_id))
        return file_id.encode()


@dataclass
class FixedPace:
    chat: float = 1.0
    overall: float = 0.1

    def interval(self, chat_id: int | str) -> float:
        return self.chat

    @property
    def global_interval(self) -> float:
        return self.overall


@dataclass
class FakeAdapter:
    name: str
    capabilities: Capabilities = field(default_factory=Capabilities)
    messenger: FakeMessenger = field(default_factory=FakeMessenger)
    pace: FixedPace = field(default_factory=FixedPace)
    request_timeout_s: float = 5.0
    connected: bool = True

    async def start(self, host: AdapterHost) -> None: ...
    async def connect(self) -> None: ...
    async def stop(self) -> None: ...
    async def close(self) -> None: ...

    def decode(self, update_id: int, payload: dict[str, Any]) -> None:
        return None

    async def waiting_outside(self) -> int:
        return 0


def two_platforms() -> tuple[Platforms, FakeAdapter, FakeAdapter]:
    telegram = FakeAdapter("telegram", Capabilities(edit_messages=True, buttons=True))
    wecom = FakeAdapter("wecom", Capabilities(private_messages=True), pace=FixedPace(2.0, 0.5))
    return Platforms([telegram, wecom]), telegram, wecom


def test_a_chat_is_served_by_the_adapter_of_its_platform():
    platforms, telegram, wecom = two_platforms()
    # Today's integer ids are Telegram's; addresses name their platform.
    assert platforms.of(-1001000000001) is telegram
    assert platforms.of(3001) is telegram
    assert platforms.of("telegram:-1001000000001") is telegram
    assert platforms.of("wecom:zhangsan") is wecom
    assert platforms.capabilities_of("wecom:zhangsan") == Capabilities(private_messages=True)
    assert platforms.capabilities_of(-100).edit_messages
    assert platform_of_chat(-5) == "telegram" and platform_of_chat("wechat:oAbc") == "wechat"


def test_a_platform_not_configured_has_no_adapter():
    platforms, _, _ = two_platforms()
    with pytest.raises(NoAdapter):
        platforms.of("wechat:oAbc")
    with pytest.raises(NoAdapter):
        platforms.of("nowhere:1")
    assert "wechat" not in platforms and platforms.get("wechat") is None
    assert platforms.names == ("telegram", "wecom")
    assert platforms.connected() == {"telegram": True, "wecom": True}


def test_two_adapters_for_one_platform_are_refused():
    with pytest.raises(ValueError, match="two adapters"):
        Platforms([FakeAdapter("telegram"), FakeAdapter("telegram")])


async def test_a_file_is_fetched_from_the_platform_its_reference_names():
    platforms, telegram, wecom = two_platforms()
    assert await platforms.download("wecom:MEDIA_1") == b"MEDIA_1"
    # A bare reference is a Telegram file_id, as stored before other platforms existed.
    assert await platforms.download("AgACAgIAAxkBAAI") == b"AgACAgIAAxkBAAI"
    assert wecom.messenger.calls == [("download", "MEDIA_1")]
    assert telegram.messenger.calls == [("download", "AgACAgIAAxkBAAI")]


async def test_the_routed_port_hands_each_call_to_its_chats_platform():
    platforms, telegram, wecom = two_platforms()
    port = platforms.port
    await port.send_text(SendText(chat_id="wecom:zhangsan", text="hi"), None)  # type: ignore[arg-type]
    await port.send_text(SendText(chat_id=-100, text="hi"), None)
    await port.edit_text(EditText(target=Target(-100), text="x"), 7)
    assert wecom.messenger.calls == [("send_text", "wecom:zhangsan")]
    assert telegram.messenger.calls == [("send_text", -100), ("edit_text", 7)]
    with pytest.raises(PermanentFailure):
        await port.send_text(SendText(chat_id="wechat:oAbc", text="hi"), None)  # type: ignore[arg-type]
    # A file of a platform not served is tried again later, not given up.
    with pytest.raises(TransientFailure):
        await port.download("wechat:MEDIA_2")


def test_telegram_paces_groups_slower_than_people():
    pace = TelegramPace(Limits(per_chat_interval_s=1.0, group_per_minute=20,
                               global_per_second=30))
    assert is_group(-1001) and is_group("telegram:-1001") and not is_group(3001)
    assert pace.interval(-1001) == pytest.approx(3.0 * 1.03)
    assert pace.interval("telegram:-1001") == pace.interval(-1001)
    assert pace.interval(3001) == pytest.approx(1.0 * 1.03)
    assert pace.global_interval == pytest.approx(1.03 / 30)


def test_each_platform_has_a_global_lane_of_its_own():
    assert global_lane("telegram") == "telegram:*"
    lanes = {global_lane(p) for p in ("telegram", "wechat", "wecom", "feishu")}
    assert len(lanes) == 4
    assert global_lane("wecom") == "wecom:*"


def test_a_platform_is_switched_on_by_its_section():
    settings = load_settings(SAMPLE_CONFIG, check_areas=False)
    assert not settings.has_token
    assert build_platforms(settings).names == ()
    telegram = settings.telegram.model_copy(update={"token": SecretStr("710000001:LIAISON-TEST")})
    platforms = build_platforms(settings.model_copy(update={"telegram": telegram}))
    assert platforms.names == ("telegram",)
    adapter = platforms["telegram"]
    assert adapter.capabilities == Capabilities(
        edit_messages=True, buttons=True, reply_threads=True, send_photos=True,
        receive_locations=True, mentions=True, private_messages=True, group_chats=True,
        sequential_message_ids=True)
    assert adapter.pace.interval(-100) > adapter.pace.interval(100)
    assert not adapter.connected


def test_a_deployment_without_telegram_serves_its_other_platforms_not_the_sandbox():
    settings = load_settings(SAMPLE_CONFIG, check_areas=False)
    assert not settings.serves_a_platform
    assert configured_platforms(settings) == ["telegram"]  # the sandbox plays Telegram
    wecom = settings.wecom.model_copy(update={"bot_id": "aib-1", "secret": SecretStr("s")})
    wecom_only = settings.model_copy(update={"wecom": wecom})
    assert wecom_only.serves_a_platform
    assert configured_platforms(wecom_only) == ["wecom"]
    assert build_platforms(wecom_only).names == ("wecom",)
    wechat = settings.wechat.model_copy(update={"app_id": "wx0000000000000001"})
    both = wecom_only.model_copy(update={"wechat": wechat})
    assert configured_platforms(both) == ["wechat", "wecom"]
