"""Tables of the notifications feature: choices, the outbox, deliveries, texts in, webhooks.

The outbox is written in the same transaction as what it tells about (a flag, a change):
a rollback takes the message with it, a commit keeps it until it is delivered. The unique
`key` means one message per thing, person and channel, however often a job runs.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..db import Base, EnumSet, enum_type
from .kinds import Channel, DeliveryStatus, NotificationKind, WebhookEvent


class NotificationSettings(Base):
    """A person's quiet hours and the phone number texts go to (once confirmed by a code)."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        CheckConstraint("(quiet_from IS NULL) = (quiet_until IS NULL)", name="quiet_hours_whole"),
        CheckConstraint("pending_code_attempts >= 0", name="code_attempts_non_negative"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)
    # A confirmed number: one person per number, so a text from it names its sender.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    phone_confirmed_at: Mapped[datetime | None]
    pending_phone: Mapped[str | None] = mapped_column(String(16))
    pending_code_hash: Mapped[str | None] = mapped_column(String(64))
    pending_code_expires_at: Mapped[datetime | None]
    pending_code_attempts: Mapped[int] = mapped_column(Integer, default=0)


class NotificationChoice(Base):
    """A person's own choice of channels for one kind (without a row: their role's default)."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(
        enum_type(NotificationKind, "notification_kind"), primary_key=True
    )
    channels: Mapped[frozenset[Channel]] = mapped_column(EnumSet(Channel))


class OutboxMessage(Base):
    """One message to one person by one channel, from the moment it is decided until delivered."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_user_channel", "user_id", "channel", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, "notification_kind"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "notification_channel"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))


class Webhook(Base):
    """A partner system's HTTPS address and the events it wants; deliveries are signed."""

    __tablename__ = "webhooks"
    __table_args__ = (CheckConstraint("consecutive_failures >= 0", name="failures_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[frozenset[WebhookEvent]] = mapped_column(EnumSet(WebhookEvent))
    # Kept to sign each delivery; shown to the admin once, when the webhook is added.
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    stopped_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class WebhookDelivery(Base):
    """One event to one webhook: its body (no client data), its state and how it went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[WebhookEvent] = mapped_column(enum_type(WebhookEvent, "webhook_event"))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)


class DeliveryAttempt(Base):
    """Each try at sending a message or a webhook delivery: when, whether it went, and why not."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (
        CheckConstraint("(outbox_message_id IS NULL) <> (webhook_delivery_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    webhook_delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(300), default="")


class InboundText(Base):
    """A text received from the provider: kept for replay protection, throttling and the record.

    The sender's number is kept only as a keyed hash: an unregistered number may be anyone's.
    """

    __tablename__ = "inbound_texts"
    __table_args__ = (Index("ix_inbound_texts_sender_received", "sender_hash", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    sender_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime]
    command: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(String(40), default="")
