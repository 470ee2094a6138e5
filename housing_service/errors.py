"""Domain errors. Services raise these; the API and pages turn them into responses.

No Flask import here: the services that raise them must not depend on the web layer.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something the person asking can understand and act on."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(DomainError):
    """The request is well-formed but a field's value can't be accepted."""

    status = 422

    @classmethod
    def field(cls, name: str, problem: str) -> InvalidInput:
        return cls(f"{name}: {problem}", {name: [problem]})


class NotSignedIn(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The request clashes with the current state (a booked bed, a reused key)."""

    status = 409


class InvalidTransition(Conflict):
    """A state change that the record's current state does not allow."""
