"""Security headers on every response, and no caching of anything that may hold survivor data."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# No inline script or style anywhere: pages load their scripts and styles from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Never to another site; kept within ours, where Flask-WTF checks it on HTTPS form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def is_static_file() -> bool:
    """Static files (the app's and any blueprint's) hold no personal data and may be cached."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def is_public_directory() -> bool:
    """The public HSDS directory holds no confidential site and nothing about a survivor: its
    answers may be cached by anyone (it sets its own Cache-Control)."""
    return request.blueprint == "hsds"


def install(app: Flask) -> None:
    """Add the headers to every response, errors and redirects included."""

    # Worked out once, not per response: on a developer's machine (plain HTTP) without HSTS.
    every = {**HEADERS, "Strict-Transport-Security": HSTS}
    over_https = {name.lower(): (name, value) for name, value in every.items()}
    over_http = {lower: pair for lower, pair in over_https.items() if lower != "strict-transport-security"}
    never_kept = (("Cache-Control", "no-store"), ("Pragma", "no-cache"))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        always = over_http if current_app.config["HOUSING_ENV"] == "development" else over_https
        # A view's own value (the public directory's Cache-Control, say) stays as it set it.
        headers.extend([header for lower, header in always.items() if lower not in present])
        if not is_static_file() and not (is_public_directory() and response.status_code in (200, 304)):
            # Survivor data may be in any page or API answer: never kept by a browser or proxy.
            if "cache-control" in present or "pragma" in present:
                headers.remove("Cache-Control")
                headers.remove("Pragma")
            headers.extend(never_kept)
        return response
