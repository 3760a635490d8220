"""The hub under load: gunicorn with PostgreSQL, 50 concurrent clients.

A fresh PostgreSQL database (127.0.0.1:5432, user postgres) gets the demo content; the hub
runs with production settings behind gunicorn (`wellchild hub serve`); a load generator
in this process keeps 50 clients busy for a bounded time on each page. A small
synthetic measure run (BENCH_HUB_CHILDREN children, all ten measures, monthly series) is
published publicly, so a run's dashboard and a measure's page are measured too. The hub
keeps its cache in the Redis server at BENCH_HUB_CACHE_URL (default
redis://127.0.0.1:6379/0; empty: each process's memory). The alternative measured in the
same run is the site's stylesheet served by the same gunicorn workers (WhiteNoise): the
floor that the server, the network stack and the generator set, so the ratio says what
the pages themselves cost.

Environment: BENCH_HUB_SECONDS (default 20) per page, BENCH_HUB_CLIENTS (default 50),
BENCH_HUB_CHILDREN (default 3000), BENCH_HUB_CACHE_URL.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness import BIN, machine, table

LABEL, SLUG, YEAR = "MY2025", "my2025", "2025"
PAGES = {
    "home": "/",
    "directory": "/directory/",
    "meetings": "/meetings/",
    "resource search": "/resources/?q=dental",
    "run dashboard": f"/data/runs/{SLUG}/",
    "measure page (wcv_6m)": f"/data/runs/{SLUG}/wcv_6m/",
}
FLOOR = "stylesheet (floor)"


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # the proxy in front of a production hub says the request came over HTTPS
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _get(port: int, path: str) -> int:
    return _fetch(port, path)[0]


def _stylesheet(port: int) -> str:
    """The stylesheet's address as the home page links it (its name carries a hash)."""
    _, body = _fetch(port, "/")
    found = re.search(rb'href="(/static/[^"]+\.css)"', body)
    if found is None:
        raise RuntimeError("the home page links no stylesheet")
    return found.group(1).decode()


def _load(port: int, path: str, clients: int, seconds: float) -> Result:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client() -> None:
        mine: list[float] = []
        failed = 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = _get(port, path) == 200
            except OSError:
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(len(latencies), errors[0], time.perf_counter() - started, latencies)


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the hub server stopped while starting")
        try:
            if _get(port, "/") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the hub server did not answer within a minute")


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def _publish_run(wellchild: str, work: Path, env: dict[str, str], children: int) -> None:
    """A synthetic run of every measure, published publicly with its monthly series."""
    db = str(work / "store.duckdb")
    for args in (
        ["synth", "--children", str(children), "--seed", "1", "--year", YEAR,
         "--out", str(work / "synth")],
        ["load", str(work / "synth"), "--db", db],
        ["measure", "--year", YEAR, "--db", db, "--out", str(work / "run")],
        ["publish", "--run", str(work / "run"), "--label", LABEL, "--public", "--db", db],
    ):  # fmt: skip
        subprocess.run([wellchild, *args], env=env, check=True, capture_output=True)


def run(work: Path) -> str:
    seconds = float(os.environ.get("BENCH_HUB_SECONDS", "20"))
    clients = int(os.environ.get("BENCH_HUB_CLIENTS", "50"))
    children = int(os.environ.get("BENCH_HUB_CHILDREN", "3000"))
    cache_url = os.environ.get("BENCH_HUB_CACHE_URL", "redis://127.0.0.1:6379/0")
    workers = 2 * (os.cpu_count() or 1) + 1
    name = f"wellchild_bench_{os.getpid()}"
    _psql(f"CREATE DATABASE {name}")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")},
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
        "WELLCHILD_HUB_PRODUCTION": "1",
        "WELLCHILD_SECRET_KEY": secrets.token_urlsafe(50),
        "WELLCHILD_ALLOWED_HOSTS": "127.0.0.1",
        "WELLCHILD_EMAIL_HOST": "127.0.0.1",
        "WELLCHILD_HUB_DATA_DIR": str(work / "hub"),
        **({"WELLCHILD_HUB_CACHE_URL": cache_url} if cache_url else {}),
    }
    wellchild = str(BIN / "wellchild")
    server = None
    try:
        subprocess.run(
            [wellchild, "hub", "init", "--demo", "--no-input"], env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        _publish_run(wellchild, work, env, children)
        server = subprocess.Popen(
            [wellchild, "hub", "serve", "--port", str(port), "--workers", str(workers),
             "--no-mail-worker"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_until_up(port, server)
        pages = {**PAGES, FLOOR: _stylesheet(port)}
        results = {page: _load(port, path, clients, seconds) for page, path in pages.items()}
        load = os.getloadavg()[1]  # over the last five minutes: most of the measuring
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    floor = results[FLOOR]
    rows = []
    for page, r in results.items():
        rows.append(
            [
                page,
                f"{r.requests:,}",
                f"{r.errors:,}",
                f"{r.requests / r.seconds:.0f}",
                f"{statistics.median(r.latencies_ms):.0f} ms",
                f"{r.percentile(95):.0f} ms",
                f"{floor.requests / r.requests:.1f}×" if r is not floor else "",
            ]
        )
    return "\n\n".join(
        [
            "## Hub under load",
            f"Machine: {machine()}.",
            f"`wellchild hub serve` (gunicorn, {workers} sync workers, production settings) "
            "on PostgreSQL at 127.0.0.1 with the demo content and a public synthetic run of "
            f"{children:,} children; cache: "
            + (f"Redis ({cache_url})" if cache_url else "each process's memory")
            + "; "
            f"{clients} concurrent clients for {seconds:.0f} s per page from a load "
            "generator in Python threads on the same machine (it shares the two cores "
            "with the server). Aim: p95 ≤ 150 ms. The stylesheet, served by the same "
            "workers, is the floor the server and generator set. "
            f"Load average of the machine while measuring: {load:.1f} on "
            f"{os.cpu_count()} cores"
            + (
                " (other work shared the cores: every figure is slower than on a quiet "
                "machine, the floor too, and the ratios to the floor are the figures to read)."
                if load > 1.5 * (os.cpu_count() or 1)
                else "."
            ),
            table(
                [
                    "page",
                    "requests",
                    "errors",
                    "requests/s",
                    "p50",
                    "p95",
                    "cost ÷ stylesheet",
                ],
                rows,
            ),
        ]
    )
