"""The LRS takes larger requests than forms (attachments), up to its own limit, and
answers a larger one with 413 in its own error format, storing nothing."""

import json

from lms.extensions import db
from lms.xapi.models import Statement
from tests.xapi.test_api import statement
from tests.xapi.test_documents_and_attachments import attachment, multipart


def stored(app):
    with app.app_context():
        return db.session.query(Statement).count()


def test_an_attachment_larger_than_a_form_may_be_is_accepted(client, lab, app):
    payload = b"p" * (2 * 1024 * 1024)  # over the 1 MiB limit of pages and forms
    body, content_type = multipart(statement(attachments=[attachment(payload)]), [("text/plain", payload)])
    response = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(app) == 1


def test_a_request_over_the_lrs_limit_is_refused_in_the_lrs_format(client, lab, app):
    app.config["LMS_XAPI_MAX_REQUEST_BYTES"] = 100_000
    payload = b"p" * 100_000
    body, content_type = multipart(statement(attachments=[attachment(payload)]), [("text/plain", payload)])
    response = client.post("/xapi/statements", data=body, content_type=content_type, headers=lab)
    assert response.status_code == 413
    assert response.json == {"error": "The request is larger than this LRS accepts: at most 100,000 bytes. "
                                      "Nothing was stored."}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    form = {"Authorization": lab["Authorization"], "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json", "statementId": "6fa459ea-ee8a-3ca4-894e-db77e160355e",
            "content": json.dumps(statement(result={"response": "r" * 100_000}))}
    response = client.post("/xapi/statements?method=PUT", data=form)  # the alternate request syntax
    assert response.status_code == 413 and "at most 100,000 bytes" in response.json["error"]
    assert stored(app) == 0


def test_an_alternate_syntax_body_over_the_limit_is_not_read(make_app):
    """The alternate request syntax is rewritten before Flask sees it; a body over the limit
    is left unread (and refused), not read whole into memory."""
    app = make_app(LMS_XAPI_MAX_REQUEST_BYTES=100_000)
    response = app.test_client().post("/xapi/statements?method=PUT", data={"content": "c" * 200_000})
    assert response.status_code == 413
