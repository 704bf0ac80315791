"""Where a member page's time goes: CPU per request by process group.

Serves the app as bench/member_pages.py does (same database, same settings,
same residents) and loads the baseline, the dashboard and a ledger page in
turn, reading the CPU time of the gunicorn workers, the PostgreSQL backends and
this load generator from /proc before and after each, so the figures do not
depend on what else the machine runs (as much as throughput does).

    .venv/bin/python bench/cpu_per_request.py [--duration 8] [--residents 300]

Linux only (/proc). Run bench/member_pages.py once first: it seeds the database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from pathlib import Path

import member_pages  # bench/ is on the path when this script runs


def cpu_by_group() -> dict[str, float]:
    """CPU seconds (user + system) of every process, grouped."""
    ticks = os.sysconf("SC_CLK_TCK")
    groups: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if "gunicorn" in command:
            group = "gunicorn"
        elif command.startswith("postgres"):
            group = "postgres"
        elif int(pid) == os.getpid():
            group = "load generator"
        else:
            group = "other"
        groups[group] = groups.get(group, 0.0) + seconds
    return groups


def main() -> None:
    args = member_pages.parse_args()
    static_root = tempfile.mkdtemp(prefix="iok-bench-static-")
    env = member_pages.server_environment(args, static_root, secrets.token_urlsafe(50))
    member_pages.setup_django(env)

    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.disable(logging.INFO)
    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = member_pages.resident_sessions(args.residents)
    cookie = settings.SESSION_COOKIE_NAME
    server = subprocess.Popen(
        [
            str(member_pages.PYTHON.parent / "gunicorn"),
            "-c",
            str(member_pages.ROOT / "cms" / "gunicorn.conf.py"),
            "cms.wsgi:application",
        ],
        cwd=member_pages.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ledger(rng):
        session, unit_id = rng.choice(sessions)
        return f"/iok/kartoteka/{unit_id}/", session

    targets = {
        "baseline": (lambda rng: ("/iok/bench/baseline/", None), b"<table>"),
        "dashboard": (
            lambda rng: ("/iok/", rng.choice(sessions)[0]),
            "Saldo na dziś".encode(),
        ),
        "ledger": (ledger, b"Zestawienie operacji"),
    }
    try:
        member_pages.wait_for(args.port)
        member_pages.warm_up(args.port, sessions, cookie_name=cookie)
        print(f"{'page':<10}{'req/s':>8}  CPU ms per request")
        for name, (paths, marker) in targets.items():
            before = cpu_by_group()
            figures = member_pages.load(
                args.port,
                paths,
                cookie_name=cookie,
                duration=args.duration,
                warmup=0,
                concurrency=args.concurrency,
                check=lambda body, marker=marker: marker in body,
            )
            after = cpu_by_group()
            count = max(figures["requests"], 1)
            per = {
                group: (after.get(group, 0.0) - before.get(group, 0.0)) / count * 1000
                for group in after
            }
            parts = ", ".join(f"{group} {ms:.2f}" for group, ms in sorted(per.items()))
            print(
                f"{name:<10}{figures['rps']:>8.1f}  total {sum(per.values()):.2f} "
                f"({parts}); errors {figures['errors']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
