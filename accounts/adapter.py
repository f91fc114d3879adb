from allauth.account.adapter import DefaultAccountAdapter

from core.http import rate_limit_store_available


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        # allauth counts failed sign-ins in the cache. If the rate-limit store is
        # down, sign-in is refused rather than left unlimited (fail safe).
        if not rate_limit_store_available():
            raise self.validation_error("too_many_login_attempts")
        return super().pre_authenticate(request, **credentials)
