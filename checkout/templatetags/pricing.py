"""`order|figures`: an order's subtotal, discount, shipping, tax and total as rows (checkout.pricing)."""

from django import template

from checkout.pricing import FigureRow, order_figures

register = template.Library()


@register.filter
def figures(order) -> list[FigureRow]:
    return order_figures(order)
