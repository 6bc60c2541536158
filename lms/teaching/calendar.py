"""A learner's due dates as an iCalendar feed (RFC 5545) behind a secret link, so phone
and desktop calendars can subscribe to them.

The link carries only a random token: nothing in it names the learner, and only a hash of
the token is stored, so the link is shown once, when it is made. Making a new one ends the
old. The feed holds what the learner sees on "My learning" and nothing more: each due
date's title, class, course and link; no names of people."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from icalendar import Calendar, Event

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.extensions import db
from lms.teaching import due_dates
from lms.teaching.models import CalendarFeed

# How often "last used" is written: a phone polling every few minutes costs no writes.
TOUCH_EVERY = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def new_link(user: User) -> str:
    """A new secret token for the learner's feed (returned once); any earlier link stops working."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash, feed.created_at, feed.last_used_at = _hash(token), utcnow(), None
    db.session.flush()
    return token


def stop(user: User) -> None:
    """No link works any more."""
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def learner_for(token: str) -> User | None:
    """Whose feed a token opens (an active account's), noting the use at most hourly."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or not feed.user.active:
        return None
    now = utcnow()
    if feed.last_used_at is None or now - feed.last_used_at > TOUCH_EVERY:
        feed.last_used_at = now
        db.session.flush()
    return feed.user


def _uid(key: str) -> str:
    """Stable per due date: the same event however often the feed is read or the date moves."""
    host = urlsplit(current_app.config["LMS_BASE_URL"]).hostname or "localhost"
    return f"{key}.due@{host}"


def feed(user: User, link_for, now: datetime | None = None) -> bytes:
    """The learner's due dates as an iCalendar document, in their language, each event at
    its due time in ``LMS_TIMEZONE`` (with the zone's definition). ``link_for(work)`` gives
    the absolute address of a piece of work."""
    now = now or utcnow()
    zone = due_dates.zone()
    locale = user.locale if user.locale in current_app.config["LMS_LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        name = _("Due dates · Digital Skills Platform")
        calendar = Calendar()
        calendar.add("prodid", "-//Digital Skills Platform//Due dates//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        calendar.add("x-wr-timezone", zone.key)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        stamp = now.replace(tzinfo=timezone.utc)
        for work in due_dates.due_work(user, now=now):
            due = work.window.due_at.replace(tzinfo=timezone.utc).astimezone(zone)
            event = Event()
            event.add("uid", _uid(work.key))
            event.add("dtstamp", stamp)
            # A moment, not a stretch of time: DTSTART alone (RFC 5545 3.6.1), no DTEND.
            event.add("dtstart", due)
            event.add("summary", _("Due: %(title)s", title=work.title))
            link = link_for(work)
            lines = [_("Class: %(name)s", name=work.school_class.name)]
            if work.item is not None:
                lines.append(_("Course: %(title)s", title=work.course.title))
            if work.window.opens_at is not None:
                lines.append(_("Opens: %(date)s", date=format_datetime(work.window.opens_at, "short")))
            if work.window.close_at_due:
                lines.append(_("Hand-in closes at the due date."))
            lines.append(link)
            event.add("description", "\n".join(lines))
            event.add("url", link)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        calendar.add_missing_timezones()
    return calendar.to_ical()
