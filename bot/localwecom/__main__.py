"""Run the local WeCom server on its own: `python -m bot.localwecom --port 8099`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .server import LocalWeCom


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--bot-id", default="local-bot")
    parser.add_argument("--secret", default="local-secret")
    parser.add_argument("--robot-key", action="append", default=[],
                        help="a group robot key to accept (repeatable)")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    server = LocalWeCom(args.bot_id, args.secret)
    for key in args.robot_key:
        server.add_robot(key)
    await server.start(args.host, args.port)
    logging.info("local WeCom: long connection %s, robot webhook %s/cgi-bin/webhook/send",
                 server.ws_url, server.robot_base)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
