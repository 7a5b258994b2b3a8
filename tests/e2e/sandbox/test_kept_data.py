"""The sandbox keeps its database between runs: a second run goes on where the first ended
(its messages are not taken for ones already handled), export reads it, --fresh starts over."""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import func, select

from bot.cli import main
from bot.commands.sandbox import forget
from bot.sandbox import Sandbox
from bot.settings import SAMPLE_CONFIG, load_settings
from storage.models import TicketRow
from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg


async def run_once(data_dir, *, offset: float) -> int:
    """Start the sandbox on `data_dir`, report one problem, stop; returns the tickets kept."""
    async with Sandbox(load_settings(SAMPLE_CONFIG), listen="127.0.0.1:0", fast=True,
                       page=False, data_dir=data_dir) as sandbox:
        await sandbox.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
        await sandbox.server.post_location(GROUP, RIDER, DONGHU[0] + offset, DONGHU[1])
        await sandbox.settle()
        async with sandbox.app.uows(read_only=True) as uow:
            return (await uow.execute(select(func.count()).select_from(TicketRow))).scalar()


async def test_a_second_run_goes_on_where_the_first_ended(tmp_path):
    data = tmp_path / "liaison-sandbox"
    assert await run_once(data, offset=0) == 1
    assert (data / "liaison.db").is_file()
    assert await run_once(data, offset=0.01) == 2, "the second run's report is not dropped"

    code = await asyncio.to_thread(main, [
        "export", "--from", "2000-01-01", "--to", "2100-01-01", "--format", "csv",
        "--out", str(tmp_path / "tickets.csv"), "--url", f"sqlite+aiosqlite:///{data}/liaison.db"])
    assert code == 0
    assert len((tmp_path / "tickets.csv").read_text(encoding="utf-8-sig").splitlines()) == 3

    forget(data)
    assert not (data / "liaison.db").exists()
    assert await run_once(data, offset=0) == 1, "--fresh starts over"


def test_fresh_is_a_flag_of_the_command():
    from bot.cli import parser

    args = parser().parse_args(["sandbox", "--fresh", "--data-dir", "somewhere"])
    assert isinstance(args, argparse.Namespace) and args.fresh and str(args.data_dir) == "somewhere"
