import pytest

from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db
from tests.factories import PASSWORD


def test_usernames_and_emails_are_stored_lowercased(ctx):
    """Ilze can sign in as ILZE or ilze; there is one account, not two."""
    user = services.create_user(username="  Ilze.K ", password=PASSWORD, display_name="Ilze",
                                audience="teacher", email="Ilze@Example.ORG")
    assert (user.username, user.email) == ("ilze.k", "ilze@example.org")
    assert services.authenticate("ILZE.K", PASSWORD) is user
    assert services.authenticate("ilze@example.org", PASSWORD) is user


def test_every_user_gets_a_public_uuid_and_a_modern_hash(ctx, make_user):
    user = make_user("anna")
    assert user.public_id is not None and len(str(user.public_id)) == 36
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("username", ["ab", "has space", "ūdens", "-dash-first", "x" * 33])
def test_bad_usernames_are_refused_naming_the_field(ctx, username):
    with pytest.raises(services.AccountError) as error:
        services.create_user(username=username, password=PASSWORD, display_name="X", audience="adult",
                             email="x@example.org")
    assert error.value.field == "username"
    assert db.session.query(User).count() == 0


def test_a_pupil_cannot_have_an_email_address(ctx):
    with pytest.raises(services.AccountError) as error:
        services.create_user(username="pupil1", password=PASSWORD, display_name="P", audience="pupil",
                             email="kid@example.org")
    assert error.value.field == "email"


def test_pupils_cannot_self_register(ctx):
    with pytest.raises(services.AccountError) as error:
        services.register(username="pupil1", email="p@example.org", password=PASSWORD,
                          display_name="P", audience="pupil")
    assert error.value.field == "audience"


def test_taken_username_and_email_are_named(ctx, make_user):
    make_user("janis", email="janis@example.org")
    with pytest.raises(services.AccountError) as error:
        services.register(username="JANIS", email="other@example.org", password=PASSWORD,
                          display_name="J", audience="adult")
    assert error.value.field == "username"
    with pytest.raises(services.AccountError) as error:
        services.register(username="janis2", email="JANIS@example.org", password=PASSWORD,
                          display_name="J", audience="adult")
    assert error.value.field == "email"


def test_short_password_is_refused(ctx):
    with pytest.raises(services.AccountError) as error:
        services.register(username="janis", email="j@example.org", password="short",
                          display_name="J", audience="adult")
    assert error.value.field == "password"


def test_inactive_user_cannot_authenticate(ctx, make_user):
    make_user("gone", active=False)
    assert services.authenticate("gone", PASSWORD) is None


def test_wrong_password_and_unknown_user_both_give_none(ctx, make_user):
    make_user("janis")
    assert services.authenticate("janis", "wrong password") is None
    assert services.authenticate("nobody", PASSWORD) is None
    assert services.authenticate("", PASSWORD) is None


def test_authenticate_records_the_sign_in_time(ctx, make_user):
    user = make_user("janis")
    assert user.last_login_at is None
    services.authenticate("janis", PASSWORD)
    assert user.last_login_at is not None


def test_reset_token_works_once(ctx, make_user):
    user = make_user("janis")
    token = services.make_reset_token(user, "secret")
    services.reset_password(token, "a brand new password", "secret", 3600)
    assert services.authenticate("janis", "a brand new password") is user
    with pytest.raises(services.AccountError):
        services.reset_password(token, "yet another password", "secret", 3600)


def test_expired_and_forged_reset_tokens_change_nothing(ctx, make_user):
    user = make_user("janis")
    token = services.make_reset_token(user, "secret")
    with pytest.raises(services.AccountError, match="expired"):
        services.reset_password(token, "a brand new password", "secret", -1)
    with pytest.raises(services.AccountError, match="not valid"):
        services.reset_password(token, "a brand new password", "another secret", 3600)
    with pytest.raises(services.AccountError, match="not valid"):
        services.reset_password(token[:-3] + "abc", "a brand new password", "secret", 3600)
    assert services.authenticate("janis", PASSWORD) is user


def test_reset_request_for_unknown_or_pupil_address_finds_nobody(ctx, make_user):
    make_user("gone", active=False)
    assert services.user_for_reset_request("nobody@example.org") is None
    assert services.user_for_reset_request("gone@example.org") is None
    assert services.user_for_reset_request("") is None


def test_the_last_admin_cannot_lose_the_role_or_be_deactivated(ctx, make_user):
    admin = make_user("boss", roles=("learner", "admin"))
    with pytest.raises(services.LastAdminError):
        services.set_roles(admin, {"learner"})
    with pytest.raises(services.LastAdminError):
        services.set_active(admin, False)
    assert admin.roles == {"learner", "admin"} and admin.active


def test_an_admin_can_step_down_when_another_remains(ctx, make_user):
    first = make_user("boss", roles=("learner", "admin"))
    make_user("deputy", roles=("admin",))
    services.set_roles(first, {"learner"})
    assert first.roles == {"learner"}


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(ctx, make_user):
    first = make_user("boss", roles=("admin",))
    make_user("asleep", roles=("admin",), active=False)
    with pytest.raises(services.LastAdminError):
        services.set_active(first, False)


def test_roles_must_be_known(ctx, make_user):
    user = make_user("janis")
    with pytest.raises(services.AccountError):
        services.set_roles(user, {"superuser"})
    with pytest.raises(services.AccountError):
        services.set_roles(user, set())


def test_search_finds_by_name_username_or_email_and_filters(ctx, make_user):
    make_user("janis", display_name="Jānis Bērziņš")
    make_user("ilze", audience="teacher", roles=("learner", "teacher"))
    make_user("kid", audience="pupil", active=False)
    def search(**kw):
        return {u.username for u in services.search_users(services.UserFilter(**kw)).items}

    assert search(query="bērz") == {"janis"}
    assert search(query="ILZE@") == {"ilze"}
    assert search(role="teacher") == {"ilze"}
    assert search(audience="pupil") == {"kid"}
    assert search(status="inactive") == {"kid"}
    assert search(query="%") == set()  # wildcards are searched for literally


def test_seed_demo_is_idempotent(ctx):
    first = services.seed_demo()
    db.session.commit()
    second = services.seed_demo()
    assert all(created for *_, created in first)
    assert not any(created for *_, created in second)
    assert db.session.query(User).count() == len(services.DEMO_ACCOUNTS)
    audiences = {u.audience for u in db.session.query(User)}
    assert audiences == {"pupil", "adult", "teacher"}
