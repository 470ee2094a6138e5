"""The WSGI entry point for production servers: `gunicorn wsgi:app`.

Production mode by default here: the app refuses to start without a real SECRET_KEY.
"""

import os

os.environ.setdefault("HOUSING_ENV", "production")

from housing_service import create_app

app = create_app()
