"""`liaison-bot sandbox`: the bot, a simulated Telegram and a group-chat page on this machine.

`liaison-bot run` lands here too when no token is configured, so a newcomer sees Liaison work
before they have a bot or a group.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shutil
import signal
import sys
import webbrowser
from pathlib import Path
from typing import Any

from bot.logging_setup import configure_logging
from bot.settings import ConfigError, Settings, load_settings, split_listen
from handlers.texts import Texts

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    sandbox = sub.add_parser(
        "sandbox", help="try the bot in a local web page, no Telegram token needed",
        description="Start a simulated Telegram server on this machine with the configured "
                    "people and chats, run the bot against it, and serve a web page that is "
                    "the group chat: post as a rider, switch to staff, press the buttons.")
    sandbox.add_argument("--listen", metavar="HOST:PORT",
                         help="address of the page (default: sandbox.listen, 127.0.0.1:8080)")
    sandbox.add_argument("--open", dest="open_browser", action="store_true",
                         help="open the page in the default browser")
    sandbox.add_argument("--data-dir", metavar="DIR", type=Path,
                         help="where the database and photos are kept between runs "
                              "(default: sandbox.data_dir, ./liaison-sandbox)")
    sandbox.add_argument("--fresh", action="store_true",
                         help="start over: remove the database and photos kept from earlier "
                              "runs first")
    sandbox.add_argument("--database", metavar="URL",
                         help="database to use instead of the one in the data folder (the "
                              "simulated chats still start empty each time)")
    sandbox.set_defaults(func=run_sandbox)


def run_sandbox(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    configure_logging(settings.logging.level, settings.logging.format)
    if args.listen:
        try:
            split_listen(args.listen)
        except ValueError as error:
            raise ConfigError("--listen", str(error)) from None
    return serve_sandbox(settings, args)


def serve_sandbox(settings: Settings, args: argparse.Namespace) -> int:
    """Run the sandbox until Ctrl+C or SIGTERM."""
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(settings, args))
    except OSError as error:
        # Usually the page's address is taken or not ours to use; no traceback for that.
        print(f"liaison-bot: the sandbox could not start: {error}", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from bot.sandbox import Sandbox

    data_dir = getattr(args, "data_dir", None) or settings.sandbox.data_dir
    if getattr(args, "fresh", False):
        forget(data_dir)
    sandbox = Sandbox(settings, listen=getattr(args, "listen", None),
                      database_url=getattr(args, "database", None), data_dir=data_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await sandbox.start()
        print(banner(sandbox), flush=True)
        if getattr(args, "open_browser", False) and sandbox.page_url:
            webbrowser.open(sandbox.page_url)
        await stop.wait()
        log.info("stopping the sandbox")
    finally:
        await sandbox.stop()


def forget(data_dir: Path) -> None:
    """Remove what earlier runs kept in the data folder (only the files the sandbox made)."""
    from bot.sandbox.session import DATABASE_FILE

    for suffix in ("", "-wal", "-shm", "-journal"):
        (data_dir / f"{DATABASE_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(data_dir / "media", ignore_errors=True)


def banner(sandbox: Any) -> str:
    texts = Texts(sandbox.settings.bot.language)
    lines = ["", texts("sandbox.banner.title"),
             texts("sandbox.banner.page", url=sandbox.page_url)]
    wanted = sandbox.listen
    if sandbox.page_url and not sandbox.page_url.endswith(":" + wanted.rsplit(":", 1)[-1]):
        lines.append(texts("sandbox.banner.port_moved", wanted=wanted, url=sandbox.page_url))
    lines.append(texts("sandbox.banner.api", url=sandbox.server.base_url))
    views = sandbox.settings.sandbox
    if sandbox.page_url:
        # The other platforms' views, when switched on, are pages of their own.
        for view, on in (("wechat", views.wechat), ("wecom", views.wecom)):
            if on:
                page = f"{sandbox.page_url}/sandbox/{view}"
                lines.append(texts(f"sandbox.banner.{view}", url=page))
    kept = sandbox.kept_database
    if sandbox.temporary_database:
        lines.append(texts("sandbox.banner.database_temporary", path=sandbox.temporary_database))
    elif kept is not None:
        lines.append(texts("sandbox.banner.database_kept", path=kept,
                           tickets=sandbox.earlier.tickets))
        lines.append(texts("sandbox.banner.export", url=f"sqlite+aiosqlite:///{kept}"))
    else:
        lines.append(texts("sandbox.banner.database", database=sandbox.database_label))
    lines += [texts("sandbox.banner.stop"), ""]
    return "\n".join(lines)
