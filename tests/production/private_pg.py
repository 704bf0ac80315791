"""A private, throw-away PostgreSQL cluster on 127.0.0.1:5433 for fault tests.

The shared server on 5432 is used by every developer and by CI: it is never
stopped. This one lives in a temporary directory, runs as the ``postgres`` OS
user when we are root (initdb refuses to run as root), is stopped and started
by the fault tests, and is removed afterwards. fsync is off: its data are
disposable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PORT = 5433


def _pg_bin() -> Path | None:
    for version in ("17", "16", "15"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists():
            return path
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivatePostgresError(RuntimeError):
    pass


class PrivatePostgres:
    def __init__(self, port: int = PORT):
        self.port = port
        self.bin = _pg_bin()
        self.dir: Path | None = None
        self.as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, check: bool = True, timeout: float = 120):
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            raise PrivatePostgresError(
                f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}"
            )
        return done

    def create(self) -> PrivatePostgres:
        if self.bin is None:
            raise PrivatePostgresError("PostgreSQL server binaries (initdb) not found")
        if self._port_in_use():
            raise PrivatePostgresError(f"port {self.port} is already in use")
        self.dir = Path(tempfile.mkdtemp(prefix="iok-private-pg-"))
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=64MB -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.dir / "data"),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "-t", "60", "stop"
        )

    def is_running(self) -> bool:
        if self.dir is None:
            return False
        done = self._run("pg_ctl", "-D", str(self.dir / "data"), "status", check=False)
        return done.returncode == 0

    def destroy(self) -> None:
        if self.dir is None:
            return
        if self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                self._run(
                    "pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False
                ).returncode
                == 0
            ):
                return
            time.sleep(0.2)
        raise PrivatePostgresError("private PostgreSQL did not become ready")

    def _port_in_use(self) -> bool:
        import socket

        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def __enter__(self) -> PrivatePostgres:
        return self.create()

    def __exit__(self, *exc) -> None:
        self.destroy()
