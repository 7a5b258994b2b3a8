"""Run the local WeChat server on its own: ``python -m bot.localwechat --bot-url URL``.

Prints the account's AppID, AppSecret, Token and EncodingAESKey to configure the bot with
(they are test values, not secrets), then serves until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import LocalWeChat


async def serve(args: argparse.Namespace) -> None:
    server = LocalWeChat(bot_url=args.bot_url, host=args.host, port=args.port,
                         safe_mode=not args.plaintext)
    async with server:
        print(f"local WeChat at {server.base_url}")
        print(f"app_id={server.app_id} app_secret={server.app_secret}")
        print(f"token={server.token} encoding_aes_key={server.encoding_aes_key}")
        print(f"pushes go to {server.bot_url} ({'safe' if server.safe_mode else 'plain'} mode)")
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.localwechat")
    parser.add_argument("--bot-url", required=True, help="the bot's callback URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--plaintext", action="store_true", help="push in plaintext mode")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
