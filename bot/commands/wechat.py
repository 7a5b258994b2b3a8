"""`liaison-bot wechat menu`: create the service account's menu from `[[wechat.menu]]`.

WeChat's `cgi-bin/menu/create` replaces the whole menu; each button here is a click button
whose key the bot maps to a command (「报告问题」「我的工单」「附近驿站」 by default). The
access token comes from `cgi-bin/stable_token` in normal mode, which hands back the token the
running bot already uses rather than replacing it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import aiohttp

from bot.settings import Settings, load_settings
from messaging.port import DeliveryError


def register(sub: Any) -> None:
    wechat = sub.add_parser("wechat", help="the WeChat service account")
    actions = wechat.add_subparsers(dest="wechat_command", metavar="ACTION")
    menu = actions.add_parser("menu", help="create the account's menu from [[wechat.menu]]",
                              description=(__doc__ or "").split("\n\n", 1)[-1],
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    menu.set_defaults(func=run_menu)


def menu_body(settings: Settings) -> dict[str, Any]:
    return {"button": [{"type": "click", "name": button.name, "key": button.key}
                       for button in settings.wechat.menu]}


def run_menu(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, check_areas=False)
    section = settings.wechat
    if not section.configured or section.app_secret is None:
        print("liaison-bot wechat menu: no [wechat] app_id and app_secret configured",
              file=sys.stderr)
        return 2
    if not 1 <= len(section.menu) <= 3:
        print("liaison-bot wechat menu: a menu has one to three buttons", file=sys.stderr)
        return 2
    try:
        asyncio.run(_create(settings))
    except DeliveryError as error:
        print(f"liaison-bot wechat menu: WeChat refused: {error}", file=sys.stderr)
        return 1
    names = "、".join(button.name for button in section.menu)
    print(f"menu created: {names}")
    return 0


async def _create(settings: Settings) -> None:
    from bot.wechat.api import WeChatApi

    section = settings.wechat
    assert section.app_id is not None and section.app_secret is not None
    async with aiohttp.ClientSession() as session:
        api = WeChatApi(session, section.app_id, section.app_secret.get_secret_value(),
                        base_url=section.api_base_url, timeout_s=section.request_timeout_s)
        await api.create_menu(menu_body(settings))
