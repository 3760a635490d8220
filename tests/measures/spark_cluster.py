"""A Spark standalone cluster on 127.0.0.1 for the tests: one master and two workers of
one core each, started with PySpark's own ``bin/spark-class`` and stopped afterwards.

Each daemon runs in its own process group, so stopping the group also stops the
executors a worker launched. Ports are free ones picked at start (the web UIs too).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

WORKERS = 2
WORKER_MEMORY = "1g"
START_TIMEOUT = 120.0


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running standalone cluster: its master URL and the processes it is made of."""

    url: str
    ui: str
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def alive_workers(self) -> int:
        with urllib.request.urlopen(f"{self.ui}/json/", timeout=5) as response:
            state = json.load(response)
        return int(state.get("aliveworkers", 0))

    def log_tail(self) -> str:
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-2000:])
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop every process group started, politely first, then for good."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.processes.clear()


def _environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(spark_home()),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_WORKER_DIR=str(work / "work"),
        SPARK_LOG_DIR=str(work),
        # executors start Python workers only for Python code; the same interpreter then
        PYSPARK_PYTHON=sys.executable,
        SPARK_DAEMON_MEMORY="256m",
    )
    return env


def _start(cluster: Cluster, name: str, args: list[str], env: dict[str, str]) -> None:
    log = (cluster.logs / f"{name}.log").open("wb")
    command = [str(spark_home() / "bin" / "spark-class"), *args]
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    log.close()
    cluster.processes.append(process)


@contextlib.contextmanager
def standalone_cluster(work: Path, memory: str = WORKER_MEMORY) -> Iterator[Cluster]:
    """A master and two one-core workers on 127.0.0.1 (``memory`` each for executors),
    stopped however the block ends."""
    work.mkdir(parents=True, exist_ok=True)
    env = _environment(work)
    port, ui_port = free_port(), free_port()
    cluster = Cluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}", work)
    try:
        _start(
            cluster,
            "master",
            ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
             "--port", str(port), "--webui-port", str(ui_port)],
            env,
        )  # fmt: skip
        for i in range(WORKERS):
            _start(
                cluster,
                f"worker{i}",
                ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                 "--port", str(free_port()), "--webui-port", str(free_port()),
                 "--cores", "1", "--memory", memory,
                 "--work-dir", str(work / f"work{i}"), cluster.url],
                env,
            )  # fmt: skip
        _wait_for_workers(cluster)
        yield cluster
    finally:
        cluster.stop()


def _wait_for_workers(cluster: Cluster) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process in cluster.processes:
            if process.poll() is not None:
                raise RuntimeError(f"a Spark daemon exited at start:\n{cluster.log_tail()}")
        with contextlib.suppress(OSError, ValueError):
            if cluster.alive_workers() == WORKERS:
                return
        time.sleep(0.5)
    raise RuntimeError(
        f"the cluster did not come up in {START_TIMEOUT:.0f} s:\n{cluster.log_tail()}"
    )
