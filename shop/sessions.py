"""Sessions in the database, as Django keeps them, read with one fixed statement (SESSION_ENGINE = "shop.sessions").

Every request of a signed-in shopper, or of a guest with a cart, reads their session row; on a page-cache hit it is
the request's one query. Django's store builds that query with the ORM on every read (`Session.objects.get(...)`):
about 0.4 ms of CPU, four times the statement itself (tests/perf/render.py; docs/PERFORMANCE.md §9). This store reads
the same row with the same statement, written once, and changes nothing else: saving, deleting, cycling the key and
clearing expired rows are Django's, so a sign-out is a delete of the row and holds at once (docs/RELIABILITY.md).
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}

    def _session_data_from_db(self) -> str | None:
        """The row's encoded data if the key is live (not expired), as Django's `_get_session_from_db` finds it;
        else None, and the key is dropped (a new session gets a new key)."""
        row = None
        if self.session_key is not None:  # a malformed key was already set to None by SessionBase
            model = self.model
            connection = connections[router.db_for_read(model)]
            with connection.cursor() as cursor:
                cursor.execute(_statement(connection.alias, model._meta.db_table),
                               [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return row[0]


@cache
def _statement(alias: str, table: str) -> str:
    quote = connections[alias].ops.quote_name
    return (f"SELECT {quote('session_data')} FROM {quote(table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s")
