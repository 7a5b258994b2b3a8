"""`liaison-bot run`: the bot against Telegram, or the sandbox when no token is configured."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from bot.logging_setup import configure_logging
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    run = sub.add_parser(
        "run", help="run the bot",
        description="Run the bot. With a Telegram token it serves your groups (polling or "
                    "webhook, as configured); without one it starts the local sandbox.")
    run.set_defaults(func=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    configure_logging(settings.logging.level, settings.logging.format)
    if not settings.has_token:
        from bot.commands.sandbox import serve_sandbox

        log.info("no Telegram token configured: starting the sandbox")
        return serve_sandbox(settings, argparse.Namespace(listen=None, open_browser=False,
                                                          fresh=False, data_dir=None))
    asyncio.run(serve(settings))
    return 0


async def serve(settings: Settings) -> None:
    from bot.app import App

    app = App(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    try:
        await stop.wait()
        log.info("stopping: finishing the work in hand")
    finally:
        await app.stop()
