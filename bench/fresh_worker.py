"""What a fresh gunicorn worker pays on its first requests.

Loads the app as gunicorn's master does with ``preload_app`` (``cms.wsgi``,
the bench settings), then forks "workers" from it, as gunicorn does when it
starts or recycles one, and times, inside each fork, the first requests of
every page of bench/member_pages.py against the same page once warm (WSGI
calls in the process, no network: only the worker's own work is measured).
With ``--profile LABEL`` the first request of that page in a fresh fork is
run under cProfile and the costliest functions are printed.

    .venv/bin/python bench/fresh_worker.py --database-url postgresql://…/iok_bench
    .venv/bin/python bench/fresh_worker.py --profile home --database-url …
    .venv/bin/python bench/fresh_worker.py --profile payments --steady --warm 40

Uses the database of bench/member_pages.py (seeded by it) or any seeded one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import member_pages


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=member_pages.DEFAULT_URL)
    parser.add_argument("--forks", type=int, default=3, help="fresh workers timed")
    parser.add_argument("--warm", type=int, default=20, help="warm requests timed")
    parser.add_argument("--profile", default="", help="page label to profile")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="with --profile: profile --warm requests after a first one per "
        "resident, instead of the fresh worker's first request",
    )
    return parser.parse_args()


def environ_for(path: str, cookie: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": member_pages.HOST,
        "SERVER_PORT": "8180",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": member_pages.HOST,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call(application, path: str, cookie: str) -> float:
    """One request through the WSGI application; its milliseconds."""
    statuses = []
    started = time.perf_counter()
    result = application(
        environ_for(path, cookie), lambda status, headers, *_: statuses.append(status)
    )
    try:
        for _chunk in result:
            pass
    finally:
        if hasattr(result, "close"):
            result.close()
    elapsed = (time.perf_counter() - started) * 1000
    if not statuses[0].startswith("200"):
        raise RuntimeError(f"{path} answered {statuses[0]}")
    return elapsed


def in_fork(work) -> dict:
    """``work()`` in a forked child (a fresh worker); its JSON result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fresh worker
        os.close(read_end)
        try:
            payload = json.dumps(work()).encode()
        except BaseException as error:  # noqa: BLE001
            payload = json.dumps({"error": repr(error)}).encode()
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        data = stream.read()
    os.waitpid(pid, 0)
    result = json.loads(data)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def main() -> None:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="iok-fresh-"))
    bench_args = argparse.Namespace(
        database_url=args.database_url, port=8180, workers=2
    )
    env = member_pages.server_environment(
        bench_args, str(folder / "static"), secrets.token_urlsafe(50)
    )
    env["MEDIA_ROOT"] = str(folder / "media")
    env["IOK_PRIVATE_MEDIA_ROOT"] = str(folder / "private")
    member_pages.setup_django(env)

    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    logging.disable(logging.INFO)
    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = member_pages.resident_sessions(20)
    pages = member_pages.pages_to_measure(sessions, settings.SESSION_COOKIE_NAME)
    connections.close_all()

    # gunicorn's master with preload_app: import the WSGI module, nothing more.
    started = time.perf_counter()
    from cms.wsgi import application

    print(f"master: cms.wsgi loaded in {time.perf_counter() - started:.2f} s")

    def short(page):
        return page.label.split()[0]

    if args.profile:
        page = next(p for p in pages if short(p) == args.profile)

        def profiled():
            profile = cProfile.Profile()
            if args.steady:
                for item in page.items:
                    call(application, *item)
                chosen = [
                    page.items[index % len(page.items)] for index in range(args.warm)
                ]
            else:
                chosen = page.items[:1]
            profile.enable()
            for path, cookie in chosen:
                call(application, path, cookie)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            return {"text": out.getvalue()}

        print(in_fork(profiled)["text"])
        return

    def fresh_worker():
        """Each page's first, second and warm requests, in page order (as
        the bench meets them), in one fresh process."""
        figures = {}
        for page in pages:
            items = page.items
            first = call(application, *items[0])
            second = call(application, *items[1 % len(items)])
            warm = [
                call(application, *items[index % len(items)])
                for index in range(2, 2 + args.warm)
            ]
            figures[short(page)] = [first, second, statistics.median(warm)]
        return figures

    def only_first(label):
        def work():
            page = next(p for p in pages if short(p) == label)
            first = call(application, *page.items[0])
            warm = [call(application, *page.items[0]) for _ in range(args.warm)]
            return {"first": first, "warm": statistics.median(warm)}

        return work

    runs = [in_fork(fresh_worker) for _ in range(args.forks)]
    print(f"\n{args.forks} fresh workers, pages in the bench's order (ms, median):")
    print(f"| {'page':<10} | {'1st':>7} | {'2nd':>7} | {'warm':>7} |")
    for page in pages:
        label = short(page)
        first, second, warm = (
            statistics.median(run[label][index] for run in runs) for index in range(3)
        )
        print(f"| {label:<10} | {first:>7.1f} | {second:>7.1f} | {warm:>7.1f} |")
    print("\neach page as a fresh worker's very first request (ms, median):")
    for page in pages:
        label = short(page)
        results = [in_fork(only_first(label)) for _ in range(args.forks)]
        first = statistics.median(r["first"] for r in results)
        warm = statistics.median(r["warm"] for r in results)
        print(f"| {label:<10} | first {first:>7.1f} | warm {warm:>7.1f} |")


if __name__ == "__main__":
    main()
