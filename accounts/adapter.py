from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from checkout.models import OutboxEmail
from checkout.services.outbox import email_queue_message
from core.http import absolute_url, rate_limit_store_available

# Each allauth email's one action, shown as a button in the HTML version: (the context's link, its label).
EMAIL_ACTIONS = {
    "account/email/email_confirmation": ("activate_url", "Confirm your email"),
    "account/email/email_confirmation_signup": ("activate_url", "Confirm your email"),
    "account/email/password_reset_key": ("password_reset_url", "Choose a new password"),
    "account/email/unknown_account": ("signup_url", "Create an account"),
    "account/email/account_already_exists": ("password_reset_url", "Choose a new password"),
}


def _on_shop_address(url: str) -> str:
    """An absolute link allauth built from the request, moved onto the shop's public address
    (SHOP_BASE_URL), as every other email's links are."""
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        # allauth counts failed sign-ins in the cache. If the rate-limit store is
        # down, sign-in is refused rather than left unlimited (fail safe).
        if not rate_limit_store_available():
            raise self.validation_error("too_many_login_attempts")
        return super().pre_authenticate(request, **credentials)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails in the shop's voice and look, sent through the outbox like every customer email:
        written now, sent after the request's transaction commits, retried and swept if the queue is down."""
        links = {
            key: _on_shop_address(value) for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://"))
        }
        context = context | links | {
            "email": email,
            "shop_name": settings.SHOP_NAME,
            "shop_url": absolute_url("/"),
        }
        context.setdefault("password_reset_url", absolute_url(reverse("account_reset_password")))
        message = self.render_mail(template_prefix, email, context)
        text, html = message.body, self._html_body(message)
        if not html:
            link, label = EMAIL_ACTIONS.get(template_prefix, ("", ""))
            html = render_to_string("emails/account.html", context | {
                "subject": message.subject, "text": text, "action_url": context.get(link), "action_label": label,
            })
        email_queue_message(kind=OutboxEmail.Kind.ACCOUNT, to=email, subject=message.subject, text=text, html=html)

    @staticmethod
    def _html_body(message) -> str:
        if isinstance(message, EmailMultiAlternatives):
            for alternative in message.alternatives:
                if alternative.mimetype == "text/html":
                    return alternative.content
        return ""
