"""Sending email through the configured SMTP server (off unless SMTP_HOST is set)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def enabled() -> bool:
    """Whether an SMTP server is configured."""
    return bool(current_app.config["SMTP_HOST"])


def new_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text email from the service's sender address."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message.set_content(body)
    return message


def deliver(message: EmailMessage) -> None:
    """Hand one message to the SMTP server; raises when it can't be delivered."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
