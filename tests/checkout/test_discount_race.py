"""The raced last use of a limited discount code, with real threads and real connections on PostgreSQL
(the production database): exactly one order gets it, and a released hold gives it back.

Skipped on SQLite, whose single write lock would line the two checkouts up before they could race;
run it with DATABASE_URL=postgres://… (`make test-postgres`)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from checkout.errors import CheckoutError
from checkout.models import Order
from checkout.services.orders import order_place
from checkout.services.payments import orders_release_expired_holds
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL (DATABASE_URL=postgres://…)"),
]


def _at_once(*targets):
    """Run the targets in threads released together; returns their results (an Order or a CheckoutError)."""
    barrier = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(i, target):
        try:
            barrier.wait(timeout=30)
            results[i] = target()
        except CheckoutError as refused:
            results[i] = refused
        except Exception as exc:  # anything else is a bug
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, target)) for i, target in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors
    return results


def _checkout(mug, email, token):
    return lambda: order_place(cart=factories.cart_with((mug, 1)), checkout_token=token,
                               details=factories.details(email=email, code="last"))


@pytest.mark.parametrize("attempt", range(3))
def test_the_raced_last_use_of_a_code_goes_to_one_order_and_comes_back_when_its_hold_expires(attempt):
    mug = factories.variant(stock=10, price="20.00")
    code = factories.discount_code(code="LAST", usage_limit=1)

    results = _at_once(_checkout(mug, "ada@example.com", f"{attempt}a".ljust(32, "0")),
                       _checkout(mug, "grace@example.com", f"{attempt}b".ljust(32, "0")))

    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, CheckoutError)]
    assert len(won) == 1
    assert len(lost) == 1
    assert "“LAST” has" in lost[0].message and "used up" in lost[0].message
    assert list(Order.objects.values_list("discount_code_text", flat=True)) == ["LAST"]
    code.refresh_from_db()
    assert code.times_used == 1
    mug.refresh_from_db()
    assert mug.stock == 9  # the refused checkout held nothing

    Order.objects.filter(pk=won[0].pk).update(hold_expires_at=timezone.now() - timedelta(hours=1))
    assert orders_release_expired_holds() == 1
    code.refresh_from_db()
    assert code.times_used == 0

    third = _checkout(mug, "katherine@example.com", f"{attempt}c".ljust(32, "0"))()
    assert third.discount_code_text == "LAST"
    code.refresh_from_db()
    assert code.times_used == 1
