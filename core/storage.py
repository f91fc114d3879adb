"""The media storage for an S3-API bucket (AWS S3, Cloudflare R2, MinIO…): django-storages' S3Storage,
with links made without botocore.

Every picture on a page is a link (a card has its original and renditions in `srcset`): S3Storage builds
each one through botocore's request machinery, about 0.3 ms apiece, a hundred on a listing page. For the
plain, unsigned links the shop uses, a link is always the bucket's address followed by the quoted key,
so the address is worked out once, from botocore, and reused.
"""

from functools import cached_property
from urllib.parse import quote

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_PROBE = "probe"


class BucketStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        if parameters or http_method or self.querystring_auth or self.custom_domain:
            return super().url(name, parameters, expire, http_method)
        # botocore quotes a key keeping "/" and "~" (and uploads' names are letters, digits, "-_.").
        return self._address + quote(self._normalize_name(clean_name(name)), safe="/~")

    @cached_property
    def _address(self) -> str:
        key = self._normalize_name(_PROBE)
        url = super().url(_PROBE)
        if not url.endswith(key):
            raise ValueError(f"Unexpected link for {key!r} from botocore: {url}")
        return url[: -len(key)]
