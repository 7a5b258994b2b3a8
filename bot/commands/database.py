"""`liaison-bot db upgrade`: apply the schema migrations."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import load_settings
from storage.migrate import upgrade


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database schema")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="create or upgrade the schema (safe to repeat)")
    up.add_argument("--url", help="database URL (default: [database] url of the configuration)")
    up.set_defaults(func=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    url = args.url or load_settings(args.config, check_areas=False).database.url
    before, after = upgrade(url)
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database upgraded from {before or 'empty'} to revision {after}")
    return 0
