"""Notifications: the list, the unread count in the header, reading them, and the hooks
other domains call (feedback received, work reviewed, a hand-in waiting)."""

import re

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.extensions import db
from lms.notifications import services
from lms.notifications.models import Notification
from tests.learning.test_views import QueryCounter


def notify(app, username, kind="reviewed", subject="Final project", url="/my", **kwargs):
    with app.app_context():
        notification = services.notify(accounts.find_by_login(username), kind, subject, url, **kwargs)
        db.session.commit()
        return notification.id if notification is not None else None


def test_the_header_counts_unread_notifications_and_the_list_links_to_each(app, client, adult, login):
    login(adult)
    assert "count-badge" not in client.get("/my").get_data(as_text=True)
    notify(app, "adult", "feedback", "Sum numbers", "/courses/code-practice/learn/sum-numbers")
    notify(app, "adult", "reviewed", "Final project", "/my")
    notify(app, "adult", "hand_in", "Anna: Final project", "/my")
    page = client.get("/my").get_data(as_text=True)
    assert 'class="count-badge">3<span class="visually-hidden"> unread</span>' in page
    listing = client.get("/notifications").get_data(as_text=True)
    assert "You have feedback on Sum numbers" in listing and "Your work on Final project has been reviewed" in listing
    assert "A hand-in is waiting for your review: Anna: Final project" in listing
    first = re.search(r'href="(/notifications/(\d+))">You have feedback', listing)
    opened = client.get(first.group(1))
    assert opened.status_code == 302 and opened.headers["Location"] == "/courses/code-practice/learn/sum-numbers"
    assert 'class="count-badge">2<' in client.get("/my").get_data(as_text=True)
    second = re.search(r'action="(/notifications/\d+/read)"', client.get("/notifications").get_data(as_text=True))
    client.post(second.group(1))
    assert 'class="count-badge">1<' in client.get("/my").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert "count-badge" not in client.get("/my").get_data(as_text=True)
    assert "Mark all as read" not in client.get("/notifications").get_data(as_text=True)


def test_nobody_opens_or_reads_another_persons_notification(app, client, adult, make_user, login):
    other = make_user("other")
    theirs = notify(app, "other")
    login(adult)
    assert client.get(f"/notifications/{theirs}").status_code == 404
    assert client.post(f"/notifications/{theirs}/read").status_code == 404
    client.post("/notifications/read-all")
    assert "Final project" not in client.get("/notifications").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, theirs).read_at is None
    assert other


def test_a_keyed_notification_comes_once(app, adult):
    assert notify(app, "adult", key="review-17") is not None
    assert notify(app, "adult", key="review-17") is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


def test_a_notification_must_link_within_the_site_and_be_of_a_known_kind(app, adult):
    with app.app_context():
        user = accounts.find_by_login("adult")
        for url in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
            with pytest.raises(ValueError):
                services.notify(user, "reviewed", "Work", url)
        with pytest.raises(ValueError):
            services.notify(user, "gossip", "Work", "/my")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_the_header_count_is_one_query_however_many_notifications(app, client, adult, login):
    login(adult)
    with app.app_context():
        engine = db.engine

    def queries():
        with QueryCounter(engine) as counter:
            assert client.get("/courses").status_code == 200
        return counter.count

    queries()
    none = queries()
    with app.app_context():
        services.notify_many([accounts.find_by_login("adult")], "announcement", "Class", "/my")
        for number in range(40):
            services.notify(accounts.find_by_login("adult"), "feedback", f"Item {number}", "/my")
        db.session.commit()
    many = queries()
    assert none == many
    assert 'class="count-badge">41<' in client.get("/courses").get_data(as_text=True)


def test_the_list_pages_through_many_notifications(app, client, adult, login):
    with app.app_context():
        for number in range(35):
            services.notify(accounts.find_by_login("adult"), "feedback", f"Item {number:02d}", "/my")
        db.session.commit()
    login(adult)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Item 34" in first and "Item 04" not in first and "Older" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Item 04" in second and "Item 34" not in second and "Newer" in second
    assert client.get("/notifications?page=99999999999").status_code == 200


def test_visitors_have_no_notifications_link(client):
    page = client.get("/my").get_data(as_text=True)
    assert "/notifications" not in page
