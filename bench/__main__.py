"""Run every benchmark in this folder, one after another: `.venv/bin/python -m bench`.

A benchmark is a module here with a `main()` (plain or async); each prints its own figures.
Pass names to run only some: `.venv/bin/python -m bench orders_bench`.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))


def main(names: list[str]) -> None:
    # The names choose benchmarks; each benchmark parsing sys.argv must see none of them
    # (vk_bench refused `python -m bench vk_bench` as an unknown argument) and use its
    # defaults.
    sys.argv = sys.argv[:1]
    found = sorted(info.name for info in pkgutil.iter_modules([str(HERE)]))
    for name in found:
        if name.startswith("_") or (names and name not in names):
            continue
        run = getattr(importlib.import_module(f"bench.{name}"), "main", None)
        if run is None:
            continue
        print(f"\n=== bench.{name} ===", flush=True)
        if inspect.iscoroutinefunction(run):
            asyncio.run(run())
        else:
            run()


if __name__ == "__main__":
    main(sys.argv[1:])
