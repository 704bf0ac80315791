"""gunicorn settings for `make serve` and the systemd unit (docs/deployment.md)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle a worker now and then (a guard against slow memory growth), kept
# cheap (cms/warmup.py): the master has loaded the views, templates and
# translations before forking; a new worker opens its database connection and
# renders the menu and footer pages into its cache before it accepts a request
# (post_worker_init); a recycled worker ends without the interpreter's
# teardown (worker_exit). The jitter is half the limit so that workers under
# the same load are seldom recycled at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(
    os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 2))
)
# Load the app once in the master, before forking: a recycled worker starts in
# milliseconds instead of importing Django and Wagtail again (~1.5 s of CPU).
# Code changes need a restart (`systemctl restart iok`), as the upgrade
# procedure does anyway.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """In each new worker (at start, and each one recycled after
    ``max_requests``), before it accepts a request: its database connection,
    and the pages of the site's menu and footer in its own cache
    (cms/warmup.py)."""
    from cms.warmup import warm_worker

    warm_worker(worker.wsgi)


def worker_exit(server, worker):
    """A worker recycled after ``max_requests`` (its last request answered)
    ends at once, without the interpreter's slow teardown, so that gunicorn
    starts its replacement sooner (cms/warmup.py). A worker stopped for any
    other reason (shutdown, reload, an error) exits as usual, with its code.
    gunicorn's master calls this hook too, for a worker already gone: never
    there."""
    if os.getpid() == worker.pid and worker.nr >= worker.max_requests:
        from cms.warmup import end_recycled_worker

        end_recycled_worker()
