"""WeChat callback: what one safe-mode push costs before it is stored.

The same steps the callback takes for each push: timestamp freshness, msg_signature, AES
decryption and XML parsing, on a location push as a rider sends it. The baseline is parsing the
same push sent in plain text, so the ratio is what safe mode adds.
"""

from __future__ import annotations

import os
import time

from benchmarks.table import Row, latencies_ms
from bot.wechat.crypto import MessageCrypto, check_fresh
from bot.wechat.xml import LocationPush, parse_envelope, parse_push, render, render_envelope
from domain.clock import FakeClock

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
    return [Row("wechat: safe-mode push checked, decrypted, parsed", throughput=rate,
                unit="pushes/s", p50_ms=p50, p99_ms=p99, ratio=rate / bare_rate,
                ratio_of="plain-text parse",
                notes=f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")]
