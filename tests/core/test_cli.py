from lms.accounts import services


def test_seed_demo_prints_credentials_and_can_run_twice(app, runner):
    first = runner.invoke(args=["lms", "seed-demo"])
    second = runner.invoke(args=["lms", "seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert "demo-pupil" in first.output and "password:" in first.output and "(created)" in first.output
    assert "(already there)" in second.output and "(created)" not in second.output
    with app.app_context():
        assert services.authenticate("demo-admin", "demo-admin-pass").has_role("admin")


def test_create_admin(app, runner):
    result = runner.invoke(args=["lms", "create-admin", "--username", "boss", "--email", "boss@example.org",
                                 "--name", "The Boss", "--password", "a long password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert services.find_by_login("boss").roles == {"learner", "admin"}


def test_create_admin_names_the_bad_field(app, runner):
    result = runner.invoke(args=["lms", "create-admin", "--username", "b", "--email", "boss@example.org",
                                 "--name", "The Boss", "--password", "a long password"])
    assert result.exit_code != 0 and "username" in result.output


def test_create_admin_refuses_a_hidden_character_in_the_name(app, runner):
    result = runner.invoke(args=["lms", "create-admin", "--username", "boss", "--email", "boss@example.org",
                                 "--name", "The\u200b Boss", "--password", "a long password"])
    assert result.exit_code != 0 and "display_name" in result.output and "U+200B ZERO WIDTH SPACE" in result.output
    with app.app_context():
        assert services.find_by_login("boss") is None
