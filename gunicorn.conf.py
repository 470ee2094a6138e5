"""gunicorn's settings for housing_service; gunicorn reads ./gunicorn.conf.py by default.

Run it from the repository's root (`gunicorn wsgi:app …`), or pass `--config` with this file.
Options given on the command line win over these (the benchmarks set their own).
"""

import os

from housing_service.server_banner import hide_gunicorn_banner

hide_gunicorn_banner()

# Sync workers, one request each at a time: the bed search and the holds are CPU-bound in
# Python, and threads of one process queue on the GIL (bench/README.md measured 2 gthread
# workers × 8 threads against 4 sync workers: holds halved). About two per core.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A request still running after this long is stopped and its worker replaced. The slowest
# pages (a coalition's inventory import at 2,000 sites, the five-year outcomes page) take
# seconds, not a minute.
timeout = 60
# On a restart or deploy (SIGTERM, SIGHUP), requests under way may finish for this long.
graceful_timeout = 30
# Connections waiting for a free worker; beyond it the kernel refuses them and the load
# balancer tries another host.
backlog = 2048
