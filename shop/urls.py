from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from shop import views
from storefront.urls import seo_urlpatterns

admin.site.site_header = f"{settings.SHOP_NAME} back office"
admin.site.site_title = settings.SHOP_NAME
# No app list down the left of every admin page: at 1280 px it took a quarter of the width, and the order
# list lost its Status, Payment state, Total and Needs review columns. The index and breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False
# Staff sign in through allauth, so the admin login shares its rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("health/detailed/", views.health_detailed, name="health_detailed"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("checkout.urls")),
    path("", include("storefront.urls")),
    path("", include(seo_urlpatterns)),  # robots.txt, sitemap.xml
    # Uploaded product images. Fine for one dyno; put MEDIA on object storage to scale out.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
