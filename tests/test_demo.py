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
