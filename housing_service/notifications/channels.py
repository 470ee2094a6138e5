"""The channels a message goes by: in the app (stored), e-mail (SMTP), text (the SMS provider)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from ..models import User
from . import sms_provider
from .kinds import Channel
from .models import NotificationSettings, OutboxMessage


class NotDelivered(Exception):
    """This try failed; the text (no message content, no address) says why."""


def email_is_on() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def sms_is_on() -> bool:
    return sms_provider.provider_from(current_app.config) is not None


def can_reach(person: User, settings: NotificationSettings | None, channel: Channel) -> bool:
    """Whether a message by `channel` could go to this person now (texts: a confirmed number)."""
    if channel == Channel.EMAIL:
        return email_is_on()
    if channel == Channel.SMS:
        return sms_is_on() and settings is not None and settings.phone is not None
    return True


def link(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path if path else ""


def send(message: OutboxMessage, person: User, settings: NotificationSettings | None) -> None:
    """Send one outbox message by its channel; raise NotDelivered to try again later."""
    if not person.active:
        raise NotDelivered("the account is no longer active")
    if message.channel == Channel.EMAIL:
        _send_email(message, person)
    elif message.channel == Channel.SMS:
        if settings is None or settings.phone is None:
            raise NotDelivered("no confirmed phone number")
        send_text(settings.phone, f"{message.body} {link(message.link)}".strip())


def send_text(to: str, body: str) -> str:
    provider = sms_provider.provider_from(current_app.config)
    if provider is None:
        raise NotDelivered("texting is off (no provider configured)")
    try:
        return provider.send(to, body)
    except sms_provider.SmsNotSent as error:
        raise NotDelivered(str(error)) from None


def _send_email(message: OutboxMessage, person: User) -> None:
    config = current_app.config
    if not config["SMTP_HOST"]:
        raise NotDelivered("e-mail is off (no SMTP server configured)")
    email = EmailMessage()
    email["Subject"] = f"housing_service: {message.subject}"
    email["From"] = config["MAIL_SENDER"]
    email["To"] = person.email
    # The same id on every try: a resend after a crash reads as the same message.
    email["Message-ID"] = f"<outbox-{message.id}@housing-service.invalid>"
    address = link(message.link)
    email.set_content(
        f"{message.body}\n\n"
        + (f"Open: {address}\n\n" if address else "")
        + "You get this because of your notification choices in housing_service (My account → "
        "Notifications)."
    )
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(email)
    except smtplib.SMTPResponseException as error:
        raise NotDelivered(f"the mail server answered {error.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise NotDelivered(f"the mail server was not reached ({type(error).__name__})") from None
