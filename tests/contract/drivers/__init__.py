"""The platforms the contract scenarios run on: one line each.

A platform's issue adds its driver here (`"wechat": WeChatDriver`, `"wecom": WeComDriver`), and
every scenario then runs against its fake server too.
"""

from __future__ import annotations

from .base import DriverFactory
from .telegram import TelegramDriver
from .wechat import WeChatDriver
from .wecom import WeComDriver

DRIVERS: dict[str, DriverFactory] = {
    "telegram": TelegramDriver,
    "wechat": WeChatDriver,
    "wecom": WeComDriver,
}
