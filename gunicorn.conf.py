"""gunicorn's settings for housing_service; gunicorn reads ./gunicorn.conf.py by default.

Run it from the repository's root (`gunicorn wsgi:app …`), or pass `--config` with this file.
"""

from housing_service.server_banner import hide_gunicorn_banner

hide_gunicorn_banner()
