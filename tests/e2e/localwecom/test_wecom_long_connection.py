"""The smart bot client against the local WeCom server over real WebSocket."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import replace

import aiohttp
import pytest

from bot.localwecom import LocalWeCom
from bot.wecom import cards, frames
from bot.wecom.client import Backoff, WeComClient
from bot.wecom.frames import CardEvent, ImageRef, MessageCallback
from bot.wecom.media import download_image, new_aeskey
from bot.wecom.mentions import strip_bot_mention
from messaging.port import PermanentFailure, RetryLater, TransientFailure
from tests.e2e.localwecom.conftest import FAST, ClientFactory, Inbox, eventually

GROUP = "wrk-road-crew"


async def test_subscribe_receive_and_reply(wecom: LocalWeCom, connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    assert wecom.subscribes == 1
    req_id = await wecom.say(GROUP, "zhangsan", "受理 42")
    (message,) = await inbox.wait(1)
    assert isinstance(message, MessageCallback)
    assert (message.req_id, message.chatid, message.userid) == (req_id, GROUP, "zhangsan")
    assert message.is_group
    assert strip_bot_mention(message.text, ("联络机器人",)) == "受理 42"
    await client.respond(message.req_id, frames.stream_body("s1", "已受理 42"))
    (reply,) = wecom.chat(GROUP).of("reply")
    assert reply.text == "已受理 42" and reply.req_id == req_id
    # Replies take the stream form; a markdown body is refused, an unknown req_id too.
    with pytest.raises(PermanentFailure):
        await client.respond(message.req_id, frames.markdown_body("x"))
    with pytest.raises(PermanentFailure):
        await client.respond("callback-unknown", frames.stream_body("s2", "x"))


async def test_wrong_secret_is_refused_and_retried(wecom: LocalWeCom,
                                                   connect: ClientFactory) -> None:
    client = await connect(Inbox(), secret="wrong", wait=False, request_timeout_s=1.5)
    await eventually(lambda: wecom.refused_subscribes >= 2)
    assert not client.connected
    started = time.monotonic()
    with pytest.raises(TransientFailure):
        await client.send_markdown(GROUP, "x")
    assert time.monotonic() - started >= 1.5  # waited for a connection that never came


async def test_mixed_message_image_is_served(wecom: LocalWeCom, connect: ClientFactory) -> None:
    inbox = Inbox()
    await connect(inbox)
    photo = b"\xff\xd8\xff\xe0after-photo"
    await wecom.say(GROUP, "zhangsan", "解决 42 已铣刨重铺", image=photo)
    (message,) = await inbox.wait(1)
    assert message.msgtype == "mixed"
    assert strip_bot_mention(message.text) == "解决 42 已铣刨重铺"
    (image,) = message.images
    assert image.aeskey
    async with aiohttp.ClientSession() as session:
        async with session.get(image.url) as response:
            assert await response.read() != photo  # served encrypted
        assert await download_image(session, image) == photo
        wrong = ImageRef(image.url, new_aeskey())
        with pytest.raises(PermanentFailure):
            await download_image(session, wrong)
        with pytest.raises(PermanentFailure):
            await download_image(session, ImageRef(image.url + "x", image.aeskey))


async def test_active_send_markdown_and_card(wecom: LocalWeCom, connect: ClientFactory) -> None:
    client = await connect(Inbox())
    answer = await client.send_markdown(GROUP, "超时：工单 42 <@lisi>")
    assert answer.ok and answer.body is None  # active sends return no message id
    card = cards.announcement_card(
        cards.Announcement("工单 42", "道路", "解放路", "18:00"),
        [cards.CardButton("受理", "ack:42")], cards.new_task_id("t42"))
    await client.send_card(GROUP, card)
    sent = wecom.chat(GROUP).of("send")
    assert [p.msgtype for p in sent] == ["markdown", "template_card"]
    assert sent[0].text == "超时：工单 42 <@lisi>"
    assert sent[1].body["template_card"] == card


async def test_card_press_and_update_within_window(wecom: LocalWeCom,
                                                   connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    card = cards.announcement_card(cards.Announcement("工单 42", "道路", "解放路", "18:00"),
                                   [cards.CardButton("受理", "ack:42")], "t42-a")
    await wecom.press(GROUP, "zhangsan", "t42-a", "ack:42")
    (event,) = await inbox.wait(1)
    assert isinstance(event, CardEvent)
    assert cards.press_of(event.task_id, event.event_key) == cards.Press("t42-a", "ack:42")
    await client.update_card(event.req_id, cards.status_card(card, "已受理 · 张三"))
    (update,) = wecom.chat(GROUP).of("card_update")
    assert update.body["template_card"]["sub_title_text"] == "已受理 · 张三"
    assert update.body["template_card"]["task_id"] == "t42-a"


async def test_card_update_after_window_fails_permanently(wecom: LocalWeCom,
                                                          connect: ClientFactory) -> None:
    inbox = Inbox()
    ticks = [0.0]
    client = await connect(inbox, monotonic=lambda: ticks[0])
    await wecom.press(GROUP, "zhangsan", "t42-a", "ack:42")
    (event,) = await inbox.wait(1)
    ticks[0] = 5.5
    assert not client.card_update_open(event.req_id)
    with pytest.raises(PermanentFailure):
        await client.update_card(event.req_id, cards.text_notice("x", []))
    assert wecom.chat(GROUP).of("card_update") == []
    # The server enforces its own window too: a late update it refuses.
    wecom.card_update_window_s = 0.0
    await wecom.press(GROUP, "zhangsan", "t42-b", "ack:42")
    (_, late) = await inbox.wait(2)
    with pytest.raises(PermanentFailure):
        await client.update_card(late.req_id, cards.text_notice("x", []))


async def test_dropped_connection_mid_burst_loses_and_doubles_nothing(
        wecom: LocalWeCom, connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    for n in range(20):
        await wecom.say(GROUP, "zhangsan", f"工单 {n}")
    await wecom.drop()
    for n in range(20, 50):  # while the bot is away: held by the server
        await wecom.say(GROUP, "zhangsan", f"工单 {n}")
    items = await inbox.wait(50)
    assert [strip_bot_mention(m.text) for m in items] == [f"工单 {n}" for n in range(50)]
    assert client.stats.subscribed == 2 and client.stats.drops == 1
    # WeCom may repeat a callback: the handler sees it once.
    await wecom.repeat(items[-1].req_id)
    await wecom.say(GROUP, "zhangsan", "工单 50")
    items = await inbox.wait(51)
    assert len(items) == 51 and client.stats.duplicates == 1


async def test_handler_failure_is_retried_in_order(wecom: LocalWeCom,
                                                   connect: ClientFactory) -> None:
    inbox = Inbox()
    inbox.fail_next = 2
    client = await connect(inbox)
    for n in range(3):
        await wecom.say(GROUP, "u", f"m{n}")
    items = await inbox.wait(3)
    assert [strip_bot_mention(m.text) for m in items] == ["m0", "m1", "m2"]
    assert client.stats.handler_failures == 2


async def test_kick_by_second_connection(wecom: LocalWeCom, connect: ClientFactory) -> None:
    # The first waits a whole second after being kicked, so it cannot take the connection
    # back while the second is being checked.
    first = await connect(Inbox(), backoff=replace(FAST, after_kick_s=1.0))
    second_inbox = Inbox()
    second = await connect(second_inbox)
    await eventually(lambda: first.stats.kicks >= 1)
    assert wecom.kicks == 1 and not first.connected
    await wecom.say(GROUP, "u", "to the newer one")
    await second_inbox.wait(1)
    await second.stop()
    await first.wait_ready(5)  # takes over again, after the longer wait a kick asks for
    assert first.last_delays[-1] >= 1.0
    assert first.stats.subscribed == 2


async def test_server_side_kick_reconnects(wecom: LocalWeCom, connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    await wecom.kick()
    await wecom.say(GROUP, "u", "after the kick")
    await inbox.wait(1)
    assert client.stats.kicks == 1 and client.stats.subscribed == 2


async def test_rate_limits_raise_retry_later() -> None:
    server = LocalWeCom("bot-1", "s3cret", chat_per_minute=3)
    await server.start()
    try:
        client = WeComClient("bot-1", "s3cret", Inbox(), url=server.ws_url, backoff=FAST)
        await client.start()
        await client.wait_ready(5)
        for n in range(3):
            await client.send_markdown(GROUP, f"line {n}")
        with pytest.raises(RetryLater) as caught:
            await client.send_markdown(GROUP, "one too many")
        assert caught.value.seconds == 60.0
        await client.send_markdown("other-group", "another chat has its own budget")
        assert len(server.chat(GROUP).of("send")) == 3
        await client.stop()
    finally:
        await server.stop()


async def test_injected_errors_map_to_port_errors(wecom: LocalWeCom,
                                                  connect: ClientFactory) -> None:
    client = await connect(Inbox())
    wecom.fail_next(frames.SEND, 45009)
    with pytest.raises(RetryLater):
        await client.send_markdown(GROUP, "a")
    wecom.fail_next(frames.SEND, -1, "system busy")
    with pytest.raises(TransientFailure):
        await client.send_markdown(GROUP, "b")
    wecom.fail_next(frames.SEND, 40058, "invalid parameter")
    with pytest.raises(PermanentFailure):
        await client.send_markdown(GROUP, "c")
    await client.send_markdown(GROUP, "d")
    assert [p.text for p in wecom.chat(GROUP).of("send")] == ["d"]


async def test_delayed_answer_is_a_transient_failure(wecom: LocalWeCom,
                                                     connect: ClientFactory) -> None:
    client = await connect(Inbox(), request_timeout_s=0.2)
    wecom.delay_answers(0.5)
    with pytest.raises(TransientFailure):
        await client.send_markdown(GROUP, "slow")
    wecom.delay_answers(0)


async def test_missed_heartbeats_reconnect(wecom: LocalWeCom, connect: ClientFactory) -> None:
    client = await connect(Inbox(), heartbeat_s=0.1)
    wecom.ignore_pings()
    await eventually(lambda: client.stats.subscribed >= 2)
    assert client.stats.missed_heartbeats >= 2
    wecom.ignore_pings(False)


async def test_malformed_and_unknown_frames_are_skipped(wecom: LocalWeCom,
                                                        connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    await wecom.push_raw("not json")
    await wecom.push_raw('{"cmd":"aibot_something_new","headers":{"req_id":"x"}}')
    await wecom.say(GROUP, "u", "still here")
    (message,) = await inbox.wait(1)
    assert strip_bot_mention(message.text) == "still here"
    assert client.stats.malformed == 1 and client.stats.unknown == 1


def test_reconnect_backoff_grows_and_is_capped() -> None:
    backoff = Backoff(base_s=1, cap_s=30)
    rng = random.Random(7)
    delays = [backoff.delay(n, rng) for n in range(10)]
    for n, delay in enumerate(delays):
        ceiling = min(30, 2 ** n)
        assert ceiling / 2 <= delay <= ceiling


async def test_throughput(wecom: LocalWeCom, connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    count = 2000
    started = time.perf_counter()
    for n in range(count):
        await wecom.say(GROUP, "u", f"m{n}")
    await inbox.wait(count, within_s=60)
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    print(f"\nwecom callbacks through the client: {rate:.0f}/s ({count} in {elapsed:.2f}s)")
    assert rate > 100
    client_sends = 300
    started = time.perf_counter()
    for n in range(client_sends):
        await client.send_markdown(f"chat-{n}", "x")
    elapsed = time.perf_counter() - started
    print(f"wecom active sends answered: {client_sends / elapsed:.0f}/s")


async def test_sends_across_a_drop(wecom: LocalWeCom, connect: ClientFactory) -> None:
    """Sends made while the connection is being re-established wait for it; a send whose
    answer was lost is retried by the caller. Every line arrives; a line can arrive twice only
    when its answer was lost (active sends have no id to look up first)."""
    client = await connect(Inbox())
    lost_answers = 0

    async def send_until_answered(text: str) -> None:
        nonlocal lost_answers
        while True:
            try:
                await client.send_markdown(GROUP, text)
                return
            except TransientFailure:
                lost_answers += 1
                await asyncio.sleep(0.01)  # as the outbox would, back off before trying again

    lines = [f"提醒 {n}" for n in range(25)]  # under the 30 a minute of one chat
    for n, line in enumerate(lines):
        if n == 10:
            await wecom.drop()
        await send_until_answered(line)
    texts = [p.text for p in wecom.chat(GROUP).of("send")]
    assert set(texts) == set(lines)
    assert len(texts) - len(lines) <= lost_answers
    assert client.stats.subscribed == 2


async def test_replies_to_one_callback_go_one_at_a_time(wecom: LocalWeCom,
                                                        connect: ClientFactory) -> None:
    inbox = Inbox()
    client = await connect(inbox)
    await wecom.say(GROUP, "u", "工单 42")
    (message,) = await inbox.wait(1)
    await asyncio.gather(*(client.respond(message.req_id, frames.stream_body("s", f"第 {n} 段",
                                                                             finish=n == 4))
                           for n in range(5)))
    assert [p.text for p in wecom.chat(GROUP).of("reply")] == [f"第 {n} 段" for n in range(5)]


async def test_without_holding_a_message_sent_while_away_is_gone() -> None:
    """The public pages do not say whether WeCom keeps callbacks for a disconnected bot. With
    holding off, what was said during the gap never reaches the bot: the client cannot ask for
    it again, which is why the docs list this as the protocol's open risk."""
    server = LocalWeCom("bot-1", "s3cret", hold_while_offline=False)
    await server.start()
    inbox = Inbox()
    client = WeComClient("bot-1", "s3cret", inbox, url=server.ws_url,
                         backoff=replace(FAST, base_s=0.5, cap_s=0.5))
    try:
        await client.start()
        await client.wait_ready(5)
        await server.drop()
        await server.say(GROUP, "u", "during the gap")
        await server.wait_subscribed(5)
        await server.say(GROUP, "u", "after the gap")
        (only,) = await inbox.wait(1)
        assert strip_bot_mention(only.text) == "after the gap"
    finally:
        await client.stop()
        await server.stop()
