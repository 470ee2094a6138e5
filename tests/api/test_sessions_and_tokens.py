from datetime import timedelta

from housing_service import clock
from housing_service.models import ApiToken, AuditEvent, Role, User

from ..factories import PASSWORD


def _sign_in(app, email, password):
    http = app.test_client()
    return http, http.post("/api/v1/sessions", json={"email": email, "password": password})


def test_sign_in_with_email_and_password(app, make):
    user = make.user(Role.ADVOCATE, email="ana@example.org")
    http, response = _sign_in(app, "Ana@Example.org ", PASSWORD)
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id
    assert http.get("/api/v1/sessions/current").get_json()["email"] == "ana@example.org"


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app, make):
    make.user(Role.ADVOCATE, email="ana@example.org")
    _, wrong_password = _sign_in(app, "ana@example.org", "not the password at all")
    _, unknown = _sign_in(app, "nobody@example.org", PASSWORD)
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.get_json() == unknown.get_json()
    assert "email" not in wrong_password.get_json()["errors"]


def test_failed_sign_ins_are_audited_even_though_the_answer_is_an_error(app, make):
    make.user(Role.ADVOCATE, email="ana@example.org")
    _sign_in(app, "ana@example.org", "not the password at all")
    assert make.count(AuditEvent, action="session.sign_in_refused") == 1


def test_a_deactivated_account_can_not_sign_in(app, make):
    make.user(Role.ADVOCATE, email="ana@example.org", active=False)
    _, response = _sign_in(app, "ana@example.org", PASSWORD)
    assert response.status_code == 401


def test_signing_out_ends_the_session_on_the_server(app, make):
    make.user(Role.ADVOCATE, email="ana@example.org")
    http, _ = _sign_in(app, "ana@example.org", PASSWORD)
    with http.session_transaction() as session:
        stolen_cookie_session = dict(session)
    assert http.delete("/api/v1/sessions/current", json={}).status_code == 204
    assert http.get("/api/v1/sessions/current").status_code == 401
    # Replaying the old session cookie does not work either.
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen_cookie_session)
    assert replay.get("/api/v1/sessions/current").status_code == 401


def test_unauthenticated_calls_get_401_in_the_error_shape(api):
    response = api(None).get("/api/v1/sites")
    assert response.status_code == 401
    assert response.get_json() == {
        "code": 401,
        "status": "Unauthorized",
        "message": "Sign in first.",
        "errors": {},
    }


def test_a_token_is_shown_once_stored_hashed_and_works_as_bearer(app, api, make):
    user = make.user(Role.CASE_MANAGER)
    created = api(user).post("/api/v1/tokens", json={"name": "nightly export", "valid_days": 30})
    assert created.status_code == 201
    token = created.get_json()["token"]
    stored = make.reload(ApiToken, created.get_json()["id"])
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    listed = api(user).get("/api/v1/tokens").get_json()
    assert "token" not in listed[0]
    bearer = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200 and bearer.get_json()["id"] == user.id


def test_a_revoked_or_expired_token_stops_working(app, api, make):
    user = make.user(Role.ADVOCATE)
    created = api(user).post("/api/v1/tokens", json={"name": "script", "valid_days": 1}).get_json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    with clock.frozen(clock.now() + timedelta(days=2)):
        assert app.test_client().get("/api/v1/users/me", headers=headers).status_code == 401
    assert api(user).delete(f"/api/v1/tokens/{created['id']}").status_code == 200
    assert app.test_client().get("/api/v1/users/me", headers=headers).status_code == 401


def test_someone_else_can_not_revoke_my_token(api, make):
    owner, other = make.user(Role.ADVOCATE), make.user(Role.ADVOCATE)
    created = api(owner).post("/api/v1/tokens", json={"name": "script"}).get_json()
    assert api(other).delete(f"/api/v1/tokens/{created['id']}").status_code == 404
    assert make.reload(ApiToken, created["id"]).revoked_at is None


def test_a_token_of_a_deactivated_account_stops_working(app, api, make):
    admin, user = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    token = api(user).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    assert api(admin).patch(f"/api/v1/users/{user.id}", json={"active": False}).status_code == 200
    response = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_role_change_ends_the_persons_sessions(api, make):
    admin, user = make.user(Role.ADMIN), make.user(Role.ADVOCATE)
    session = api(user)
    assert session.get("/api/v1/users/me").status_code == 200
    api(admin).patch(f"/api/v1/users/{user.id}", json={"role": "case_manager"})
    assert session.get("/api/v1/users/me").status_code == 401


def test_passwords_are_hashed_with_argon2id_and_need_12_characters(api, make):
    admin, organisation = make.user(Role.ADMIN), make.organisation()
    short = api(admin).post(
        "/api/v1/users",
        json={
            "email": "p@example.org",
            "display_name": "P",
            "role": "partner",
            "organisation_id": organisation.id,
            "password": "too short",
        },
    )
    assert short.status_code == 422 and "password" in short.get_json()["errors"]
    created = api(admin).post(
        "/api/v1/users",
        json={
            "email": "p@example.org",
            "display_name": "P",
            "role": "partner",
            "organisation_id": organisation.id,
            "password": "long enough passphrase",
        },
    )
    assert created.status_code == 201
    assert "password" not in created.get_json()
    assert make.reload(User, created.get_json()["id"]).password_hash.startswith("$argon2id$")


def test_changing_my_password_needs_the_current_one_and_ends_other_sessions(api, make):
    user = make.user(Role.ADVOCATE)
    session = api(user)
    wrong = session.post(
        "/api/v1/users/me/password",
        json={"current_password": "nope", "new_password": "a new long passphrase"},
    )
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["errors"]
    ok = session.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": "a new long passphrase"},
    )
    assert ok.status_code == 200 and ok.get_json()["tokens_revoked"] == 0
    assert session.get("/api/v1/users/me").status_code == 401  # sign in afresh


def test_only_admins_manage_accounts(api, make):
    for role in (Role.ADVOCATE, Role.CASE_MANAGER, Role.PARTNER):
        user = make.user(role)
        assert api(user).get("/api/v1/users").status_code == 403
        response = api(user).post(
            "/api/v1/users",
            json={
                "email": "x@example.org",
                "display_name": "X",
                "role": "admin",
                "password": "long enough pass",
            },
        )
        assert response.status_code == 403
    assert make.count(User, email="x@example.org") == 0


def test_a_write_carried_by_the_session_cookie_must_be_json(app, make):
    """A form another site makes the browser post carries our cookie, but can't be JSON."""
    make.user(Role.ADVOCATE, email="ana@example.org")
    http, _ = _sign_in(app, "ana@example.org", PASSWORD)
    forged = http.delete("/api/v1/sessions/current")  # no body, no JSON
    assert forged.status_code == 415 and "Content-Type" in forged.get_json()["errors"]
    as_form = http.post("/api/v1/tokens", data={"name": "x"})
    assert as_form.status_code == 415
    assert http.get("/api/v1/sessions/current").status_code == 200  # still signed in
    assert http.post("/api/v1/tokens", json={"name": "script"}).status_code == 201


def test_guessing_the_current_password_is_throttled_like_signing_in(api, make):
    """Someone holding a stolen session gets no unlimited guesses at the password."""
    from housing_service.models import SignInAttempt

    user = make.user(Role.ADVOCATE)
    session = api(user)
    answers = [
        session.post(
            "/api/v1/users/me/password",
            json={"current_password": f"guess number {n}", "new_password": "a new long passphrase"},
        )
        for n in range(6)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:3] == [422, 422, 422]  # three free failures, then waits
    assert 429 in statuses[3:] and answers[statuses.index(429)].headers.get("Retry-After")
    assert make.count(SignInAttempt, succeeded=False) >= 3
    assert make.count(AuditEvent, action="user.password_check_refused") >= 3
    assert make.reload(User, user.id).password_hash.startswith("$argon2id$")
