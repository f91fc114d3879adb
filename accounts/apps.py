from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # Not "Accounts": that is allauth's app (email addresses), and the admin index would show two.
    verbose_name = "Customers and staff"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (sign-in merge, guest-order claim)
