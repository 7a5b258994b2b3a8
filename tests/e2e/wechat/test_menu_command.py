"""`liaison-bot wechat menu` against the local WeChat server: the configured buttons become
the account's menu, and a click on each runs its command in the bot."""

from __future__ import annotations

import asyncio

from bot.cli import main
from bot.localwechat import LocalWeChat


async def test_the_menu_is_created_from_the_configuration(monkeypatch, capsys, clock):
    async with LocalWeChat(clock=clock) as server:
        for key, value in {"APP_ID": server.app_id, "APP_SECRET": server.app_secret,
                           "TOKEN": server.token, "ENCODING_AES_KEY": server.encoding_aes_key,
                           "API_BASE_URL": server.base_url}.items():
            monkeypatch.setenv(f"LIAISON_WECHAT__{key}", value)
        assert await asyncio.to_thread(main, ["wechat", "menu"]) == 0
        assert "menu created: 报告问题、我的工单、附近驿站" in capsys.readouterr().out
        assert server.menu == {"button": [
            {"type": "click", "name": "报告问题", "key": "REPORT"},
            {"type": "click", "name": "我的工单", "key": "MY_TICKETS"},
            {"type": "click", "name": "附近驿站", "key": "STATIONS"}]}
        assert server.app_secret not in capsys.readouterr().err


async def test_a_wrong_secret_is_one_line_and_status_1(monkeypatch, capsys, clock):
    async with LocalWeChat(clock=clock) as server:
        for key, value in {"APP_ID": server.app_id, "APP_SECRET": "wrong-secret",
                           "TOKEN": server.token, "ENCODING_AES_KEY": server.encoding_aes_key,
                           "API_BASE_URL": server.base_url}.items():
            monkeypatch.setenv(f"LIAISON_WECHAT__{key}", value)
        assert await asyncio.to_thread(main, ["wechat", "menu"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("liaison-bot wechat menu: WeChat refused") and err[-1] == "\n"
        assert "wrong-secret" not in err
        assert server.menu is None
