"""``wellchild hub serve`` stops cleanly: SIGTERM (from a service manager) or SIGINT
(Ctrl-C) to the command ends gunicorn, its workers and the mail sender with it, and
closes the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest


def _env(data_dir: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WELLCHILD_", "DATABASE_URL", "DJANGO_"))
    }
    return {**clean, "WELLCHILD_HUB_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hub initialised on SQLite, once for the module."""
    path = tmp_path_factory.mktemp("served")
    done = subprocess.run(
        [sys.executable, "-m", "wellchild", "hub", "init", "--no-input"],
        env=_env(path),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_and_the_mail_sender(data_dir: Path, signum: int) -> None:
    port = _free_port()
    served = subprocess.Popen(
        [sys.executable, "-m", "wellchild", "hub", "serve", "--port", str(port), "--workers", "2"],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not _open(port):
            assert served.poll() is None, served.stdout.read() if served.stdout else ""
            assert time.monotonic() < deadline, "the hub did not open its port in 60 s"
            time.sleep(0.2)
        # gunicorn's master and two workers, and the mail sender.
        while len(psutil.Process(served.pid).children(recursive=True)) < 4:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        family = psutil.Process(served.pid).children(recursive=True)
        commands = [" ".join(p.cmdline()) for p in family]
        assert sum("gunicorn" in c for c in commands) == 3, commands
        assert sum("send_list_mail" in c for c in commands) == 1, commands

        served.send_signal(signum)
        assert served.wait(timeout=60) == 0
        assert not _open(port)
        _gone, alive = psutil.wait_procs(family, timeout=10)
        assert alive == []
    finally:
        if served.poll() is None:
            for child in psutil.Process(served.pid).children(recursive=True):
                child.kill()
            served.kill()
            served.wait()
