import pytest

from checkout.errors import CheckoutError
from checkout.models import Order, OrderEvent
from checkout.services.history import order_transition

pytestmark = pytest.mark.django_db


# --- The status machine -----------------------------------------------------

ALL = list(Order.Status.values)
LEGAL = {
    ("pending_payment", "awaiting_payment"), ("pending_payment", "paid"),
    ("pending_payment", "cancelled"), ("pending_payment", "expired"),
    ("awaiting_payment", "paid"), ("awaiting_payment", "cancelled"),
    ("paid", "processing"), ("paid", "cancelled"),
    ("paid_out_of_stock", "paid"), ("paid_out_of_stock", "cancelled"),
    ("processing", "shipped"), ("processing", "cancelled"),
    ("shipped", "delivered"),
    ("cancelled", "paid"), ("cancelled", "paid_out_of_stock"),
    ("expired", "paid"), ("expired", "paid_out_of_stock"),
}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", list(Order.Status.values))
def test_transition_table(source, target):
    order = Order.objects.create(
        email="a@example.com", full_name="A", address_line1="x", city="y", postal_code="z", country="US", state="US-NY",
        currency="usd", subtotal=1, total=1, status=source,
    )
    if (source, target) in LEGAL:
        order_transition(order=order, to=target, actor_label="test")
        assert order.status == target
        assert OrderEvent.objects.filter(order=order, to_status=target).exists()
    else:
        with pytest.raises(CheckoutError, match="cannot go from"):
            order_transition(order=order, to=target)
        assert not OrderEvent.objects.exists()


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", list(Order.Status.values))
def test_the_model_answers_what_it_may_become(source, target):
    order = Order(status=source)
    assert order.can_become(target) == ((source, target) in LEGAL)


def test_a_transition_sets_its_timestamp_and_names_the_fields_to_save():
    order = Order(status=Order.Status.PROCESSING)
    assert order.transition_to(Order.Status.SHIPPED) == ["status", "updated", "shipped_at"]
    assert order.shipped_at is not None
    with pytest.raises(ValueError):
        order.transition_to(Order.Status.PENDING_PAYMENT)
