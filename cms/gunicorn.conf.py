"""gunicorn settings for `make serve` and the systemd unit (docs/deployment.md)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle a worker now and then (a guard against slow memory growth). A new
# worker starts cold (template and cache-backed lookups), so not too often:
# with every 2,000 requests, bench/member_pages.py saw rounds of the ledger
# page at 81 to 148 requests/s, depending on how many workers it recycled.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Load the app once in the master, before forking: a recycled worker starts in
# milliseconds instead of importing Django and Wagtail again (~1.5 s of CPU).
# Code changes need a restart (`systemctl restart iok`), as the upgrade
# procedure does anyway.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
