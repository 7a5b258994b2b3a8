"""A local WeChat service-account platform for tests, benchmarks and the sandbox.

    async with LocalWeChat(bot_url="http://127.0.0.1:8080/wechat") as wechat:
        rider = wechat.user("oRider")
        await rider.send_image(jpeg_bytes)            # a signed, encrypted push to the bot
        await rider.send_location(39.9087, 116.3975, "天安门东")
        rider.received()                              # what the bot sent to the rider

It speaks the documented protocol: pushes (with WeChat's three retries when the bot does
not answer within five seconds), cgi-bin/stable_token, message/custom/send (enforcing the
customer-service grants: 45015, 45047), message/template/send, media/get, media/upload and
menu/create; per-minute API limits (45011) and injected faults (see `faults`).
"""

from .faults import Fault, Faults
from .server import LocalWeChat, PushResult, Received, WeChatUser

__all__ = ["Fault", "Faults", "LocalWeChat", "PushResult", "Received", "WeChatUser"]
