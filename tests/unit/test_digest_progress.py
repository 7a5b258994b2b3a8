"""The export's progress bar: drawn on a terminal, silent in a pipe or a file."""

from __future__ import annotations

import io

from bot.commands.export import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_fill_up():
    stream = Terminal()
    bar = ProgressBar(200, stream)
    bar.advance(50)
    bar.finish()
    lines = stream.getvalue().split("\r")
    assert lines[1].startswith("exporting ") and " 25% 50/200" in lines[1]
    bar.done = 200
    bar.finish()
    assert stream.getvalue().rstrip("\n").endswith("100% 200/200")


def test_a_pipe_gets_nothing():
    stream = io.StringIO()
    bar = ProgressBar(10, stream)
    bar.advance(10)
    bar.finish()
    assert stream.getvalue() == ""
