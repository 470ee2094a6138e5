"""API tokens end when an account is recovered, and only a person who just proved who they are makes one.

A stolen account's intruder must not keep a way in: a password change or reset, sign-out
everywhere, a role change, deactivation and a reset of two-step sign-in revoke every token
of the person. Tokens are made from a browser session whose password was confirmed minutes
ago, never with a token, and live at most TOKEN_MAX_DAYS.
"""

from __future__ import annotations

import time

import pytest

from housing_service.models import ApiToken, AuditEvent, Role

from ..factories import PASSWORD

NEW_PASSWORD = "a new long passphrase"


def _says_access_ended(answer, tokens_revoked: int) -> None:
    """The answer says, in its body, that every session and token of the person ended."""
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["sessions_ended"] is True
    assert body["tokens_revoked"] == tokens_revoked
    assert "every session and api token" in body["message"].lower()


def _token(api, user) -> str:
    created = api(user).post("/api/v1/tokens", json={"name": "nightly export"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["token"]


def _with_token(app, token: str):
    return app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})


def _says_access_ended_in(answer, tokens_revoked: int) -> None:
    """A changed account's answer carries what ended under `access_ended`."""
    assert answer.status_code == 200, answer.get_json()
    ended = answer.get_json()["access_ended"]
    assert ended["sessions_ended"] is True and ended["tokens_revoked"] == tokens_revoked
    assert "every session and api token" in ended["message"].lower()


def test_a_token_stops_working_when_an_admin_resets_the_password(app, api, make):
    admin, person = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    token = _token(api, person)
    assert _with_token(app, token).status_code == 200
    reset = api(admin).post(f"/api/v1/users/{person.id}/password", json={"new_password": NEW_PASSWORD})
    _says_access_ended(reset, tokens_revoked=1)
    assert _with_token(app, token).status_code == 401
    assert make.count(ApiToken, revoked_at=None) == 0


def test_a_token_stops_working_when_the_person_changes_their_password(app, api, make):
    person = make.user(Role.CASE_MANAGER)
    token = _token(api, person)
    changed = api(person).post(
        "/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    _says_access_ended(changed, tokens_revoked=1)
    assert _with_token(app, token).status_code == 401


def test_signing_out_everywhere_revokes_every_token(app, api, make):
    person = make.user(Role.PARTNER)
    tokens = [_token(api, person), _token(api, person)]
    _says_access_ended(api(person).delete("/api/v1/sessions"), tokens_revoked=2)
    assert [_with_token(app, token).status_code for token in tokens] == [401, 401]
    assert make.count(AuditEvent, action="session.sign_out_everywhere") == 1


def test_signing_out_of_one_browser_leaves_the_persons_scripts_working(app, api, make):
    """Plain sign-out is not a recovery: a nightly export keeps running."""
    person = make.user(Role.ADVOCATE)
    token = _token(api, person)
    assert api(person).delete("/api/v1/sessions/current").status_code == 204
    assert _with_token(app, token).status_code == 200


def test_a_role_change_revokes_the_persons_tokens(app, api, make):
    admin, person = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    token = _token(api, person)
    changed = api(admin).patch(f"/api/v1/users/{person.id}", json={"role": "case_manager"})
    assert changed.get_json()["role"] == "case_manager"
    _says_access_ended_in(changed, tokens_revoked=1)
    assert _with_token(app, token).status_code == 401


def test_a_deactivated_and_reactivated_account_gets_no_old_token_back(app, api, make):
    admin, person = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    token = _token(api, person)
    deactivated = api(admin).patch(f"/api/v1/users/{person.id}", json={"active": False})
    assert deactivated.get_json()["active"] is False
    _says_access_ended_in(deactivated, tokens_revoked=1)
    assert _with_token(app, token).status_code == 401
    reactivated = api(admin).patch(f"/api/v1/users/{person.id}", json={"active": True})
    _says_access_ended_in(reactivated, tokens_revoked=0)  # its sessions end too; no token is left
    assert _with_token(app, token).status_code == 401


def test_a_renamed_account_keeps_its_tokens(app, api, make):
    admin, person = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    token = _token(api, person)
    renamed = api(admin).patch(f"/api/v1/users/{person.id}", json={"display_name": "Ana B."})
    assert renamed.status_code == 200
    assert renamed.get_json()["access_ended"] is None
    assert _with_token(app, token).status_code == 200


def test_a_token_can_not_make_another_token(app, api, make):
    person = make.user(Role.ADVOCATE)
    token = _token(api, person)
    minted = app.test_client().post(
        "/api/v1/tokens",
        json={"name": "another", "current_password": PASSWORD},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert minted.status_code == 403
    assert minted.get_json()["code"] == 403 and "Authorization" in minted.get_json()["errors"]
    assert make.count(ApiToken) == 1


def test_a_token_lives_at_most_90_days(api, make):
    person = make.user(Role.ADVOCATE)
    too_long = api(person).post("/api/v1/tokens", json={"name": "forever", "valid_days": 91})
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"] == {"valid_days": ["Choose between 1 and 90 days."]}
    assert make.count(ApiToken) == 0
    assert api(person).post("/api/v1/tokens", json={"name": "quarterly", "valid_days": 90}).status_code == 201


def test_the_longest_lifetime_is_a_setting(app, api, make, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_MAX_DAYS", 30)
    monkeypatch.setitem(app.config, "API_TOKEN_DEFAULT_DAYS", 30)
    person = make.user(Role.ADVOCATE)
    assert api(person).post("/api/v1/tokens", json={"name": "x", "valid_days": 31}).status_code == 422
    created = api(person).post("/api/v1/tokens", json={"name": "x"}).get_json()
    token = make.reload(ApiToken, created["id"])
    assert (token.expires_at - token.created_at).days == 30


def _session_signed_in_minutes_ago(app, make, person, minutes: float):
    http = app.test_client()
    moment = time.time() - minutes * 60
    with http.session_transaction() as session:
        session["_user_id"] = make.session_id(person)
        session["signed_in_at"] = session["last_seen_at"] = session["confirmed_at"] = moment
    return http


def test_a_session_signed_in_long_ago_must_confirm_the_password_to_make_a_token(app, make):
    person = make.user(Role.ADVOCATE)
    http = _session_signed_in_minutes_ago(app, make, person, 11)
    unconfirmed = http.post("/api/v1/tokens", json={"name": "script"})
    assert unconfirmed.status_code == 422
    assert list(unconfirmed.get_json()["errors"]) == ["current_password"]
    wrong = http.post("/api/v1/tokens", json={"name": "script", "current_password": "not it at all"})
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["errors"]
    assert make.count(ApiToken) == 0
    confirmed = http.post("/api/v1/tokens", json={"name": "script", "current_password": PASSWORD})
    assert confirmed.status_code == 201
    # Confirmed just now: the next few minutes need no password.
    assert http.post("/api/v1/tokens", json={"name": "another"}).status_code == 201


@pytest.mark.parametrize("minutes", [1, 9])
def test_a_session_signed_in_minutes_ago_makes_a_token_without_the_password(app, make, minutes):
    person = make.user(Role.CASE_MANAGER)
    http = _session_signed_in_minutes_ago(app, make, person, minutes)
    assert http.post("/api/v1/tokens", json={"name": "script"}).status_code == 201


def test_a_fresh_sign_in_makes_a_token_at_once(app, make):
    make.user(Role.ADVOCATE, email="ana@example.org")
    http = app.test_client()
    assert (
        http.post("/api/v1/sessions", json={"email": "ana@example.org", "password": PASSWORD}).status_code
        == 200
    )
    assert http.post("/api/v1/tokens", json={"name": "script"}).status_code == 201


def test_the_openapi_document_declares_what_ended(app):
    """Each answer that ends every way in is declared with its body, not as an empty 204."""
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    ended = {
        ("/api/v1/users/me/password", "post"),
        ("/api/v1/users/{user_id}/password", "post"),
        ("/api/v1/sessions", "delete"),
        ("/api/v1/users/{user_id}/second-factor", "delete"),
    }
    for path, method in ended:
        responses = paths[path][method]["responses"]
        assert "204" not in responses, (path, method)
        schema = responses["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/AccessEnded"), (path, method)
    patched = paths["/api/v1/users/{user_id}"]["patch"]["responses"]["200"]["content"]["application/json"]
    assert patched["schema"]["$ref"].endswith("/UserUpdated")
