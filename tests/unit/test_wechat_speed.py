"""What a safe-mode push costs the callback: msg_signature check, decryption and parsing.

Prints p50/p95 per push (run with -s to see it); the bound is loose because the machine is
shared, but a tenfold regression fails."""

from __future__ import annotations

import statistics
import time

from bot.wechat.crypto import MessageCrypto, check_fresh
from bot.wechat.xml import LocationPush, parse_envelope, parse_push, render, render_envelope
from domain.clock import FakeClock


def test_check_decrypt_and_parse_one_push_well_under_a_millisecond() -> None:
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

    def once() -> LocationPush:
        check_fresh(ts, clock.now())
        envelope = parse_envelope(body)
        push = parse_push(crypto.open_push(envelope.encrypt, ts, nonce, signature))
        assert isinstance(push, LocationPush)
        return push

    for _ in range(200):
        once()
    samples = []
    for _ in range(3000):
        start = time.perf_counter()
        once()
        samples.append(time.perf_counter() - start)
    samples.sort()
    p50 = statistics.median(samples) * 1e6
    p95 = samples[int(len(samples) * 0.95)] * 1e6
    print(f"\nsafe-mode push check+decrypt+parse: p50 {p50:.0f} µs, p95 {p95:.0f} µs")
    assert p50 < 1000
