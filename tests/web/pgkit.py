"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temporary folder, as a non-root user.

:func:`start_cluster` returns ``(url, stop)`` or raises :class:`Unavailable` with the reason
(no PostgreSQL binaries, no psycopg, no way to run as a non-root user, a start that failed).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


class Unavailable(Exception):
    """PostgreSQL cannot be started here (the reason is the message)."""


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[::-1]), None)
    if not found:
        raise Unavailable(f"no PostgreSQL '{name}' (Debian package 'postgresql')")
    return found


def start_cluster() -> tuple[str, Callable[[], None]]:
    """Start a cluster in a fresh folder under the system temp dir; (URL, stop function that removes it)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install 'psycopg[binary]')") from None
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    prefix: list[str] = []
    user = os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as 'nobody'
        if not shutil.which("runuser"):
            raise Unavailable("running as root and no 'runuser' to start PostgreSQL as another user")
        prefix, user = ["runuser", "-u", "nobody", "--"], "nobody"
    folder = Path(tempfile.mkdtemp(prefix="arxiv-translator-pg-"))  # pytest's tmp dirs are private to root
    os.chmod(folder, 0o755)
    if prefix:
        shutil.chown(folder, "nobody")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data, log = folder / "data", folder / "log"
    run = subprocess.run([*prefix, initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8",
                          "--locale=C.UTF-8"], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"initdb failed: {(run.stderr or run.stdout).strip()[-300:]}")
    run = subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                          f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}", "start"],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise Unavailable(f"pg_ctl start failed: {(run.stderr or run.stdout).strip()[-300:]}")

    def stop() -> None:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return f"postgresql://{user}@127.0.0.1:{port}/postgres", stop
        time.sleep(0.2)
    stop()
    raise Unavailable("PostgreSQL did not start listening within 30 s")
