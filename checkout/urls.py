from django.urls import path

from checkout import views

app_name = "checkout"

urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:variant_id>/update/", views.cart_update, name="cart_update"),
    path("cart/lines/<int:variant_id>/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/success/", views.checkout_success, name="success"),
    path("checkout/cancel/<str:number>/<str:token>/", views.checkout_cancel, name="cancel"),
    path("checkout/demo/<str:session_id>/", views.demo_pay, name="demo_pay"),
    path("checkout/demo/<str:session_id>/done/", views.demo_success, name="success_demo"),
    path("orders/track/", views.order_track, name="track"),
    path("orders/<str:number>/<str:token>/", views.order_detail, name="order"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
