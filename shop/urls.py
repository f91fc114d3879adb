from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from shop import views

admin.site.site_header = f"{settings.SHOP_NAME} back office"
admin.site.site_title = settings.SHOP_NAME

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("", include("checkout.urls")),
    path("", include("storefront.urls")),
    # Uploaded product images. Fine for one dyno; put MEDIA on object storage to scale out.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
