"""What every benchmark shares: the machine, a measured subprocess, and the document.

Each benchmark module (``bench_*.py``) has ``run(work: Path) -> str`` returning a Markdown
section. ``run.py`` calls them and replaces that section of docs/benchmarks.md, so one
benchmark can be re-run without losing the others' figures. Commands run as child
processes so their wall time and peak RSS are their own (``os.wait4``).
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Measurement:
    """A finished command: wall seconds, CPU seconds (user + system, all its threads)
    and peak resident memory of the process."""

    seconds: float
    peak_rss_mb: float
    output: str
    cpu_seconds: float = 0.0

    @property
    def peak_rss_gb(self) -> float:
        return self.peak_rss_mb / 1024


def measure(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run ``args`` to completion; raise if it fails. With ``timeout`` the process (and
    everything it started) is stopped after that many seconds and :class:`TimedOut` is
    raised."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        text=True,
        start_new_session=True,
    )
    timer = None
    if timeout is not None:
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if timer is not None:
        timer.cancel()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if timeout is not None and seconds >= timeout:
        raise TimedOut(seconds)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    return Measurement(
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        output=output,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


class TimedOut(Exception):
    """A measured command was stopped at its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


def python(code: str, **kwargs: object) -> Measurement:
    """Measure a snippet of Python run in a fresh interpreter of this environment."""
    return measure([sys.executable, "-c", code], **kwargs)  # type: ignore[arg-type]


def wellchild(*args: str, **kwargs: object) -> Measurement:
    return measure([str(BIN / "wellchild"), *args], **kwargs)  # type: ignore[arg-type]


def machine() -> str:
    """One line naming the machine, so figures are read against what produced them."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM (load average {load} when "
        f"the section started: other work on the machine stretches wall times, not CPU "
        f"times); {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, DuckDB {duckdb.__version__}; "
        f"wellchild at {commit or 'an uncommitted tree'}; measured {time.strftime('%Y-%m-%d')}"
    )


def update_doc(section: str, body: str) -> None:
    """Replace (or add) the section ``section`` of docs/benchmarks.md. Benchmarks call it
    after each size, so the figures measured so far are in the document even when a
    long run is stopped before its largest size."""
    start, end = f"<!-- bench:{section} -->", f"<!-- /bench:{section} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else _HEAD
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


_HEAD = """# Benchmarks

Figures from `make bench` (`benchmarks/run.py`), each section with the machine it ran on
and the data size. These machines are shared and noisy, so every section also measures a
named alternative in the same run and reports the ratio; read the ratios before the
seconds. Peak RSS is the child process's own maximum resident set (`os.wait4`).
Re-run one section with `make bench BENCH=<name>`.
"""
