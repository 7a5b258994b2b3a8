"""`liaison-bot run`: the bot against its configured platforms, or the sandbox when none is."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from typing import Any

from bot.logging_setup import configure_logging
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    run = sub.add_parser(
        "run", help="run the bot",
        description="Run the bot. It serves every configured platform (Telegram with a "
                    "token, the WeChat service account, WeCom); with none it starts the local "
                    "sandbox.")
    run.set_defaults(func=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    configure_logging(settings.logging.level, settings.logging.format)
    if not settings.serves_a_platform:
        from bot.commands.sandbox import serve_sandbox

        log.info("no platform configured: starting the sandbox")
        return serve_sandbox(settings, argparse.Namespace(listen=None, open_browser=False,
                                                          fresh=False, data_dir=None))
    return asyncio.run(serve(settings))


def settle_the_heap() -> None:
    """Everything loaded at start (the libraries' models, the compiled statements, the
    catalogs: some 330,000 objects) lives as long as the process. A full collection walks
    all of them, about 0.3 s during which the loop stops and every chat waits; frozen, they
    are left out of every later collection, which then walks only what the bot made since.
    What start left as garbage is collected first, so nothing collectable is frozen."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT (exit 0), or until the bot finds it cannot recover (exit 70,
    so that systemd or Kubernetes starts it afresh)."""
    from bot.app import App
    from bot.health.supervisor import EXIT_UNRECOVERABLE

    app = App(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await app.start()
    except Exception:
        log.exception("the bot could not start")
        await app.stop()
        return 1
    settle_the_heap()
    try:
        stopped = asyncio.ensure_future(stop.wait())
        fatal = asyncio.ensure_future(app.fatal.wait())
        await asyncio.wait({stopped, fatal}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        fatal.cancel()
        if app.fatal.is_set():
            log.critical("ending the process", extra={"reason": app.supervisor.fatal_reason,
                                                      "exit_status": EXIT_UNRECOVERABLE})
            return EXIT_UNRECOVERABLE
        log.info("stopping: finishing the work in hand")
        return 0
    finally:
        await app.stop()
