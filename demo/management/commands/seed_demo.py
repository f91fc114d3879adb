"""Load the Northwind Goods demo catalog.

    python manage.py seed_demo [--products N] [--quiet]

Idempotent: categories are keyed on their slug, products on their slug and
variants on their SKU. Rows that already exist are left exactly as they are
(a second run only reads two columns and writes nothing), so the command is
safe to run on every `make run` or review-app deploy.

The catalog is built from curated word lists with a fixed seed
(``random.Random(42)``), so every machine gets the same products, SKUs, prices
and pictures. Product *i* does not depend on N, so ``--products 300`` after the
default run adds 252 products instead of clashing with the first 48.

Pictures are flat illustrations drawn locally with Pillow (no downloads, no
fonts). The first 48 products get their own one or two pictures; products after
that share a pool with one picture per (kind, colour), so 10,000 products need
only about a hundred files. Files already on disk under MEDIA_ROOT/products/
are reused, never redrawn.

With DEBUG on, a superuser admin / admin is created for the admin site (with a
user model that signs in by email, the login is admin@example.com).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.catalog import build_catalog
from demo.data import CATEGORIES
from demo.loading import categories_load, products_load
from demo.pages import pages_load
from demo.pricing import pricing_load
from demo.users import admin_ensure

DEFAULT_PRODUCTS = 48


class Command(BaseCommand):
    help = "Load the Northwind Goods demo catalog (idempotent; safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS,
                            help=f"How many demo products to ensure (default {DEFAULT_PRODUCTS}).")
        parser.add_argument("--quiet", action="store_true", help="Print nothing unless something fails.")

    def handle(self, *args, products: int, quiet: bool, **options):
        if products < 0:
            raise CommandError("--products must be 0 or more.")
        talk = not quiet and options.get("verbosity", 1) > 0
        started = time.monotonic()
        catalog = build_catalog(products)
        with transaction.atomic():
            categories_new, category_ids = categories_load()
            stats = products_load(catalog, category_ids)
            money = pricing_load()
            pages_new = pages_load()  # after pricing: the shipping page quotes the shipping methods
        admin_line = admin_ensure()
        if talk:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"Demo catalog: {stats['products_new']} products created, "
                f"{stats['products_present']} already present; "
                f"{categories_new} categories created, {len(CATEGORIES) - categories_new} already present; "
                f"{stats['variants_new']} variants and {stats['images_new']} images added "
                f"({stats['files_new']} image files written), {stats.get('reviews_new', 0)} reviews "
                f"in {elapsed:.1f}s."
            )
            if any(money.values()):
                self.stdout.write(
                    f"Demo pricing: {money['zones']} shipping zones, {money['methods']} methods, "
                    f"{money['tax_rates']} tax rate, {money['sales']} sale prices and {money['codes']} discount "
                    "code (WELCOME10: 10 % off) created."
                )
            if pages_new:
                self.stdout.write(f"Policy pages: {pages_new} created (returns, shipping, privacy, terms, contact).")
            self.stdout.write(admin_line)
