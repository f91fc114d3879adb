from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("storefront:category", kwargs={"slug": self.slug})


class ProductQuerySet(models.QuerySet):
    def visible(self) -> "ProductQuerySet":
        return self.filter(active=True)


class TaxClass(models.TextChoices):
    """Which of a country's tax rates applies to a product (checkout's TaxRate has one per class)."""

    STANDARD = "standard", "Standard"
    REDUCED = "reduced", "Reduced"
    ZERO = "zero", "Zero-rated"


# What list pages show (storefront.catalog.visible_products): the condition of their partial indexes.
LISTED = models.Q(active=True, price_from__isnull=False)


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    active = models.BooleanField(default=True, help_text="Inactive products are hidden from the shop.")
    featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    tax_class = models.CharField(max_length=10, choices=TaxClass.choices, default=TaxClass.STANDARD,
                                 help_text="Which tax rate applies (e.g. books and food are often reduced).")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    # Kept by storefront.reviews.review_save / review_set_hidden (never edited by hand):
    # the average and count of visible reviews, for cards, sorting and the rating filter.
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    # Kept by storefront.listing_data.product_listing_refresh (never edited by hand), so that list
    # pages filter, sort and count on this table alone: the lowest price of the active variants
    # (the card's "From" price; null when there is none, and then the product is not listed),
    # and whether an active variant has stock.
    price_from = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    in_stock = models.BooleanField(default=False, editable=False)
    # On PostgreSQL the table also has a generated `search_document` tsvector and a
    # normalised `search_name` (see migration 0002); Django does not map them.

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        # List pages read the listed products (active, with a price_from) of a few categories. The
        # first two columns serve a sort (newest first, by price); the trailing ones are there so that
        # the filters, the facet counts and the rating sort are read from an index alone.
        indexes = [
            models.Index(fields=["category", "-created", "-id", "price_from", "in_stock", "rating_avg"],
                         condition=LISTED, name="product_listed_newest_idx"),
            models.Index(fields=["category", "price_from", "id", "in_stock", "rating_avg", "rating_count"],
                         condition=LISTED, name="product_listed_price_idx"),
            # "More in this category" on the product page (storefront.catalog.related_products).
            models.Index(fields=["category", "-rating_count", "-created"], condition=LISTED,
                         name="product_listed_related_idx"),
            models.Index(fields=["-rating_avg", "-rating_count"], name="product_rating_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("storefront:product", kwargs={"slug": self.slug})


class OptionType(models.Model):
    """A dimension a product varies in, shared across the catalog: Size, Colour, Grind…"""

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OptionValue(models.Model):
    option_type = models.ForeignKey(OptionType, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    swatch = models.CharField(
        "swatch colour", max_length=7, blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits, e.g. #2f5e48.")],
        help_text="Shown as a colour swatch, as #rrggbb (e.g. #2f5e48). Leave blank for a colour option "
                  "named after a common colour (Red, Navy, Sage…) to use that colour.",
    )

    class Meta:
        ordering = ["option_type__position", "position", "value"]
        constraints = [models.UniqueConstraint(fields=["option_type", "value"], name="one_option_value")]

    def __str__(self) -> str:
        return f"{self.option_type.name}: {self.value}"


class Variant(models.Model):
    """The thing a shopper buys: one SKU with its own price and stock, and one
    combination of option values (at most one value per option type)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    label = models.CharField(
        max_length=120, blank=True, help_text='The option as shoppers see it, e.g. "Large / Red".'
    )
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    compare_at_price = models.DecimalField(
        "compare-at price", max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="The price before a sale, shown struck through when it is higher than the price.",
    )
    weight_grams = models.PositiveIntegerField(default=0, help_text="Packed weight, for weight-based shipping.")
    stock = models.PositiveIntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(
        default=3, help_text="Staff are told (dashboard, daily digest) when the stock falls to this or below."
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    option_values = models.ManyToManyField(OptionValue, blank=True, related_name="variants")
    image = models.ForeignKey(
        "ProductImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The picture shown when this variant is chosen (one of the product's images).",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="variant_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.label}" if self.label else self.product.name

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def on_sale(self) -> bool:
        """A compare-at price above the price: cards, the product page and the cart show the saving."""
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def line_limit(self) -> int:
        """The most of this variant one cart line (one order) may hold: the stock, at most the shop's cap."""
        return min(self.stock, settings.SHOP_MAX_LINE_QUANTITY)

    @property
    def purchasable(self) -> bool:
        """The one rule for "can this be bought at all": an active variant of an active product.
        (Whether enough units are left is asked where a quantity is known.)"""
        return self.active and self.product.active


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(max_length=200, help_text="Describe the picture for people who cannot see it.")
    position = models.PositiveIntegerField(default=0)
    # {"240": "products/renditions/x-jpg-240.webp", ...}: made once by
    # storefront.images.image_renditions_make (the worker, after an upload), never on a page view;
    # empty until then, and pages show the original.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt

    @property
    def srcset(self) -> str:
        """`srcset` for <img>: the renditions plus the original, narrowest first."""
        from django.core.files.storage import default_storage

        entries = [(int(w), default_storage.url(name)) for w, name in self.renditions.items()]
        if self.width:
            entries.append((self.width, self.image.url))
        return ", ".join(f"{url} {w}w" for w, url in sorted(set(entries)))

    @property
    def url_for_card(self) -> str:
        return self.url_for(480)

    @property
    def url_for_thumb(self) -> str:
        return self.url_for(240)

    def url_for(self, width: int) -> str:
        """The smallest rendition at least `width` wide, else the original."""
        from django.core.files.storage import default_storage

        fitting = sorted(int(w) for w in self.renditions if int(w) >= width)
        return default_storage.url(self.renditions[str(fitting[0])]) if fitting else self.image.url


class Review(models.Model):
    """One shopper's rating of one product. Written only through storefront.reviews."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=120, blank=True)
    body = models.TextField(max_length=4000, blank=True)
    verified = models.BooleanField("verified purchase", default=False,
                                   help_text="The author had a paid order with this product when writing.")
    hidden = models.BooleanField(default=False, help_text="Hidden reviews are not shown and not counted.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="one_review_per_product_and_user"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["product", "hidden", "-created"], name="review_product_idx")]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.product} by {self.user}"

    @property
    def author_name(self) -> str:
        """First name or the part of the email before @, never the full address."""
        user = self.user
        if getattr(user, "full_name", ""):
            return user.full_name.split()[0]
        return user.email.split("@")[0][:3] + "…"


class WishlistItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="one_wishlist_item")]

    def __str__(self) -> str:
        return f"{self.product} on {self.user}'s wishlist"


class StockAlert(models.Model):
    """A shopper asked "email me when it is back": one row per variant and address, notified once.

    Only a confirmed alert is emailed on restock: a guest confirms through the link in the one
    confirmation email (`confirmation_sent_at`: when it was queued in the outbox); a signed-in shopper
    asking for their own verified address is confirmed at once. Unsubscribing deletes the row.
    """

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_alerts")
    email = models.EmailField()
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["variant", "email"], name="one_alert_per_variant_email")]
        indexes = [models.Index(fields=["variant", "notified_at"], name="stockalert_pending_idx")]

    def __str__(self) -> str:
        return f"{self.email} waits for {self.variant_id}"


class StockMovement(models.Model):
    """A change of stock made by staff: who, when, how much and why. (Sales are in the orders.)"""

    class Reason(models.TextChoices):
        RESTOCK = "restock", "Restock (delivery received)"
        COUNT = "count", "Stock count correction"
        DAMAGED = "damaged", "Damaged or lost"
        RETURNED = "returned", "Customer return"
        INITIAL = "initial", "Initial stock"
        OTHER = "other", "Other"

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_movements")
    change = models.IntegerField()
    stock_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(change=0), name="stockmovement_change_not_zero")]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.change:+d} ({self.get_reason_display()})"


class Page(models.Model):
    """A page about the shop that staff write in the admin: returns, shipping, privacy, terms, contact.

    The body is plain text, so nobody needs HTML (and none can be injected): a blank line starts a
    paragraph, a line starting "## " is a heading, addresses become links (storefront/pages.py).
    """

    slug = models.SlugField(max_length=60, unique=True, help_text="Its address: /pages/<slug>/.")
    title = models.CharField(max_length=120)
    body = models.TextField(help_text=(
        'Plain text. A blank line starts a new paragraph; a line starting with "## " is a heading; '
        "web and email addresses become links."
    ))
    position = models.PositiveIntegerField(default=0, help_text="Order in the footer's links.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "policy page"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("storefront:page", kwargs={"slug": self.slug})
