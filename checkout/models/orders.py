"""Orders, their lines, history, payments and refunds, and the status machine."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Round
from django.urls import reverse
from django.utils import timezone

from core.addresses import PostalAddress

# No look-alikes: no 0/O, no 1/I. 32 symbols = 5 bits each; 10 symbols = 50 bits.
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ORDER_NUMBER_LENGTH = 10


def new_order_number() -> str:
    return "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))


def new_access_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def normalize_order_number(text: str) -> str:
    """What a shopper typed → the stored form: any case, dashes and spaces ignored."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:32]


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment confirmation"
        PAID = "paid", "Paid"
        PAID_OUT_OF_STOCK = "paid_out_of_stock", "Paid, waiting for stock"
        PROCESSING = "processing", "Being prepared"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    class PaymentState(models.TextChoices):
        UNPAID = "unpaid", "Unpaid"
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=16, unique=True, default=new_order_number, editable=False)
    access_token = models.CharField(max_length=64, default=new_access_token, editable=False)
    # One per checkout form shown: a double-click posts the same token twice
    # and finds the order the first click made.
    checkout_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PENDING_PAYMENT)
    # Money beside fulfilment: an order can be shipped and partially refunded.
    payment_state = models.CharField(max_length=24, choices=PaymentState.choices, default=PaymentState.UNPAID)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    state = models.CharField("state or province", max_length=10, blank=True, help_text="ISO 3166-2, e.g. US-CA.")

    # Every figure as checkout/pricing.py made it when the order was placed; a later change of a
    # price, rate, method or code never changes a past order. The CHECK below keeps them adding up.
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_included = models.BooleanField(
        default=False, help_text="Prices included tax (VAT style): the tax is part of the total, not added to it.",
    )
    tax_label = models.CharField(max_length=60, blank=True, help_text="What the tax was called, e.g. VAT.")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    discount_code = models.ForeignKey(
        "checkout.DiscountCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders",
    )
    discount_code_text = models.CharField("discount code", max_length=40, blank=True)
    code_held = models.BooleanField(
        default=False, help_text="True while this order counts as one use of its discount code.",
    )
    shipping_method = models.ForeignKey(
        "checkout.ShippingMethod", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders",
    )
    shipping_method_name = models.CharField(max_length=100, blank=True)
    shipping_estimate = models.CharField(max_length=60, blank=True)

    stock_held = models.BooleanField(
        default=False,
        help_text="True while this order's units are out of the stock count (held while pending, sold once paid).",
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False, db_index=True)
    review_reason = models.TextField(blank=True)

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(max_length=80, blank=True)
    tracking_number = models.CharField(max_length=120, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "created"]), models.Index(fields=["email"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            # Round(…, 2): SQLite keeps decimals as floating point, where 3.03 − 1.52 is 1.5099999999999998
            # and an exact comparison refuses a right order; on PostgreSQL (numeric) it changes nothing.
            models.CheckConstraint(
                condition=(
                    models.Q(tax_included=True, total=Round(models.F("subtotal") - models.F("discount_total")
                                                            + models.F("shipping_total"), 2))
                    | models.Q(tax_included=False, total=Round(models.F("subtotal") - models.F("discount_total")
                                                               + models.F("shipping_total") + models.F("tax_total"), 2))
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount_paid")), name="order_refunds_within_paid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        n = self.number
        return f"{n[:5]}-{n[5:]}" if len(n) == ORDER_NUMBER_LENGTH else n

    def get_absolute_url(self) -> str:
        return reverse("checkout:order", kwargs={"number": self.number, "token": self.access_token})

    @property
    def postal_address(self) -> PostalAddress:
        """The ship-to address; templates print `order.postal_address.lines`."""
        return PostalAddress.of(self)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    @property
    def refundable(self):
        return self.amount_paid - self.amount_refunded

    def status_events(self):
        """The customer-facing timeline: status changes only, never internal notes."""
        return [e for e in self.events.all() if e.kind == OrderEvent.Kind.STATUS]

    # --- The status machine: every legal move, in one place (ORDER_TRANSITIONS below) ---

    def can_become(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str) -> list[str]:
        """Move to `status`, setting its timestamp too; returns the fields to save.
        Raises ValueError for a move the machine does not allow."""
        if not self.can_become(status):
            raise ValueError(f"{self.status} -> {status}")
        self.status = status
        fields = ["status", "updated"]
        if status in ORDER_TIMESTAMPS:
            setattr(self, ORDER_TIMESTAMPS[status], timezone.now())
            fields.append(ORDER_TIMESTAMPS[status])
        return fields


_S = Order.Status
# Every legal change of an order's status. Money has its own state beside it
# (Order.payment_state): refunds never move this machine.
ORDER_TRANSITIONS: dict[str, set[str]] = {
    _S.PENDING_PAYMENT: {_S.AWAITING_PAYMENT, _S.PAID, _S.CANCELLED, _S.EXPIRED},
    _S.AWAITING_PAYMENT: {_S.PAID, _S.CANCELLED},
    _S.PAID: {_S.PROCESSING, _S.CANCELLED},
    _S.PAID_OUT_OF_STOCK: {_S.PAID, _S.CANCELLED},
    _S.PROCESSING: {_S.SHIPPED, _S.CANCELLED},
    _S.SHIPPED: {_S.DELIVERED},
    _S.DELIVERED: set(),
    # A payment that completes after its hold was released is still accepted:
    # a charged shopper always has an order (see order_payment_succeeded).
    _S.CANCELLED: {_S.PAID, _S.PAID_OUT_OF_STOCK},
    _S.EXPIRED: {_S.PAID, _S.PAID_OUT_OF_STOCK},
}
ORDER_TIMESTAMPS = {_S.PAID: "paid_at", _S.SHIPPED: "shipped_at", _S.DELIVERED: "delivered_at",
                    _S.CANCELLED: "cancelled_at"}


class OrderLine(models.Model):
    """A snapshot of what was bought: later catalog edits never change it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "storefront.Variant", null=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    product_name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=120, blank=True)
    sku = models.CharField("SKU", max_length=64)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2, help_text="Unit price × quantity.")
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0,
                                          help_text="This line's share of the order's discount.")
    tax_rate = models.DecimalField(max_digits=6, decimal_places=3, default=0, help_text="Percent.")
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} {self.variant_label}".strip()


class OrderEvent(models.Model):
    """The order's history: status changes, refunds, emails and staff notes, with who and when."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        REFUND = "refund", "Refund"
        EMAIL = "email", "Email"
        NOTE = "note", "Internal note"
        REVIEW = "review", "Needs review"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STATUS)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    created = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=120, default="system")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return Order.Status(self.to_status).label if self.to_status in Order.Status.values else self.to_status


class Payment(models.Model):
    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        DEMO = "demo", "Demo (no money moves)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"
        MISMATCH = "mismatch", "Amount or currency mismatch"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    session_id = models.CharField(max_length=255, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    amount_received = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency_received = models.CharField(max_length=3, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.session_id}"


class Refund(models.Model):
    """Money given back, through Stripe (by staff here, or in Stripe's dashboard) or in demo mode."""

    class Source(models.TextChoices):
        STAFF = "staff", "Staff, in the shop's admin"
        STRIPE = "stripe", "Stripe dashboard"
        AUTOMATIC = "automatic", "Automatic"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    provider_refund_id = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STAFF)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.amount} on {self.order}"
