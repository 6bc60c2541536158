"""The mailer: the log by default, a real SMTP conversation when a server is set."""

import socket

import pytest
from aiosmtpd.controller import Controller

from lms.core import mail


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_without_a_mail_server_messages_go_to_the_log(app, caplog):
    caplog.set_level("INFO", logger="lms.mail")
    with app.app_context():
        mail.send(mail.Message("a@example.org", "Hello", "Body text"))
    assert "E-mail to a@example.org" in caplog.text and "Body text" in caplog.text


def test_with_a_mail_server_messages_are_sent_over_smtp(make_app, smtp_server):
    port, inbox = smtp_server
    app = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=port, LMS_MAIL_USE_TLS=False,
                   LMS_MAIL_SENDER="noreply@learn.example.lv")
    with app.app_context():
        mail.send(mail.Message("anna@example.org", "Reset your password", "Open the link: ..."))
    envelope, = inbox.messages
    assert envelope.mail_from == "noreply@learn.example.lv" and envelope.rcpt_tos == ["anna@example.org"]
    assert b"Subject: Reset your password" in envelope.content


def test_a_password_reset_travels_by_smtp(make_app, make_user, smtp_server):
    port, inbox = smtp_server
    app = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=port, LMS_MAIL_USE_TLS=False)
    make_user("janis")
    response = app.test_client().post("/password/reset", data={"email": "janis@example.org"})
    assert response.status_code == 302
    envelope, = inbox.messages
    assert b"/password/reset/" in envelope.content


def test_an_unreachable_mail_server_is_logged_and_the_page_still_answers(make_app, make_user, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=closed_port, LMS_MAIL_USE_TLS=False)
    make_user("janis")
    response = app.test_client().post("/password/reset", data={"email": "janis@example.org"})
    assert response.status_code == 302
    assert "Could not send e-mail to janis@example.org" in caplog.text
