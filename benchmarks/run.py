"""Run the benchmarks and write their figures to docs/benchmarks.md.

python benchmarks/run.py              # every benchmark
python benchmarks/run.py load         # only bench_load.py
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import update_doc  # noqa: E402


def main(names: list[str]) -> None:
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    chosen = names or available
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise SystemExit(
            f"No benchmark called {', '.join(unknown)}; there are {', '.join(available)}"
        )
    for name in chosen:
        module = importlib.import_module(f"bench_{name}")
        with tempfile.TemporaryDirectory(prefix=f"wellchild-bench-{name}-", dir=_scratch()) as work:
            print(f"== benchmark {name}", flush=True)
            body = module.run(Path(work))
        update_doc(name, body)
        print(body, flush=True)


def _scratch() -> str | None:
    """Benchmarks write gigabytes: use $BENCH_DIR when set (default: the system temp)."""
    import os

    return os.environ.get("BENCH_DIR")


if __name__ == "__main__":
    main(sys.argv[1:])
