"""Fixtures for the LRS tests: credentials as an external app would hold them."""

import base64

import pytest

from lms.extensions import db
from lms.xapi import credentials

VERSION = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def issue(app):
    """``issue(*scopes, name=...)`` issues credentials and returns (headers, credential id)."""

    def make(*scopes, name="VR lab"):
        with app.app_context():
            credential, secret = credentials.issue(name, list(scopes) or ["all"])
            db.session.commit()
            token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
            return {"Authorization": f"Basic {token}", **VERSION}, credential.id
    return make


@pytest.fixture
def lab(issue):
    """Request headers of an external app (a VR lab) holding credentials with every scope."""
    return issue("all")[0]
