"""Races with real threads and real database connections.

On PostgreSQL (the production database) this is the test that matters; it also
runs on SQLite, where the write lock serialises checkouts.
"""

import threading

import pytest
from django.db import connections

from checkout.errors import CheckoutError
from checkout.models import Order
from checkout.services.orders import order_place
from tests import factories


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        except CheckoutError as exc:
            results.append(exc)
        except Exception as exc:  # anything else is a bug
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_twenty_shoppers_race_for_the_last_five_units(attempt):
    variant = factories.variant(stock=5)

    def buy(i):
        return order_place(
            cart=factories.cart_with((variant, 1)), details=factories.details(email=f"s{i}@example.com"),
            checkout_token=f"{attempt:02d}{i:030d}",
        )

    results, errors = _in_threads(20, buy)
    assert errors == []
    orders = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(orders) == 5
    assert len(refused) == 15
    assert all("sold out" in r.message for r in refused)
    variant.refresh_from_db()
    assert variant.stock == 0
    assert Order.objects.filter(stock_held=True).count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_from_many_threads_places_one_order():
    variant = factories.variant(stock=50)
    cart = factories.cart_with((variant, 2))

    def submit(i):
        return order_place(cart=cart, details=factories.details(), checkout_token="c" * 32)

    results, errors = _in_threads(8, submit)
    assert errors == []
    assert {r.pk for r in results} == {Order.objects.get().pk}
    variant.refresh_from_db()
    assert variant.stock == 48

