"""Notifications: what happened that a person should know of (an announcement, something
due soon, feedback, a review, a hand-in to review), listed in the app with an unread count
in the header, and sent as a daily e-mail digest to those who chose it."""
