from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from core.addresses import PostalAddress


class UserManager(BaseUserManager):
    """Users are known by their email address; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class Address(models.Model):
    """An entry in a shopper's address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=200)
    address_line1 = models.CharField("address", max_length=200)
    address_line2 = models.CharField("apartment, suite, etc.", max_length=200, blank=True)
    city = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    state = models.CharField("state or province", max_length=10, blank=True, help_text="ISO 3166-2, e.g. US-CA.")
    phone = models.CharField(max_length=40, blank=True)
    is_default = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created", "-id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="one_default_address_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.address_line1}, {self.city}"

    def lines(self) -> list[str]:
        return PostalAddress.of(self).lines()
