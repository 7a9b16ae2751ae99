"""Run every benchmark module (tests/bench/bench_*.py) and print one `bench …` line per result."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path


def main(argv: list[str]) -> int:
    only = set(argv[1:])
    results, failed = [], []
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        name = path.stem
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"tests.bench.{name}")
            for result in module.run():
                print(f"   {result.name}: {result.detail}", flush=True)
                results.append(result)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
    print()
    for result in results:
        print(result.line())
    for name in failed:
        print(f"bench {name}: error (goal -) short")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
