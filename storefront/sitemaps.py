"""sitemap.xml: the home page, every category, every product on sale and the policy pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from storefront.catalog import sitemap_products
from storefront.models import Category, Page


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["storefront:home"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Category.objects.only("slug").order_by("id")


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10_000  # per sitemap page; sitemap.xml is an index when there are more

    def items(self):
        return sitemap_products()

    def lastmod(self, item):
        return item.updated


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Page.objects.only("slug", "updated").order_by("id")

    def lastmod(self, item):
        return item.updated


SITEMAPS = {"home": HomeSitemap, "categories": CategorySitemap, "products": ProductSitemap, "pages": PageSitemap}
