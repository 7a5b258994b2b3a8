"""What the fork server of `bot_process` holds ready before it forks a bot.

Imported once, by the fork server only: every bot it forks then starts with the modules (and
the head revision of the migrations) already in memory. Building aiogram's and the settings'
pydantic models alone costs a process some seconds of CPU, which a fresh interpreter pays at
every start and a forked one never does. Nothing here connects, starts a thread or an event
loop: a fork must not inherit any of those.
"""

from __future__ import annotations

import contextlib
import importlib

import bot.app
import bot.cli
import bot.telegram.adapter
from handlers.router import FEATURES
from storage.migrate import head_revision

# An optional part that is not installed is left to the bot to decide about when it starts.
for _name in (*bot.cli.SUBCOMMANDS, *FEATURES):
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module(_name)

head_revision()
