"""An admin deactivating an account signs it out everywhere, for good."""

from tests.signins import cookies_of, is_signed_in, live_count, replay, signed_in


def test_deactivating_an_account_ends_its_sessions_and_reactivating_does_not_bring_them_back(app, admin, adult):
    """A deactivated learner is signed out on every device at once; when an admin lets them
    back in, they sign in again: the old cookies stay dead."""
    manager = signed_in(app, admin)
    learner = signed_in(app, adult, remember=True)
    copied = cookies_of(learner)
    assert manager.post(f"/admin/users/{adult.public_id}/active", data={"active": "0"}).status_code == 302
    assert not is_signed_in(replay(app, **copied))
    assert manager.post(f"/admin/users/{adult.public_id}/active", data={"active": "1"}).status_code == 302
    assert not is_signed_in(replay(app, **copied))
    assert not is_signed_in(replay(app, remember_token=copied["remember_token"]))
    assert not is_signed_in(learner)
    assert live_count(app, "adult") == 0
    assert is_signed_in(signed_in(app, adult))


def test_deactivating_one_account_leaves_everyone_else_signed_in(app, admin, adult, teacher):
    """Only the deactivated account is signed out; the admin and other learners are not."""
    manager = signed_in(app, admin)
    other = signed_in(app, teacher, remember=True)
    manager.post(f"/admin/users/{adult.public_id}/active", data={"active": "0"})
    assert is_signed_in(manager) and is_signed_in(other)


def test_the_admin_is_told_that_deactivating_signs_out_everywhere(app, admin, adult):
    """The button's explanation says what deactivating does to sessions."""
    page = signed_in(app, admin).get(f"/admin/users/{adult.public_id}").get_data(as_text=True)
    assert "signs the account out on every device at once" in page
