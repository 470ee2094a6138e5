"""Server-rendered pages for people: the same services as the API, presented in HTML.

The pages use no inline script and no inline style, so that a Content-Security-Policy
without 'unsafe-inline' holds; every form posts back to the server (post/redirect/get). A few
small scripts from /static (e.g. the filter above a list of languages) make a page easier,
never necessary: each page works the same without them.
"""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from .blueprint import bp

csrf = CSRFProtect()


def register_web(app: Flask) -> None:
    """The pages' blueprint, its error pages, and CSRF protection of every form."""
    from . import (  # noqa: F401  (each module adds its pages to the blueprint)
        account,
        admin,
        admin_accounts,
        admin_hud,
        beds,
        caseload,
        errors,
        flag_views,
        my_sites,
        next_place,
        presentation,
        sign_in,
        stays,
        walk_in,
    )

    # An address no page answers (404, 405) never reaches the blueprint's handlers: the
    # app-wide handler in api/errors.py asks for this one outside /api/.
    app.extensions["html_error_page"] = errors.http_error
    app.extensions["html_problem_page"] = errors.error_page

    # Checked once, below, before any view runs; the forms themselves don't check again.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def protect_forms() -> None:
        # Every write outside /api/ needs the form's token: the pages, and any route added
        # later (deny by default). The JSON API is exempt: it reads only application/json
        # bodies, which a page on another site can't send without a CORS preflight (no CORS
        # is allowed), and the session cookie is SameSite=Lax, so a cross-site POST carries
        # no session. Bearer tokens are never sent by a browser on its own.
        if app.config["WTF_CSRF_ENABLED"] and not request.path.startswith("/api/"):
            csrf.protect()

    presentation.install(app)
    app.register_blueprint(bp)
