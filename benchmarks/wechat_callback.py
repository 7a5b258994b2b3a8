"""WeChat callback.

1. What one safe-mode push costs before it is stored: timestamp freshness, msg_signature, AES
   decryption and XML parsing, on a location push as a rider sends it. The baseline is parsing
   the same push sent in plain text, so the ratio is what safe mode adds.
2. Intake end to end through the callback: riders on the local WeChat server send a photo and
   a location each (signed, encrypted pushes answered only once stored); measured from the
   first push until every ticket is committed with its card in the outbox. Beside it, in the
   same run and the same way, Telegram's intake through the local Bot API server: the ratio is
   WeChat's ÷ Telegram's.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.table import Row, latencies_ms
from bot.wechat.crypto import MessageCrypto, check_fresh
from bot.wechat.xml import LocationPush, parse_envelope, parse_push, render, render_envelope
from domain.clock import FakeClock
from storage.migrate import upgrade
from storage.models import OutboxRow

PUSHES = 20_000
WARM_UP = 200


def _timed(call: object, count: int) -> list[float]:
    samples = []
    for index in range(count + WARM_UP):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        if index >= WARM_UP:
            samples.append(time.perf_counter() - started)
    return samples


async def run(quick: bool) -> list[Row]:
    clock = FakeClock()
    crypto = MessageCrypto("liaisontoken", "A" * 43, "wx0000000000local")
    ts, nonce = str(int(clock.now().timestamp())), "415670741"
    plain = render({"ToUserName": "gh_local", "FromUserName": "oRider-0001", "CreateTime": ts,
                    "MsgType": "location", "Location_X": 39.910103, "Location_Y": 116.403744,
                    "Scale": 15, "Label": "北京市东城区东长安街天安门东",
                    "MsgId": 24000000000000001})
    encrypt = crypto.encrypt(plain.encode())
    body = render_envelope("gh_local", encrypt).encode()
    signature = crypto.sign(ts, nonce, encrypt)

    def sealed() -> None:
        check_fresh(ts, clock.now())
        push = parse_push(crypto.open_push(parse_envelope(body).encrypt, ts, nonce, signature))
        assert isinstance(push, LocationPush)

    def plaintext() -> None:
        assert isinstance(parse_push(plain.encode()), LocationPush)

    count = PUSHES // 10 if quick else PUSHES
    ours, bare = _timed(sealed, count), _timed(plaintext, count)
    p50, p99 = latencies_ms(ours)
    bare_rate = len(bare) / sum(bare)
    rate = len(ours) / sum(ours)
    rows = [Row("wechat: safe-mode push checked, decrypted, parsed", throughput=rate,
                unit="pushes/s", p50_ms=p50, p99_ms=p99, ratio=rate / bare_rate,
                ratio_of="plain-text parse",
                notes=f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")]
    rows.extend(await intake_rows(40 if quick else 200))
    return rows


# -- 2. intake end to end, beside Telegram's -----------------------------------------------

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def intake_rows(reports: int) -> list[Row]:
    from benchmarks.intake import _where, liaison_bot
    from tests.e2e.harness import Harness, jpeg, test_settings

    photo = jpeg()
    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir)
        url = f"sqlite+aiosqlite:///{folder / 'telegram.db'}"
        await asyncio.to_thread(upgrade, url)
        telegram = Harness(url, folder / "telegram", FakeClock(NOW))
        await telegram.server.start()
        try:
            telegram._populate()
            riders = list(range(6000, 6000 + reports))
            for rider in riders:
                telegram.server.register_user(rider, f"骑手{rider - 6000}", language_code="zh")
            telegram.settings = test_settings(url, folder / "telegram" / "media",
                                              telegram.server.base_url)
            await telegram.start_bot()
            telegram_s, telegram_latencies = await liaison_bot(telegram, riders, photo)
        finally:
            await telegram.stop()
        wechat_s, wechat_latencies = await _wechat_intake(folder, reports, photo, _where)
    ours, theirs = reports / wechat_s, reports / telegram_s
    p50, p99 = latencies_ms(wechat_latencies)
    tg_p50, tg_p99 = latencies_ms(telegram_latencies)
    return [
        Row(f"intake via the WeChat callback: {reports} reports (photo + location)",
            throughput=ours, unit="reports/s", p50_ms=p50, p99_ms=p99, ratio=ours / theirs,
            ratio_of="of Telegram's",
            notes="first push to every card in the outbox; safe mode; SQLite, one worker"),
        Row(f"intake via Telegram (same run): {reports} reports", throughput=theirs,
            unit="reports/s", p50_ms=tg_p50, p99_ms=tg_p99,
            notes="local Bot API server, polling; first post to every card in the outbox"),
    ]


async def _wechat_intake(folder: Path, reports: int, photo: bytes,
                         where: object) -> tuple[float, list[float]]:
    from sqlalchemy import select

    from tests.e2e.wechat.harness import WeChatHarness

    url = f"sqlite+aiosqlite:///{folder / 'wechat.db'}"
    await asyncio.to_thread(upgrade, url)
    harness = WeChatHarness(url, folder / "wechat", FakeClock(NOW))
    await harness.start()
    try:
        app = harness.app
        assert app is not None
        openids = [f"oBenchRider{index:017d}" for index in range(reports)]
        started = time.perf_counter()
        posted: dict[str, float] = {}
        for index, openid in enumerate(openids):
            user = harness.wx.user(openid)
            await user.send_image(photo)
            await user.send_location(*where(index))  # type: ignore[operator]
            posted[f"wechat:{openid}"] = time.perf_counter()
        filed: dict[str, float] = {}
        while len(filed) < reports:
            async with app.uows(read_only=True) as uow:
                cards = await uow.execute(select(OutboxRow.chat_id)
                                          .where(OutboxRow.ref.like("card:%")))
                now = time.perf_counter()
                for (chat_id,) in cards.all():
                    filed.setdefault(chat_id, now)
            await asyncio.sleep(0.01)
        elapsed = max(filed.values()) - started
    finally:
        await harness.stop()
    return elapsed, [filed[chat] - at for chat, at in posted.items()]

