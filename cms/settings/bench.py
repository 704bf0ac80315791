"""Benchmark settings: production's, plus the benchmark-only routes.

bench/member_pages.py, bench/cpu_per_request.py and bench/load.py start gunicorn
with ``DJANGO_SETTINGS_MODULE=cms.settings.bench``; production never routes
what cms.bench_urls adds (``/iok/bench/baseline/``).
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "cms.bench_urls"
