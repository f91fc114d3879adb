"""The demo admin: a superuser admin@example.com / admin, only with DEBUG on."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.http import absolute_url

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin"


def admin_ensure() -> str:
    if not settings.DEBUG:
        return ("DEBUG is off: no demo admin user was created "
                "(use `python manage.py createsuperuser` for a real one).")
    url = absolute_url(reverse("admin:index"))  # where `make run` serves (SHOP_BASE_URL)
    User = get_user_model()
    login = ADMIN_EMAIL  # users sign in by email (accounts.User has no username)
    user = User._default_manager.filter(email=login).first()
    created = user is None
    if created:
        user = User._default_manager.create_superuser(email=login, password=ADMIN_PASSWORD)
    elif not (user.is_staff and user.is_superuser and user.is_active):
        user.is_staff = user.is_superuser = user.is_active = True
        user.save(update_fields=["is_staff", "is_superuser", "is_active"])
    # Sign-in goes through allauth, which wants a verified address.
    EmailAddress.objects.update_or_create(
        user=user, email=login, defaults={"verified": True, "primary": True}
    )
    if created:
        return f"Admin: {url} — user {login}, password {ADMIN_PASSWORD}"
    return (f"Admin: {url} — user {login}, password {ADMIN_PASSWORD} "
            "(the account already existed; its password was left unchanged)")
