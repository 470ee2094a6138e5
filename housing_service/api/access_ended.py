"""The answer, in the API, to a change that ends every way into an account.

A password change or reset, sign-out everywhere, a role change, deactivation and a reset of
two-step sign-in end every session and revoke every API token of the person; the answer says
so, with the number of tokens revoked, so that a script's owner knows to make new ones.
"""

from __future__ import annotations

from typing import Any


def access_ended(tokens_revoked: int, message: str) -> dict[str, Any]:
    return {"sessions_ended": True, "tokens_revoked": tokens_revoked, "message": message}
