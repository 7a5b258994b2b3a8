"""`liaison-bot`: the command line.

Configuration problems end the program with one line naming the key and exit status 2; no
traceback reaches the terminal for a mistake the user can fix.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot import __version__
from bot.settings import ConfigError

SUBCOMMANDS = (
    "bot.commands.run",
    "bot.commands.sandbox",
    "bot.commands.demo",
    "bot.commands.database",
    "bot.commands.config",
    "bot.commands.export",
    "bot.commands.wechat",
)

EXIT_CONFIG = 2


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="liaison-bot",
        description="Liaison: hazard reports in neighbourhood groups become tracked tickets.",
    )
    root.add_argument("--version", action="version", version=f"liaison-bot {__version__}")
    root.add_argument("--config", metavar="FILE",
                      help="configuration file (default: $LIAISON_CONFIG, ./config.toml, "
                           "else the built-in sample)")
    sub = root.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is not None and name.startswith(error.name):
                continue
            raise
        module.register(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "func", None) is None:
        parser().print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ConfigError as error:
        print(f"liaison-bot: config error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
