"""WSGI entry point; production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# The cache keys' deploy version hashes the code, templates and catalogues
# (about 1 MB): computed here, once, in gunicorn's master when it preloads the
# app, so no worker (nor a worker recycled under load) pays for it on a request.
from ledger.caching import deploy_version  # noqa: E402

deploy_version()

# What Django and Wagtail would otherwise do on each worker's first requests
# (the URLconf and its views, templates, translations, hooks): done here, in
# the master, before it forks (cms/warmup.py says what and how much).
from cms.warmup import warm_up  # noqa: E402

warm_up()
