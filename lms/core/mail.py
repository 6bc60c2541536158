"""A small mailer interface: the default writes messages to the log, SMTP when set."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import Flask, current_app

log = logging.getLogger("lms.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class LogMailer:
    """Writes each message to the application log: for a laptop, a demo, or tests."""

    def send(self, message: Message) -> None:
        log.info("E-mail to %s\nSubject: %s\n\n%s", message.to, message.subject, message.body)


class SMTPMailer:
    def __init__(self, host: str, port: int, username: str | None, password: str | None,
                 use_tls: bool, sender: str) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.sender = use_tls, sender

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)


def mailer_for(app: Flask) -> Mailer:
    if app.config.get("LMS_MAIL_SERVER"):
        return SMTPMailer(
            app.config["LMS_MAIL_SERVER"], app.config["LMS_MAIL_PORT"],
            app.config["LMS_MAIL_USERNAME"], app.config["LMS_MAIL_PASSWORD"],
            app.config["LMS_MAIL_USE_TLS"], app.config["LMS_MAIL_SENDER"],
        )
    return LogMailer()


def send(message: Message) -> bool:
    """Send, or log why it could not be sent; never lets a mail server's trouble break
    the page that asked for the message."""
    try:
        mailer_for(current_app).send(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send e-mail to %s (%s)", message.to, message.subject)
        return False
    return True
