"""What every page's header and footer show and staff rarely change (the category tree, the policy-page links):
a copy kept in each process, used only while a small version number in the cache says it is still current.

A request reads the version numbers of all of them once, in one round trip (`versions`), instead of reading and
unpickling each whole value. A change (storefront.signals) sets a new version now and again once its transaction
commits, so a copy built from the rows as they were before the commit can never match; the version is read before
the rows or the cached value, so a copy labelled with the newest version was built after the change. The value is
also kept in the cache under its version, for the other processes. A copy is used for an hour at most after it was
built: a change whose transaction rolls back sets no new version after it, and what was read in that transaction
(in its own process) must not outlive the hour the cached value used to live. With the cache down every read is a
miss: the value is built from the database each time and no copy is kept (nothing could say when it went stale).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

CACHE_SECONDS = 60 * 60

_copies: dict[str, ProcessCopy] = {}


class ProcessCopy:
    """A value built by `build` from the database, kept in this process and in the cache under a version."""

    def __init__(self, name: str, build: Callable[[], Any]) -> None:
        self.key = f"storefront:{name}:v3"
        self.version_key = f"storefront:{name}:version"
        self.build = build
        self._kept: tuple[Any, float, Any] | None = None  # (version, when it was built, value)
        _copies[self.version_key] = self

    def get(self) -> Any:
        version = versions(self.version_key).get(self.version_key)
        if version is None:  # the cache is down
            return self.build()
        now = time.time()
        kept = self._kept
        if kept is not None and kept[0] == version and now - kept[1] < CACHE_SECONDS:
            return kept[2]
        entry = _cache_get(self.key)
        if entry is None or entry[0] != version or not now - entry[1] < CACHE_SECONDS:
            entry = (version, now, self.build())
            _cache_set(self.key, entry)
        self._kept = entry
        return entry[2]

    def forget(self) -> None:
        """The rows changed: every process's copy is stale, now and once the current transaction commits."""
        _this_request.versions = None
        write = self._new_version
        write()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(write)

    def forget_this_process(self) -> None:
        """This process's copy, dropped (what another process sees when it reads the version)."""
        self._kept = None

    def _new_version(self) -> None:
        # A new unique value rather than INCR, as for the catalog version: a lost or evicted version key can never
        # make an old copy match again.
        try:
            cache.set(self.version_key, time.time_ns(), timeout=None)
        except Exception:  # the cache fails open
            pass


# Within a request the versions are read once (a category page needs the tree for the filter, the list and the
# header): kept here from request_started to request_finished, and never outside a request.
_this_request = threading.local()


def _request_begins(**kwargs) -> None:
    _this_request.versions = None
    _this_request.active = True


def _request_ends(**kwargs) -> None:
    _this_request.versions = None
    _this_request.active = False


request_started.connect(_request_begins, dispatch_uid="storefront-process-copy-begins")
request_finished.connect(_request_ends, dispatch_uid="storefront-process-copy-ends")


def versions(needed: str) -> dict[str, Any]:
    """The current version of every process copy, read in one round trip (once per request, unless `needed` was
    not known then); a version that is missing (evicted, or never set) is set first. None when the cache is down."""
    found = getattr(_this_request, "versions", None)
    if found is not None and needed in found:
        return found
    keys = list(_copies)
    found = _cache_get_many(keys)
    unsure = []
    for key in keys:
        if key not in found:
            version = time.time_ns()
            if _cache_add(key, version):
                found[key] = version
            else:  # another process's add won, or the cache is down
                unsure.append(key)
    if unsure:
        found |= _cache_get_many(unsure)
    found = {key: found.get(key) for key in keys}
    if getattr(_this_request, "active", False):
        _this_request.versions = found
    return found


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache fails open: a broken Redis never breaks a page
        return None


def _cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        return {}


def _cache_add(key: str, value) -> bool:
    try:
        return cache.add(key, value, timeout=None)
    except Exception:
        return False


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:
        pass
