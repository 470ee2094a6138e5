"""`seed-demo` gives a new user a coalition with something on every page, and sign-ins."""

from housing_service.models import Flag, Hold, Placement, Role, Site, User


def test_seed_demo_prints_a_sign_in_per_role_and_fills_the_board(app, make):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for role in Role:
        assert f"  {role.value}" in result.output
    assert make.count(Site) == 6 and make.count(Placement, exited_on=None) == 4 and make.count(Hold) == 1
    assert make.count(Flag) >= 3  # stays near their limits are flagged at once
    assert make.count(Site, confidential=True) >= 1


def test_seeding_again_only_resets_the_demo_passwords(app, make):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert make.count(Site) == 6 and make.count(User) == 5
    password_lines = lambda output: [line for line in output.splitlines() if "@demo" in line]  # noqa: E731
    assert password_lines(first.output) != password_lines(second.output)


def test_with_two_step_sign_in_required_each_printed_demo_sign_in_works(app, make, monkeypatch):
    """A new user tries the demo where the production default (required for every role) holds."""
    monkeypatch.setitem(
        app.config, "TWO_FACTOR_REQUIRED_ROLES", frozenset({"admin", "advocate", "case_manager", "partner"})
    )
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Two-step sign-in is required for admin, advocate, case_manager, partner" in result.output
    for line in (line for line in result.output.splitlines() if "@demo" in line):
        _, email, password = line.split()
        answer = app.test_client().post("/api/v1/sessions", json={"email": email, "password": password})
        assert answer.status_code == 200, (email, answer.get_json())
        assert answer.get_json()["two_step_sign_in"]["enrol_by"] is not None


def test_an_operator_turns_off_someones_two_step_sign_in_from_the_command_line(app, make):
    from datetime import UTC, datetime

    from housing_service.models import AuditEvent

    admin = make.user(Role.ADMIN, totp_secret="JBSWY3DPEHPK3PXP", totp_enabled_at=datetime.now(UTC))
    result = app.test_cli_runner().invoke(args=["reset-two-step", admin.email])
    assert result.exit_code == 0, result.output
    assert make.reload(User, admin.id).totp_enabled_at is None
    assert make.count(AuditEvent, action="user.second_factor_reset") == 1
    unknown = app.test_cli_runner().invoke(args=["reset-two-step", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account has this email." in unknown.output
