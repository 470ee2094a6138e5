"""The stack's ceiling: a bare Flask app answering {"status": "ok"} at the service's health path.

bench.run serves it with the same gunicorn settings as the service, on its own port, and
reports every figure against it too: what the service's own per-request hooks cost is the
gap between this and GET /api/v1/health.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/api/v1/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
