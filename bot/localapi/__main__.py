"""Run the local Bot API server on its own: `python -m bot.localapi --port 8081 --token ...`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math

from .limits import FloodLimits
from .server import LocalBotApi


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.localapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:LOCAL-TEST-TOKEN")
    parser.add_argument("--bot-username", default="liaison_bot")
    parser.add_argument("--bot-name", default="Liaison")
    parser.add_argument(
        "--privacy-off",
        action="store_true",
        help="the bot can read all group messages (privacy mode disabled)",
    )
    parser.add_argument(
        "--no-flood-limits", action="store_true", help="do not enforce Telegram's flood limits"
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    limits = FloodLimits(math.inf, math.inf, math.inf) if args.no_flood_limits else FloodLimits()
    server = LocalBotApi(
        token=args.token,
        bot_username=args.bot_username,
        bot_first_name=args.bot_name,
        host=args.host,
        port=args.port,
        limits=limits,
        can_read_all_group_messages=args.privacy_off,
    )
    async with server:
        logging.getLogger(__name__).info("Bot API at %s/bot<token>/<method>", server.base_url)
        print(f"Local Bot API listening on {server.base_url}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
