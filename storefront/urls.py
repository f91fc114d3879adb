from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from storefront import views
from storefront.sitemaps import SITEMAPS

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("p/<slug:slug>/review/", views.review, name="review"),
    path("p/<slug:slug>/notify/", views.stock_alert, name="stock_alert"),
    path("alerts/confirm/<str:token>/", views.stock_alert_confirm, name="stock_alert_confirm"),
    path("alerts/unsubscribe/<str:token>/", views.stock_alert_unsubscribe, name="stock_alert_unsubscribe"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("wishlist/<int:product_id>/toggle/", views.wishlist_toggle, name="wishlist_toggle"),
]

# Site-wide files at fixed addresses (included from shop/urls.py without a namespace).
seo_urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        cache_page(60 * 60)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(60 * 60)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
