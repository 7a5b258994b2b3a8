"""`liaison-bot demo`: the road-bulge story replayed in seconds, printed as the chats read.

No browser and no Telegram: the local Bot API server and the real bot on a fake clock, in the
built-in sample district, with a temporary database.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.logging_setup import configure_logging


def register(sub: Any) -> None:
    demo = sub.add_parser(
        "demo", help="replay the road-bulge story in seconds and print the chats",
        description="A rider reports a road bulge at 12:00; road maintenance acknowledges it "
                    "and resolves it with an after photo at 17:00; the rider confirms and "
                    "rates; the digest shows 5 h 0 min. Runs on a simulated clock in the "
                    "built-in sample district and prints the chats as a person reads them.")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from bot.sandbox.story import play_demo

    # The transcript is the output; the bot's own log lines would interleave with it.
    configure_logging("WARNING", "text")
    result = asyncio.run(play_demo(out=lambda line: print(line, flush=True)))
    # Non-zero when a step failed or went another way than the story, so CI notices.
    return 0 if result.ok else 1
