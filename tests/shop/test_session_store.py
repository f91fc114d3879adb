"""shop/sessions.py reads a session row with a fixed statement: it must find exactly what Django's database store
finds (a live key's data; nothing for an expired, unknown, deleted or malformed key) and change nothing else."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def _both(key):
    ours, django = SessionStore(key), DjangoStore(key)
    return (ours.load(), ours.session_key), (django.load(), django.session_key)


def test_a_live_session_reads_as_djangos_store_reads_it():
    key = _saved(cart={"7": 2}, _auth_user_id="3")
    ours, django = _both(key)
    assert ours == django == ({"cart": {"7": 2}, "_auth_user_id": "3"}, key)


def test_expired_unknown_deleted_and_malformed_keys_read_as_nothing_and_drop_the_key():
    expired = _saved(cart={"1": 1})
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    deleted = _saved(cart={"1": 1})
    SessionStore(deleted).delete()  # a sign-out
    for key in (expired, deleted, "x" * 32, "no", None, "' OR 1=1 --" + "a" * 20):
        ours, django = _both(key)
        assert ours == django == ({}, None), key


def test_it_is_one_query_and_saving_stays_djangos():
    key = _saved(cart={"5": 1})
    store = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert store["cart"] == {"5": 1}
    assert len(queries) == 1 and "session_data" in queries[0]["sql"]
    store["cart"] = {"5": 4}
    store.save()
    assert DjangoStore(key).load() == {"cart": {"5": 4}}
    store.cycle_key()  # as at sign-in: a new key, the old row gone
    assert store.session_key != key and DjangoStore(key).load() == {}
    assert SessionStore(store.session_key).load() == {"cart": {"5": 4}}
