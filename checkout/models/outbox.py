"""Customer emails waiting to go out, and the ledger of Stripe's webhook events."""

from django.db import models

from checkout.models.orders import Order


class OutboxEmail(models.Model):
    """An email (to a customer, a shopper, staff), written in the same transaction as the change that causes it.

    A huey task sends it; a periodic sweep re-sends rows left queued (say, Redis
    was down when they were written). A row is claimed (queued → sending) with a
    conditional update before sending, so no two workers send the same row.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        OUT_OF_STOCK = "out_of_stock", "Paid, waiting for stock"
        # Sign-up confirmations, password resets and allauth's other mails (accounts/adapter.py).
        ACCOUNT = "account", "Account"
        # The storefront's stock emails (storefront/alerts.py, through the storefront.hooks.email_queue hook).
        STOCK_ALERT_CONFIRM = "stock_alert_confirm", "Back-in-stock alert: confirm"
        BACK_IN_STOCK = "back_in_stock", "Back in stock"
        LOW_STOCK = "low_stock", "Low-stock digest (staff)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    # Extra headers the message carries (an alert email's List-Unsubscribe and List-Unsubscribe-Post).
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "outbox email"
        constraints = [
            # Every paid order has exactly one receipt row (a resend sends that row again).
            models.UniqueConstraint(
                fields=["order", "kind"], condition=models.Q(kind="receipt"), name="one_receipt_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.get_status_display()})"


class WebhookEvent(models.Model):
    """The ledger of Stripe events: one row per event id, so a repeat changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    received = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
