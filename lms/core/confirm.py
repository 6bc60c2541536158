"""Asking before a destructive action, in one place: the action's URL answers GET with a
page that names what will happen and POST does it. It works without JavaScript and needs
no inline script, so a strict Content-Security-Policy leaves it working."""

from __future__ import annotations

from flask import render_template


def confirmation_page(*, title: str, explanation: list[str], action: str, confirm: str, cancel_url: str,
                      cancel: str, fields: dict[str, str] | None = None) -> str:
    """The page that asks: ``title`` names the action and the thing it acts on, the
    ``explanation`` paragraphs say what changes and what is kept, ``confirm`` labels the
    button that posts to ``action`` (with ``fields`` as hidden inputs), ``cancel`` the
    link back to ``cancel_url``."""
    return render_template("core/confirm.html", title=title, explanation=explanation, action=action,
                           confirm=confirm, cancel_url=cancel_url, cancel=cancel, fields=fields or {})
