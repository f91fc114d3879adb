from django.urls import path

from checkout.views import cart, checkout, orders, webhooks

app_name = "checkout"

urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:variant_id>/update/", cart.cart_update, name="cart_update"),
    path("cart/lines/<int:variant_id>/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/code/", cart.cart_code_apply, name="cart_code"),
    path("cart/code/remove/", cart.cart_code_remove, name="cart_code_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/success/", checkout.checkout_success, name="success"),
    path("checkout/cancel/<str:number>/<str:token>/", checkout.checkout_cancel, name="cancel"),
    path("checkout/demo/<str:session_id>/", checkout.demo_pay, name="demo_pay"),
    path("checkout/demo/<str:session_id>/done/", checkout.demo_success, name="success_demo"),
    path("orders/track/", orders.order_track, name="track"),
    path("orders/<str:number>/<str:token>/", orders.order_detail, name="order"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]
