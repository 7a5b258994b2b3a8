"""`python -m benchmarks [NAME ...] [--quick] [--clean]`: run the benchmarks and print one table.

Each module in SUITES defines `async def run(quick: bool) -> list[Row]`. The large databases
they build are kept in a cache folder (see `benchmarks/cache.py`); `--clean` removes it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
import time

from benchmarks import cache
from benchmarks.table import Row, render

SUITES = ("transport", "intake", "digest", "stations", "web", "wechat_callback", "wecom_staff")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"suites to run (default: all of {SUITES})")
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, for a smoke run")
    parser.add_argument("--clean", action="store_true",
                        help=f"remove the cached databases ({cache.folder()}) and exit")
    args = parser.parse_args(argv)
    if args.clean:
        where, freed = cache.clean()
        print(f"removed the benchmark cache {where} ({freed / 1e6:,.0f} MB freed)")
        return 0
    rows: list[Row] = []
    for name in args.names or SUITES:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"benchmarks.{name}":
                print(f"(no benchmark suite {name!r})", file=sys.stderr)
                continue
            raise
        started = time.perf_counter()
        print(f"running {name}…", file=sys.stderr, flush=True)
        rows.extend(asyncio.run(module.run(args.quick)))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
