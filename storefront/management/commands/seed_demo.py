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

import functools
import io
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from django.apps import apps

from storefront.images import renditions_for_file
from storefront.models import Category, OptionType, OptionValue, Product, ProductImage, Review, Variant
from storefront.reviews import product_ratings_refresh

SEED = 42
DEFAULT_PRODUCTS = 48
CURATED = 48  # products 0..47 get their own pictures; later ones share the pool
FEATURED = 8  # featured products, all among the curated ones
SOLD_OUT = 4  # curated products with every variant at stock 0
LATER_SOLD_OUT_RATE = 0.05  # share of sold-out products after the curated ones
SPREAD_DAYS = 90  # `created` is spread over this many days back from now
BATCH_SIZE = 500
IMAGE_SIZE = 800
SUPERSAMPLE = 2  # draw at 2x, then downsample: smooth edges without antialiasing support
JPEG_QUALITY = 82

CUSTOMERS = 400  # demo customers who bought things and reviewed them
CUSTOMER_NAMES = ["Maya", "Tom", "Priya", "Jonas", "Aisha", "Liam", "Sofia", "Kenji", "Elena", "Omar",
                  "Grace", "Mateo", "Hannah", "Ravi", "Chloe", "Felix", "Nia", "Oskar", "Leila", "Sam"]
REVIEW_TEXT = {
    5: [("Love it", "Exactly as pictured and beautifully made. I use it every day."),
        ("Worth every penny", "Solid, well finished and it arrived quickly. Already ordered another as a gift."),
        ("Perfect", "Better than I expected. The quality is obvious the moment you pick it up."),
        ("Great quality", "Feels like it will last for years. Lovely colour too.")],
    4: [("Very good", "Really nice, just slightly smaller than I imagined. Would buy again."),
        ("Happy with it", "Good quality and well packed. Took a few days longer to arrive than expected."),
        ("Nice piece", "Does the job well and looks good doing it. Colour is a touch darker in person.")],
    3: [("It's fine", "Decent, but nothing special for the price."),
        ("Okay", "Works as described. The finish could be better in places.")],
    2: [("Not for me", "Smaller than it looks in the photos and the colour was off."),
        ("Disappointed", "Arrived with a small mark. Customer service were helpful though.")],
    1: [("Returned it", "Did not match the description, so I sent it back. The refund was quick."),
        ("Poor", "Broke within a week of normal use.")],
}

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin"

# --------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------

# (slug, name, parent slug, description); list order is menu order.
CATEGORIES = [
    ("kitchen", "Kitchen", None,
     "Stoneware, linen and wood for cooking, pouring and setting the table."),
    ("home", "Home", None,
     "Candles, cushions, throws and vases for calm, lived-in rooms."),
    ("apparel", "Apparel", None,
     "Everyday clothes and accessories in organic cotton and wool."),
    ("t-shirts", "T-shirts", "apparel",
     "Heavyweight and organic cotton tees, garment-dyed in small batches."),
    ("hoodies", "Hoodies", "apparel",
     "Brushed-back fleece and loopback hoodies made to last for years."),
    ("stationery", "Stationery", None,
     "Notebooks, pens and cards for desks, bags and long to-do lists."),
    ("notebooks", "Notebooks", "stationery",
     "Dot grid, lined and plain notebooks on fountain-pen-friendly paper."),
    ("outdoors", "Outdoors", None,
     "Tents, lanterns, bottles and packs for weekends away and long walks."),
    ("tea-coffee", "Tea & Coffee", None,
     "Loose leaf tea, small-batch coffee and the things to brew them in."),
    ("tea", "Tea", "tea-coffee",
     "Loose leaf blends from small estates, packed fresh in resealable tins."),
    ("coffee", "Coffee", "tea-coffee",
     "Single-origin beans roasted every week, plus drippers to brew them."),
]

# SKU prefix per top-level category.
GROUP_CODES = {
    "kitchen": "KIT", "home": "HOM", "apparel": "APP",
    "stationery": "STA", "outdoors": "OUT", "tea-coffee": "TCF",
}

# --------------------------------------------------------------------------
# Colours: each names a product colour and the picture's whole palette
# --------------------------------------------------------------------------

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    code: str  # for SKUs and file names
    obj: RGB  # the product itself
    desc: str  # the product's colour in words, for alt text and descriptions
    bg_top: RGB
    bg_bottom: RGB
    bg_desc: str
    accent: RGB
    accent_desc: str


def _hex(value: str) -> RGB:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _pal(code, obj, desc, top, bottom, bg_desc, accent, accent_desc) -> Palette:
    return Palette(code, _hex(obj), desc, _hex(top), _hex(bottom), bg_desc, _hex(accent), accent_desc)


PALETTES: dict[str, Palette] = {
    "Sea Salt": _pal("SEA", "7ea5b4", "sea-salt blue", "f3f1ea", "dfe7e6", "pale mist", "e8c8a0", "sand"),
    "Charcoal": _pal("CHR", "3d4148", "charcoal grey", "f4efe8", "ddd4c8", "warm stone", "d9825c", "terracotta"),
    "Oat": _pal("OAT", "d8c4a6", "oatmeal", "e6ede8", "c6d4cb", "soft sage", "f2e6d2", "cream"),
    "Forest": _pal("FOR", "2f5e48", "forest green", "f5f0e6", "e2d8c4", "cream", "e9b872", "honey"),
    "Terracotta": _pal("TER", "c4684a", "terracotta", "f7eee6", "ecd4c3", "peach", "f3d9a4", "butter"),
    "Midnight": _pal("MID", "222d50", "midnight blue", "edf1f7", "c9d4e8", "pale blue", "f0c96a", "golden"),
    "Sage": _pal("SAG", "8fa684", "sage green", "f6f2ea", "e4ddcf", "linen", "e7b9a0", "apricot"),
    "Mustard": _pal("MUS", "d6a434", "mustard yellow", "eef1f5", "d3dbe6", "cool grey", "7ea5b4", "blue"),
    "Blush": _pal("BLU", "e2a0a0", "blush pink", "f5f2ee", "e4dcd4", "pale sand", "8fa684", "sage"),
    "Slate": _pal("SLA", "5c6e80", "slate blue-grey", "f6f0e9", "e7d9ca", "warm sand", "e3a06b", "apricot"),
    "Rust": _pal("RUS", "b2542e", "rust orange", "ecf2ef", "cddcd6", "seafoam", "f1d08a", "straw"),
    "Ink": _pal("INK", "284278", "ink blue", "f7f0e4", "ebd9bd", "parchment", "e07a5f", "coral"),
    "Moss": _pal("MOS", "68783c", "moss green", "f3eff5", "ddd3e2", "lavender", "f2c078", "amber"),
    "Plum": _pal("PLU", "6e385a", "plum", "f6efe9", "e8d6c9", "blush", "e9b872", "honey"),
    "Cloud": _pal("CLO", "eceae4", "off-white", "dde5ec", "aebfcf", "dusty blue", "f3d9a4", "butter"),
    "Black": _pal("BLK", "1f2024", "black", "f3eee6", "ddd2c2", "oat", "d9825c", "terracotta"),
    "Sand": _pal("SND", "d9bf94", "sand", "e9eef0", "c5d2d8", "pale slate", "2f5e48", "green"),
    "Oak": _pal("OAK", "c4a06e", "light oak", "eef2ee", "d0dcd3", "pale green", "f3d9a4", "lemon"),
    "Walnut": _pal("WAL", "6e4c34", "dark walnut", "f6f0e6", "e6d7c0", "cream", "e9b872", "honey"),
    "Olive Wood": _pal("OLW", "aa8c60", "olive-wood", "eff1f4", "d6dce6", "cool grey", "8fa684", "olive"),
    "Maple": _pal("MAP", "dec496", "pale maple", "e8eef2", "c3d2dd", "soft blue", "c4684a", "tomato"),
    "Clear": _pal("CLR", "c8dce1", "clear glass", "f4efe8", "e0d6c9", "warm stone", "7ea5b4", "blue"),
    "Amber": _pal("AMB", "c8823a", "amber glass", "eef2f4", "d2dce2", "pale grey", "e8c8a0", "sand"),
    "Smoke": _pal("SMK", "78787d", "smoked glass", "f5f0e8", "e3d8c8", "linen", "e9b872", "honey"),
    "Sea Glass": _pal("SGL", "96c8b9", "sea-glass green", "f6f1ea", "e6dccd", "pale sand", "e2a0a0", "pink"),
    "Kraft": _pal("KRF", "c4a076", "kraft paper", "eef2ee", "cfdcd3", "pale green", "b2542e", "rust"),
}


def shade(c: RGB, f: float) -> RGB:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore[return-value]


def tint(c: RGB, f: float) -> RGB:
    return tuple(int(v + (255 - v) * f) for v in c)  # type: ignore[return-value]


def mix(a: RGB, b: RGB, f: float) -> RGB:
    return tuple(int(x + (y - x) * f) for x, y in zip(a, b))  # type: ignore[return-value]


def luminance(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


CREAM: RGB = (247, 241, 229)
BROWN: RGB = (92, 60, 40)
FLAME: RGB = (246, 168, 58)
FLAME_CORE: RGB = (255, 226, 140)
LEAF: RGB = (110, 146, 96)
LEAF_DARK: RGB = (72, 110, 70)
METAL: RGB = (206, 190, 150)

# --------------------------------------------------------------------------
# Drawing: a unit square (0..1) scaled onto a supersampled canvas
# --------------------------------------------------------------------------


class Canvas:
    def __init__(self, img: Image.Image, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0, view: int = 1):
        self.img = img
        self.draw = ImageDraw.Draw(img, "RGBA")
        self.size = img.size[0]
        self.scale, self.dx, self.dy = scale, dx, dy
        self.view = view

    def p(self, x: float, y: float) -> tuple[float, float]:
        s = self.size
        return ((0.5 + (x - 0.5) * self.scale + self.dx) * s, (0.5 + (y - 0.5) * self.scale + self.dy) * s)

    def w(self, width: float) -> int:
        return max(1, round(width * self.scale * self.size))

    def box(self, x0, y0, x1, y1):
        (a, b), (c, d) = self.p(x0, y0), self.p(x1, y1)
        return [a, b, c, d]

    def poly(self, pts, fill):
        self.draw.polygon([self.p(x, y) for x, y in pts], fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0.0):
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline,
                          width=self.w(width) if outline else 0)

    def circle(self, cx, cy, r, fill):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=fill)

    def rect(self, x0, y0, x1, y1, fill):
        self.draw.rectangle(self.box(x0, y0, x1, y1), fill=fill)

    def rrect(self, x0, y0, x1, y1, r, fill):
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=self.w(r), fill=fill)

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self.box(x0, y0, x1, y1), start, end, fill=fill)

    def arc(self, x0, y0, x1, y1, start, end, fill, width):
        self.draw.arc(self.box(x0, y0, x1, y1), start, end, fill=fill, width=self.w(width))

    def line(self, pts, fill, width):
        self.draw.line([self.p(x, y) for x, y in pts], fill=fill, width=self.w(width), joint="curve")


def smooth(pts, rounds: int = 3):
    """Chaikin corner cutting: turns a rough closed polygon into a soft outline."""
    for _ in range(rounds):
        out = []
        for i, (ax, ay) in enumerate(pts):
            bx, by = pts[(i + 1) % len(pts)]
            out.append((0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by))
            out.append((0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by))
        pts = out
    return pts


def leaf(bx, by, length, width, angle, taper=0.3, n=14):
    """A leaf (or flame) from its base, pointing `angle` degrees clockwise from up."""
    a = math.radians(angle)
    ux, uy = math.sin(a), -math.cos(a)
    px, py = -uy, ux
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        half = width * math.sin(math.pi * t) ** 0.8 * (1 - taper * t)
        cx, cy = bx + ux * length * t, by + uy * length * t
        left.append((cx + px * half, cy + py * half))
        right.append((cx - px * half, cy - py * half))
    return left + right[::-1]


def flame(c: Canvas, cx, base_y, height):
    c.poly(leaf(cx, base_y, height, height * 0.32, 0, taper=0.55), FLAME)
    c.poly(leaf(cx, base_y - height * 0.05, height * 0.55, height * 0.16, 0, taper=0.55), FLAME_CORE)


def glow(c: Canvas, cx, cy, r):
    for k, alpha in ((1.0, 28), (0.72, 34), (0.48, 44)):
        c.circle(cx, cy, r * k, FLAME + (alpha,))


# Each shape draws one product in roughly x 0.2..0.8, y 0.15..0.78 (0.78 = the floor).

def draw_mug(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.55, 0.43, 0.76, 0.65, outline=shade(o, 0.88), width=0.04)
    c.rrect(0.32, 0.36, 0.63, 0.775, 0.045, o)
    c.rect(0.32, 0.36, 0.63, 0.42, o)
    c.ellipse(0.32, 0.33, 0.63, 0.39, fill=tint(o, 0.18))
    c.ellipse(0.34, 0.34, 0.61, 0.38, fill=BROWN)
    c.rrect(0.36, 0.43, 0.385, 0.72, 0.012, tint(o, 0.22))
    c.rect(0.32, 0.70, 0.63, 0.715, shade(o, 0.9))


def draw_bowl(c: Canvas, o: RGB, pal: Palette):
    c.chord(0.2, 0.3, 0.8, 0.78, 0, 180, o)
    c.ellipse(0.2, 0.5, 0.8, 0.58, fill=tint(o, 0.2))
    c.ellipse(0.225, 0.51, 0.775, 0.57, fill=shade(o, 0.78))
    for x, r, col in ((0.39, 0.06, pal.accent), (0.5, 0.07, mix(pal.accent, FLAME, 0.5)), (0.61, 0.055, pal.accent)):
        c.chord(x - r, 0.535 - r, x + r, 0.535 + r, 180, 360, col)
    c.arc(0.25, 0.36, 0.75, 0.72, 30, 150, tint(o, 0.3), 0.012)
    c.rrect(0.4, 0.755, 0.6, 0.785, 0.01, shade(o, 0.85))


def draw_board(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.35, 0.2, 0.65, 0.78, 0.07, o)
    c.ellipse(0.47, 0.245, 0.53, 0.305, fill=(0, 0, 0, 0))
    grain = shade(o, 0.86)
    for k in range(5):
        x = 0.4 + k * 0.05
        c.line([(x, 0.36), (x + 0.012, 0.48), (x - 0.01, 0.6), (x + 0.008, 0.72)], grain, 0.006)
    c.circle(0.58, 0.66, 0.045, (244, 220, 90))
    c.circle(0.58, 0.66, 0.034, (250, 240, 170))


def draw_towel(c: Canvas, o: RGB, pal: Palette):
    c.line([(0.22, 0.2), (0.78, 0.2)], shade(pal.bg_bottom, 0.6), 0.018)
    c.ellipse(0.47, 0.17, 0.53, 0.235, outline=shade(o, 0.7), width=0.01)
    c.poly([(0.32, 0.22), (0.68, 0.22), (0.69, 0.77), (0.31, 0.78)], o)
    stripe = pal.accent if luminance(pal.accent) < luminance(o) - 20 or luminance(o) > 150 else CREAM
    c.rect(0.315, 0.62, 0.685, 0.65, stripe)
    c.rect(0.315, 0.67, 0.685, 0.68, stripe)
    c.rect(0.32, 0.22, 0.68, 0.25, shade(o, 0.88))
    c.line([(0.36, 0.3), (0.36, 0.58)], shade(o, 0.92), 0.006)


def draw_carafe(c: Canvas, o: RGB, pal: Palette):
    glass = o + (185,)
    c.rrect(0.45, 0.2, 0.55, 0.44, 0.02, glass)
    c.ellipse(0.3, 0.38, 0.7, 0.78, fill=glass)
    c.chord(0.32, 0.40, 0.68, 0.76, 20, 160, shade(o, 0.82) + (200,))
    c.ellipse(0.44, 0.19, 0.56, 0.22, fill=tint(o, 0.4))
    c.arc(0.34, 0.42, 0.66, 0.74, 200, 250, (255, 255, 255, 170), 0.014)


def draw_candle(c: Canvas, o: RGB, pal: Palette):
    glow(c, 0.5, 0.3, 0.16)
    c.rrect(0.35, 0.42, 0.65, 0.78, 0.03, o)
    c.ellipse(0.35, 0.4, 0.65, 0.45, fill=tint(o, 0.55))
    c.ellipse(0.37, 0.41, 0.63, 0.44, fill=(245, 236, 218))
    c.rect(0.39, 0.53, 0.61, 0.67, CREAM)
    c.line([(0.43, 0.58), (0.57, 0.58)], shade(o, 0.8), 0.008)
    c.line([(0.45, 0.62), (0.55, 0.62)], shade(o, 0.8), 0.006)
    c.line([(0.5, 0.425), (0.5, 0.385)], (40, 34, 30), 0.007)
    flame(c, 0.5, 0.39, 0.12)


def _cushion_outline():
    tl, tr, br, bl = (0.24, 0.27), (0.76, 0.27), (0.76, 0.77), (0.24, 0.77)
    return smooth([tl, (0.5, 0.31), tr, (0.72, 0.52), br, (0.5, 0.73), bl, (0.28, 0.52)], 3)


def draw_cushion(c: Canvas, o: RGB, pal: Palette):
    c.poly(_cushion_outline(), o)
    c.line([(0.3, 0.52), (0.7, 0.52)], shade(o, 0.9), 0.008)
    c.line([(0.5, 0.33), (0.5, 0.71)], shade(o, 0.9), 0.008)
    c.circle(0.5, 0.52, 0.022, shade(o, 0.75))
    c.poly(smooth([(0.3, 0.33), (0.4, 0.34), (0.33, 0.42)], 2), tint(o, 0.16))


def draw_throw(c: Canvas, o: RGB, pal: Palette):
    layers = ((0.22, 0.58, 0.78, 0.78, o), (0.25, 0.44, 0.75, 0.6, tint(o, 0.12)), (0.28, 0.31, 0.72, 0.46, o))
    for x0, y0, x1, y1, col in layers:
        c.rrect(x0, y0, x1, y1, 0.05, col)
        c.line([(x0 + 0.04, (y0 + y1) / 2), (x1 - 0.04, (y0 + y1) / 2)], pal.accent, 0.01)
        for k in range(6):
            y = y0 + 0.03 + k * (y1 - y0 - 0.06) / 5
            c.line([(x1 - 0.005, y), (x1 + 0.025, y)], shade(o, 0.8), 0.006)


def draw_vase(c: Canvas, o: RGB, pal: Palette):
    for (x1, y1), r in (((0.42, 0.12), 0.02), ((0.56, 0.1), 0.022), ((0.5, 0.06), 0.018)):
        c.line([(0.5, 0.34), (x1, y1)], LEAF_DARK, 0.007)
        for t in (0.35, 0.6, 0.85):
            c.circle(0.5 + (x1 - 0.5) * t, 0.34 + (y1 - 0.34) * t, r, LEAF)
    profile = [(0.28, 0.055), (0.34, 0.045), (0.42, 0.1), (0.56, 0.16), (0.68, 0.14), (0.78, 0.085)]
    right = [(0.5 + w, y) for y, w in profile]
    left = [(0.5 - w, y) for y, w in reversed(profile)]
    c.poly(smooth(right + left, 2), o)
    c.ellipse(0.445, 0.27, 0.555, 0.295, fill=shade(o, 0.7))
    c.arc(0.38, 0.45, 0.62, 0.74, 150, 210, tint(o, 0.35), 0.014)


def draw_planter(c: Canvas, o: RGB, pal: Palette):
    for bx, angle, length, width in ((0.5, -40, 0.26, 0.06), (0.5, 35, 0.25, 0.06), (0.49, -12, 0.32, 0.065),
                                     (0.51, 14, 0.3, 0.06), (0.5, -70, 0.18, 0.05), (0.5, 68, 0.19, 0.05)):
        c.poly(leaf(bx, 0.53, length, width, angle), LEAF if angle % 2 == 0 else LEAF_DARK)
    c.poly([(0.36, 0.54), (0.64, 0.54), (0.6, 0.78), (0.4, 0.78)], o)
    c.rrect(0.34, 0.51, 0.66, 0.57, 0.012, tint(o, 0.12))
    c.line([(0.41, 0.6), (0.43, 0.74)], tint(o, 0.3), 0.01)


def draw_tee(c: Canvas, o: RGB, pal: Palette):
    pts = [(0.42, 0.24), (0.3, 0.28), (0.18, 0.4), (0.26, 0.47), (0.32, 0.42), (0.32, 0.78),
           (0.68, 0.78), (0.68, 0.42), (0.74, 0.47), (0.82, 0.4), (0.7, 0.28), (0.58, 0.24), (0.5, 0.3)]
    c.poly(pts, o)
    c.poly([(0.42, 0.24), (0.5, 0.3), (0.58, 0.24), (0.56, 0.24), (0.5, 0.28), (0.44, 0.24)], shade(o, 0.75))
    c.line([(0.205, 0.425), (0.275, 0.49)], shade(o, 0.85), 0.008)
    c.line([(0.795, 0.425), (0.725, 0.49)], shade(o, 0.85), 0.008)
    c.line([(0.32, 0.755), (0.68, 0.755)], shade(o, 0.88), 0.006)
    c.rrect(0.55, 0.35, 0.63, 0.44, 0.006, shade(o, 0.92))


def draw_hoodie(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.37, 0.16, 0.63, 0.37, fill=shade(o, 0.85))
    c.ellipse(0.42, 0.21, 0.58, 0.35, fill=shade(o, 0.55))
    pts = [(0.42, 0.28), (0.3, 0.31), (0.22, 0.5), (0.19, 0.73), (0.27, 0.74), (0.29, 0.53), (0.32, 0.44),
           (0.32, 0.78), (0.68, 0.78), (0.68, 0.44), (0.71, 0.53), (0.73, 0.74), (0.81, 0.73), (0.78, 0.5),
           (0.7, 0.31), (0.58, 0.28), (0.5, 0.34)]
    c.poly(pts, o)
    c.rect(0.32, 0.74, 0.68, 0.78, shade(o, 0.85))
    c.poly([(0.19, 0.71), (0.27, 0.72), (0.27, 0.74), (0.19, 0.73)], shade(o, 0.85))
    c.poly([(0.73, 0.72), (0.81, 0.71), (0.81, 0.73), (0.73, 0.74)], shade(o, 0.85))
    c.poly([(0.38, 0.58), (0.62, 0.58), (0.65, 0.7), (0.35, 0.7)], shade(o, 0.9))
    for x in (0.465, 0.535):
        c.line([(x, 0.33), (x, 0.47)], CREAM, 0.007)
        c.circle(x, 0.475, 0.008, CREAM)


def draw_beanie(c: Canvas, o: RGB, pal: Palette):
    c.circle(0.5, 0.27, 0.075, tint(pal.accent, 0.1))
    c.chord(0.29, 0.3, 0.71, 0.82, 180, 360, o)
    for k in range(1, 6):
        x = 0.29 + k * 0.07
        c.line([(x, 0.4 - 0.04 * math.sin(math.pi * k / 6)), (x, 0.56)], shade(o, 0.88), 0.006)
    c.rrect(0.27, 0.54, 0.73, 0.68, 0.02, shade(o, 0.86))
    for k in range(1, 12):
        x = 0.27 + k * 0.0383
        c.line([(x, 0.56), (x, 0.66)], shade(o, 0.76), 0.005)


SOCK = smooth([(0.34, 0.2), (0.5, 0.2), (0.5, 0.23), (0.5, 0.52), (0.53, 0.57), (0.64, 0.63), (0.69, 0.67),
               (0.69, 0.73), (0.65, 0.78), (0.45, 0.78), (0.37, 0.76), (0.34, 0.7), (0.34, 0.23)], 2)


def draw_socks(c: Canvas, o: RGB, pal: Palette):
    # Heel, toe and cuff are cut from the outline itself, so they always stay inside it.
    parts = (
        (lambda x, y: True, None),
        (lambda x, y: y <= 0.25, pal.accent),
        (lambda x, y: x >= 0.62, pal.accent),
        (lambda x, y: x <= 0.46 and y >= 0.69, pal.accent),
    )
    for dx, dy, body in ((0.08, -0.03, shade(o, 0.86)), (-0.06, 0.0, o)):
        for keep, colour in parts:
            c.poly([(x + dx, y + dy) for x, y in SOCK if keep(x, y)], colour or body)
        c.rect(0.34 + dx, 0.212 + dy, 0.5 + dx, 0.255 + dy, pal.accent)  # the sides are straight here
        c.rect(0.34 + dx, 0.275 + dy, 0.5 + dx, 0.29 + dy, pal.accent)


def draw_tote(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.37, 0.18, 0.63, 0.52, outline=shade(o, 0.78), width=0.024)
    c.poly([(0.29, 0.36), (0.71, 0.36), (0.74, 0.78), (0.26, 0.78)], o)
    c.circle(0.5, 0.55, 0.075, pal.accent)
    c.poly(smooth([(0.36, 0.7), (0.46, 0.6), (0.55, 0.66), (0.64, 0.58), (0.66, 0.7)], 1),
           shade(o, 0.7) if luminance(o) > 120 else tint(o, 0.35))
    c.line([(0.29, 0.38), (0.71, 0.38)], shade(o, 0.9), 0.006)


def draw_notebook(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.335, 0.215, 0.695, 0.775, 0.02, CREAM)
    for k in range(8):
        y = 0.26 + k * 0.065
        c.line([(0.68, y), (0.692, y)], (210, 200, 185), 0.004)
    c.rrect(0.31, 0.2, 0.675, 0.78, 0.022, o)
    c.rect(0.31, 0.2, 0.345, 0.78, shade(o, 0.85))
    c.rect(0.62, 0.2, 0.635, 0.78, shade(o, 0.6))
    c.rrect(0.41, 0.3, 0.58, 0.38, 0.008, CREAM)
    c.line([(0.44, 0.34), (0.55, 0.34)], shade(o, 0.7), 0.006)
    c.poly([(0.47, 0.77), (0.5, 0.77), (0.5, 0.87), (0.485, 0.85), (0.47, 0.87)], pal.accent)


def draw_pen(c: Canvas, o: RGB, pal: Palette):
    c.rrect(0.26, 0.3, 0.7, 0.74, 0.01, CREAM)
    for k in range(5):
        y = 0.38 + k * 0.07
        c.line([(0.31, y), (0.62 - 0.05 * (k % 2), y)], (205, 214, 226), 0.004)
    c.line([(0.32, 0.66), (0.38, 0.62), (0.44, 0.67), (0.5, 0.61)], shade(o, 0.9), 0.006)
    c.rrect(0.55, 0.14, 0.6, 0.6, 0.02, o)
    c.rect(0.552, 0.45, 0.598, 0.47, METAL)
    c.rrect(0.597, 0.18, 0.61, 0.36, 0.005, METAL)
    c.poly([(0.556, 0.6), (0.594, 0.6), (0.585, 0.66), (0.565, 0.66)], shade(o, 0.6))
    c.poly([(0.565, 0.66), (0.585, 0.66), (0.575, 0.7)], METAL)


def draw_cards(c: Canvas, o: RGB, pal: Palette):
    c.rect(0.25, 0.42, 0.75, 0.76, shade(o, 0.82))
    c.rect(0.3, 0.26, 0.7, 0.62, CREAM)
    c.circle(0.5, 0.38, 0.06, pal.accent)
    c.poly(leaf(0.5, 0.5, 0.1, 0.025, -35), LEAF)
    c.poly(leaf(0.5, 0.5, 0.1, 0.025, 35), LEAF_DARK)
    c.poly([(0.25, 0.5), (0.5, 0.64), (0.75, 0.5), (0.75, 0.76), (0.25, 0.76)], o)
    c.line([(0.25, 0.76), (0.45, 0.6)], shade(o, 0.88), 0.005)
    c.line([(0.75, 0.76), (0.55, 0.6)], shade(o, 0.88), 0.005)


def draw_tent(c: Canvas, o: RGB, pal: Palette):
    hill = mix(pal.bg_bottom, pal.obj, 0.18)
    if c.view == 1:  # view 2 has its own sun
        c.circle(0.7, 0.27, 0.06, pal.accent)
    c.poly([(0.08, 0.78), (0.3, 0.44), (0.5, 0.78)], hill)
    c.poly([(0.4, 0.78), (0.7, 0.38), (0.95, 0.78)], mix(pal.bg_bottom, pal.obj, 0.1))
    c.line([(0.5, 0.36), (0.5, 0.31)], shade(o, 0.6), 0.01)
    c.poly([(0.26, 0.78), (0.5, 0.36), (0.74, 0.78)], o)
    c.poly([(0.5, 0.36), (0.74, 0.78), (0.6, 0.78)], shade(o, 0.85))
    c.poly([(0.42, 0.78), (0.5, 0.53), (0.58, 0.78)], shade(o, 0.55))
    c.line([(0.14, 0.78), (0.86, 0.78)], shade(pal.bg_bottom, 0.7), 0.012)


def draw_lantern(c: Canvas, o: RGB, pal: Palette):
    glow(c, 0.5, 0.51, 0.22)
    c.arc(0.42, 0.15, 0.58, 0.33, 180, 360, shade(o, 0.7), 0.014)
    c.poly([(0.41, 0.3), (0.59, 0.3), (0.64, 0.37), (0.36, 0.37)], o)
    c.rrect(0.39, 0.37, 0.61, 0.67, 0.02, (255, 228, 168, 230))
    flame(c, 0.5, 0.58, 0.13)
    for x in (0.39, 0.5, 0.61):
        c.line([(x, 0.37), (x, 0.67)], shade(o, 0.85), 0.012)
    c.rrect(0.35, 0.66, 0.65, 0.74, 0.015, o)
    c.rect(0.37, 0.74, 0.63, 0.78, shade(o, 0.75))


def draw_bottle(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.46, 0.115, 0.54, 0.175, outline=shade(o, 0.6), width=0.012)
    c.rrect(0.43, 0.15, 0.57, 0.25, 0.02, shade(o, 0.6))
    c.rect(0.44, 0.24, 0.56, 0.3, tint(o, 0.1))
    c.rrect(0.39, 0.28, 0.61, 0.78, 0.07, o)
    c.rect(0.39, 0.5, 0.61, 0.56, CREAM if luminance(o) < 170 else pal.accent)
    c.rrect(0.42, 0.33, 0.44, 0.72, 0.01, tint(o, 0.22))


def draw_backpack(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.44, 0.16, 0.56, 0.28, outline=shade(o, 0.7), width=0.016)
    c.rrect(0.3, 0.23, 0.7, 0.78, 0.08, o)
    c.rrect(0.3, 0.23, 0.7, 0.45, 0.08, shade(o, 0.84))
    for x in (0.39, 0.57):
        c.rect(x, 0.4, x + 0.04, 0.52, shade(o, 0.65))
        c.rrect(x - 0.005, 0.45, x + 0.045, 0.48, 0.004, METAL)
    c.rrect(0.36, 0.56, 0.64, 0.74, 0.04, shade(o, 0.9))
    c.line([(0.38, 0.6), (0.62, 0.6)], shade(o, 0.75), 0.006)


def draw_tin(c: Canvas, o: RGB, pal: Palette):
    for x, angle in ((0.3, -60), (0.68, 50), (0.73, 80)):
        c.poly(leaf(x, 0.77, 0.07, 0.018, angle), LEAF_DARK)
    c.rect(0.36, 0.34, 0.64, 0.75, o)
    c.ellipse(0.36, 0.72, 0.64, 0.78, fill=o)
    c.rect(0.6, 0.34, 0.64, 0.75, shade(o, 0.88))
    c.rect(0.355, 0.28, 0.645, 0.36, shade(o, 0.8))
    c.ellipse(0.355, 0.25, 0.645, 0.31, fill=tint(o, 0.2))
    c.rect(0.36, 0.45, 0.64, 0.63, CREAM)
    c.poly(leaf(0.46, 0.6, 0.13, 0.03, 30), LEAF)
    c.poly(leaf(0.52, 0.6, 0.1, 0.025, -25), LEAF_DARK)


def draw_teapot(c: Canvas, o: RGB, pal: Palette):
    c.ellipse(0.58, 0.4, 0.77, 0.64, outline=shade(o, 0.85), width=0.035)
    c.poly([(0.36, 0.5), (0.24, 0.39), (0.2, 0.4), (0.22, 0.44), (0.33, 0.64)], shade(o, 0.92))
    c.ellipse(0.29, 0.37, 0.71, 0.78, fill=o)
    c.chord(0.39, 0.31, 0.61, 0.45, 180, 360, shade(o, 0.85))
    c.rect(0.38, 0.375, 0.62, 0.39, shade(o, 0.75))
    c.circle(0.5, 0.31, 0.026, shade(o, 0.7))
    c.arc(0.32, 0.42, 0.68, 0.74, 200, 245, tint(o, 0.4), 0.014)
    c.arc(0.29, 0.37, 0.71, 0.78, 20, 160, shade(o, 0.88), 0.012)


def draw_coffee(c: Canvas, o: RGB, pal: Palette):
    for x, y, angle in ((0.26, 0.76, 20), (0.73, 0.765, -30), (0.78, 0.74, 60)):
        c.ellipse(x - 0.025, y - 0.017, x + 0.025, y + 0.017, fill=BROWN)
    c.poly([(0.34, 0.3), (0.66, 0.3), (0.69, 0.78), (0.31, 0.78)], o)
    c.rect(0.34, 0.24, 0.66, 0.31, shade(o, 0.82))
    c.poly([(0.34 + k * 0.02, 0.24 - 0.012 * (k % 2)) for k in range(17)] + [(0.66, 0.25), (0.34, 0.25)],
           shade(o, 0.82))
    c.circle(0.6, 0.36, 0.014, shade(o, 0.65))
    c.rrect(0.4, 0.44, 0.6, 0.66, 0.015, CREAM)
    c.ellipse(0.455, 0.49, 0.545, 0.61, fill=BROWN)
    c.arc(0.48, 0.49, 0.52, 0.61, 250, 110, tint(BROWN, 0.35), 0.006)


def draw_dripper(c: Canvas, o: RGB, pal: Palette):
    cup = CREAM if luminance(o) < 200 else shade(pal.bg_bottom, 0.8)
    c.ellipse(0.58, 0.6, 0.7, 0.72, outline=shade(cup, 0.9), width=0.02)
    c.rrect(0.36, 0.58, 0.64, 0.78, 0.03, cup)
    c.rrect(0.33, 0.52, 0.67, 0.57, 0.01, shade(o, 0.85))
    c.poly([(0.33, 0.28), (0.67, 0.28), (0.57, 0.52), (0.43, 0.52)], o)
    c.ellipse(0.33, 0.26, 0.67, 0.3, fill=shade(o, 0.75))
    for x0, x1 in ((0.42, 0.47), (0.5, 0.5), (0.58, 0.53)):
        c.line([(x0, 0.32), (x1, 0.49)], shade(o, 0.88), 0.006)
    c.ellipse(0.64, 0.33, 0.72, 0.44, outline=shade(o, 0.9), width=0.018)
    c.poly(leaf(0.5, 0.555, 0.035, 0.012, 180, taper=0.1), BROWN)


SHAPES = {
    "mug": draw_mug, "bowl": draw_bowl, "board": draw_board, "towel": draw_towel, "carafe": draw_carafe,
    "candle": draw_candle, "cushion": draw_cushion, "throw": draw_throw, "vase": draw_vase,
    "planter": draw_planter, "tee": draw_tee, "hoodie": draw_hoodie, "beanie": draw_beanie,
    "socks": draw_socks, "tote": draw_tote, "notebook": draw_notebook, "pen": draw_pen,
    "cards": draw_cards, "tent": draw_tent, "lantern": draw_lantern, "bottle": draw_bottle,
    "backpack": draw_backpack, "tin": draw_tin, "teapot": draw_teapot, "coffee": draw_coffee,
    "dripper": draw_dripper,
}
FLAT_SHAPES = {"notebook", "pen", "cards", "cushion"}  # look natural slightly rotated


def _gradient(size: int, top: RGB, bottom: RGB, radial: bool) -> Image.Image:
    mask = Image.radial_gradient("L") if radial else Image.linear_gradient("L")  # 256x256
    small = Image.composite(Image.new("RGB", mask.size, bottom), Image.new("RGB", mask.size, top), mask)
    return small.resize((size, size), Image.Resampling.NEAREST)  # steps of one level: invisible


@functools.lru_cache(maxsize=512)
def render_picture(shape: str, palette: str, view: int, dx: float = 0.0, scale: float = 1.0,
                   angle: float = 0.0) -> bytes:
    """One 800x800 JPEG: soft gradient, a backdrop shape, a floor shadow and the product.

    view 1 is the hero shot (vertical gradient, pale disk); view 2 a tabletop
    shot (radial light, a coloured "sun", a table edge). Pure function of its
    arguments, so it is cached and always draws the same bytes.
    """
    pal = PALETTES[palette]
    size = IMAGE_SIZE * SUPERSAMPLE
    if view == 1:
        bg = _gradient(size, pal.bg_top, pal.bg_bottom, radial=False)
        back = Canvas(bg)
        back.circle(0.5 + dx, 0.5, 0.34, tint(pal.bg_top, 0.45) + (200,))
        floor_y = 0.78
    else:
        bg = _gradient(size, tint(pal.bg_top, 0.3), pal.bg_bottom, radial=True)
        back = Canvas(bg)
        back.circle(0.72, 0.24, 0.13, pal.accent + (150,))
        back.rect(0, 0.8, 1, 1, shade(pal.bg_bottom, 0.93))
        back.line([(0, 0.8), (1, 0.8)], shade(pal.bg_bottom, 0.85), 0.004)
        floor_y = 0.8
        scale *= 0.86
        dx -= 0.04
    # Scale about the floor so the product keeps standing on it.
    dy = (floor_y - 0.78) + (0.78 - 0.5) * (1 - scale)
    shadow = Canvas(bg, scale=scale, dx=dx, dy=dy)
    shadow.ellipse(0.28, 0.765, 0.72, 0.8, fill=(30, 25, 20, 34))

    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    SHAPES[shape](Canvas(layer, scale=scale, dx=dx, dy=dy, view=view), pal.obj, pal)
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, center=(size / 2, size / 2))
    bg.paste(layer, (0, 0), layer)

    out = bg.reduce(SUPERSAMPLE)  # box-filter downsample: the antialiasing
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Product kinds: word lists, prices, option schemes and sentences
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    key: str
    category: str  # category slug
    code: str  # SKU middle part
    shape: str
    template: str  # name; fields in {braces} come from `fields`
    fields: dict[str, list[str]]
    colours: list[str]  # palette names; a {colour} field draws from these
    price: tuple[int, int]  # whole-currency range of the base price
    schemes: list[tuple[str, int]]  # option schemes with weights
    intro: list[str]
    detail: list[str]
    care: list[str]
    alt: str  # what the picture shows, before "on a … background"
    plain: str = ""  # name when the product comes in several colours
    sizes: list[tuple[str, str, float]] = field(default_factory=list)
    packs: list[tuple[str, str, float]] = field(default_factory=list)


GENERIC_SIZES = [("Small", "S", 1.0), ("Medium", "M", 1.35), ("Large", "L", 1.75)]
GENERIC_PACKS = [("Single", "1", 1.0), ("Set of 2", "2", 1.9), ("Set of 4", "4", 3.6)]

CLOSERS = {
    "kitchen": [
        "Part of our everyday kitchen range: made to be used, not saved for best.",
        "Chosen by our own team after a month of daily use at the shop.",
        "Ships in recycled packaging, wrapped so it arrives in one piece.",
    ],
    "home": [
        "Picked for calm, lived-in rooms and easy to pair with the rest of the range.",
        "Arrives wrapped in tissue and recycled paper, ready to give.",
        "Made in small runs, so colours can vary a little from batch to batch.",
    ],
    "apparel": [
        "Cut for a relaxed, true-to-size fit; size up for a roomier feel.",
        "Made in a Fair Wear audited workshop in northern Portugal.",
        "Free returns within 30 days if the size is not quite right.",
    ],
    "stationery": [
        "A small luxury for desks, bags and long to-do lists.",
        "Ships flat in plastic-free packaging.",
        "Makes a good stocking filler or thank-you present.",
    ],
    "outdoors": [
        "Tested on weekend trips in all weathers by our own team.",
        "Backed by our two-year repair-or-replace promise.",
        "Packs down small and lives happily in the boot of the car.",
    ],
    "tea-coffee": [
        "Packed in small batches so it reaches you fresh.",
        "A good place to start if you are new to loose leaf and single origins.",
        "Order before noon and it leaves our shop the same day.",
    ],
}

KINDS: list[Kind] = [
    # ---- Kitchen
    Kind(
        "mug", "kitchen", "MUG", "mug", "{material} {noun} – {colour}",
        {"material": ["Stoneware", "Speckled Stoneware", "Hand-thrown", "Enamel", "Porcelain"],
         "noun": ["Mug", "Latte Mug", "Tall Mug"]},
        ["Sea Salt", "Charcoal", "Oat", "Forest", "Terracotta", "Midnight"], (12, 26),
        [("single", 6), ("colour", 2), ("pack", 1)],
        ["A generous {material} {noun} {colour_phrase}, glazed by hand so no two are quite alike.",
         "Our everyday {noun}: {material}, comfortably heavy and finished {colour_phrase}.",
         "The {material} {noun} we reach for first thing in the morning, {colour_phrase}."],
        ["It holds a proper 350 ml, with a wide handle that fits two fingers.",
         "The rim is thin enough to sip from and the base is left unglazed so it sits steady.",
         "Made in small batches by a family workshop near Aveiro, so expect gentle variation in the glaze."],
        ["Dishwasher and microwave safe.",
         "Dishwasher safe, though a hand wash keeps the glaze bright for longer."],
        "{colour} {material} mug",
        plain="{material} {noun}",
    ),
    Kind(
        "bowl", "kitchen", "BWL", "bowl", "{material} {noun} – {colour}",
        {"material": ["Stoneware", "Speckled", "Hand-thrown", "Porcelain", "Reactive-Glaze"],
         "noun": ["Serving Bowl", "Noodle Bowl", "Breakfast Bowl", "Salad Bowl"]},
        ["Sea Salt", "Oat", "Sage", "Terracotta", "Charcoal", "Midnight"], (16, 44),
        [("single", 6), ("size", 1), ("pack", 1)],
        ["A wide, shallow {material} {noun.lower} {colour_phrase}.",
         "This {material} {noun.lower} comes {colour_phrase}, with a softly rolled rim.",
         "Deep enough for soup, wide enough for salad: a {material} {noun.lower} {colour_phrase}."],
        ["The glaze pools darker where the bowl curves, so each one is a little different.",
         "It stacks neatly and is sturdy enough for everyday use.",
         "Thrown on the wheel and trimmed by hand before a long second firing."],
        ["Dishwasher, microwave and oven safe to 220 °C.", "Dishwasher safe."],
        "{colour} {material} bowl of fruit",
        sizes=GENERIC_SIZES,
    ),
    Kind(
        "board", "kitchen", "BRD", "board", "{material} {colour} {noun}",
        {"material": ["Round", "Long", "Chunky", "End-Grain", "Slim"],
         "noun": ["Cutting Board", "Serving Board", "Bread Board", "Cheese Board"]},
        ["Oak", "Walnut", "Olive Wood", "Maple"], (24, 68),
        [("single", 6), ("size", 2)],
        ["A {material} {noun.lower} cut from a single piece of {colour_name}.",
         "Made from {colour_name} offcuts in a small joinery workshop, this {noun.lower} is {material} and solid."],
        ["A hanging hole means it can live on the wall when it is not on the table.",
         "Gentle on knife edges and handsome enough to serve from.",
         "Oiled with food-safe linseed before it leaves the workshop."],
        ["Hand wash only; rub with a little oil now and then.", "Wipe clean and dry upright; never soak."],
        "{colour} {noun.lower} with a hanging hole and a lemon slice",
        sizes=[("Small", "S", 1.0), ("Large", "L", 1.5)],
    ),
    Kind(
        "towel", "kitchen", "TWL", "towel", "{material} {noun} – {colour}",
        {"material": ["Linen", "Waffle Cotton", "Striped Linen", "Washed Linen"],
         "noun": ["Tea Towel", "Kitchen Towel"]},
        ["Sea Salt", "Oat", "Forest", "Terracotta", "Mustard", "Slate"], (9, 18),
        [("single", 5), ("pack", 3)],
        ["A thirsty {material} {noun.lower} {colour_phrase}, woven with two bands near the hem.",
         "Our {material} {noun.lower}, {colour_phrase}, with a cotton loop for hanging."],
        ["It gets softer and more absorbent with every wash.", "Generously sized at 50 × 70 cm."],
        ["Machine wash at 40 °C.", "Machine washable; tumble dry low."],
        "{colour} {material} tea towel hanging from a rail",
        packs=[("Single", "1", 1.0), ("Pair", "2", 1.85)],
    ),
    Kind(
        "carafe", "kitchen", "CRF", "carafe", "{material} {noun} – {colour}",
        {"material": ["Glass", "Ribbed Glass", "Hand-blown"], "noun": ["Carafe", "Water Carafe", "Pitcher"]},
        ["Clear", "Amber", "Smoke", "Sea Glass"], (22, 48),
        [("single", 6), ("size", 2)],
        ["A {material} {noun.lower} in {colour_desc}, for water on the table or wine on the terrace.",
         "Mouth-blown in {colour_desc}, this {material} {noun.lower} pours without a drip."],
        ["The narrow neck keeps the water cool and the lip is shaped to stop drips.",
         "Light enough to carry one-handed when full."],
        ["Hand wash recommended.", "Dishwasher safe on the top rack."],
        "{colour} carafe half full of water",
        sizes=[("750 ml", "075", 1.0), ("1 litre", "100", 1.25)],
    ),
    # ---- Home
    Kind(
        "candle", "home", "CDL", "candle", "{scent} {noun}",
        {"scent": ["Fig & Cedar", "Sea Salt & Sage", "Smoked Vetiver", "Wild Rhubarb", "Amber & Oud",
                   "Orange Blossom", "Pine Needle", "Black Tea & Lemon", "Tomato Leaf", "Cardamom & Clove"],
         "noun": ["Soy Candle", "Jar Candle", "Travel Candle"]},
        ["Terracotta", "Sage", "Charcoal", "Blush", "Midnight", "Mustard", "Oat"], (14, 38),
        [("single", 5), ("size", 3)],
        ["{scent}: a {noun.lower} poured by hand into a reusable {colour_desc} jar.",
         "Our {scent} {noun.lower}, hand-poured from natural soy wax in a {colour_desc} jar."],
        ["A cotton wick gives an even, clean burn of up to 45 hours.",
         "The scent is noticeable from across the room without being overpowering."],
        ["Trim the wick to 5 mm before each burn.", "Never leave a burning candle unattended."],
        "{colour} candle jar with a lit flame",
        sizes=[("Travel (90 g)", "090", 0.55), ("Classic (220 g)", "220", 1.0), ("Large (400 g)", "400", 1.6)],
    ),
    Kind(
        "cushion", "home", "CSH", "cushion", "{material} {noun} – {colour}",
        {"material": ["Linen", "Bouclé", "Waffle", "Corduroy", "Striped Cotton"],
         "noun": ["Cushion Cover", "Cushion"]},
        ["Oat", "Sage", "Rust", "Mustard", "Slate", "Blush", "Forest"], (18, 48),
        [("single", 5), ("size_colour", 2), ("size", 1)],
        ["A {material} {noun.lower} {colour_phrase}, with a hidden zip along the bottom edge.",
         "Soft, textured and {colour_phrase}: our {material} {noun.lower}."],
        ["The feather insert is sold separately, or use one you already have.",
         "Woven in a small mill that has made upholstery fabric for three generations."],
        ["Remove the cover and machine wash at 30 °C.", "Dry clean or gentle machine wash."],
        "{colour} {material} cushion",
        sizes=[("45 × 45 cm", "45", 1.0), ("60 × 60 cm", "60", 1.4)],
    ),
    Kind(
        "throw", "home", "THR", "throw", "{material} {noun} – {colour}",
        {"material": ["Wool", "Recycled Wool", "Waffle Cotton", "Herringbone", "Merino"],
         "noun": ["Throw", "Blanket"]},
        ["Oat", "Forest", "Rust", "Slate", "Mustard", "Charcoal"], (45, 129),
        [("single", 6), ("size", 2)],
        ["A heavy {material} {noun.lower} {colour_phrase}, finished with a hand-knotted fringe.",
         "Our warmest {material} {noun.lower}, {colour_phrase}, for the sofa or the end of the bed."],
        ["Woven in Wales on a mill that still runs its looms by hand.", "Warm without being heavy on the knees."],
        ["Dry clean, or hand wash cold and dry flat.", "Air between uses; wash rarely and gently."],
        "folded stack of {colour} {material} throws with fringed edges",
        sizes=[("130 × 170 cm", "130", 1.0), ("150 × 200 cm", "150", 1.3)],
    ),
    Kind(
        "vase", "home", "VAS", "vase", "{material} {noun} – {colour}",
        {"material": ["Stoneware", "Matte Ceramic", "Speckled", "Hand-thrown"],
         "noun": ["Vase", "Bud Vase", "Tall Vase"]},
        ["Oat", "Sage", "Terracotta", "Cloud", "Midnight", "Blush"], (18, 58),
        [("single", 6), ("size", 2)],
        ["A {material} {noun.lower} {colour_phrase}, shaped for a few stems of whatever is in season.",
         "This {material} {noun.lower} comes {colour_phrase}, with a narrow neck that holds stems upright."],
        ["Glazed inside so it holds water; the outside is left soft and matte.",
         "Looks just as good empty on a shelf."],
        ["Wipe clean with a damp cloth.", "Hand wash only."],
        "{colour} {material} vase with a sprig of eucalyptus",
        sizes=GENERIC_SIZES,
    ),
    Kind(
        "planter", "home", "PLT", "planter", "{material} {noun} – {colour}",
        {"material": ["Ceramic", "Concrete", "Glazed", "Stoneware"], "noun": ["Planter", "Plant Pot"]},
        ["Terracotta", "Cloud", "Sage", "Charcoal", "Sand", "Moss"], (14, 48),
        [("single", 5), ("size", 3)],
        ["A {material} {noun.lower} {colour_phrase}, with a drainage hole and a matching saucer.",
         "Give a favourite plant a new home: a {material} {noun.lower} {colour_phrase}."],
        ["Suits anything from a small fern to a young fiddle-leaf fig.",
         "Frost-resistant, so it can move outside in summer."],
        ["Wipe clean; empty the saucer after watering.", "Indoor and sheltered outdoor use."],
        "{colour} {material} planter with a leafy green plant",
        sizes=GENERIC_SIZES,
    ),
    # ---- Apparel
    Kind(
        "tee", "t-shirts", "TSH", "tee", "{material} {noun} – {colour}",
        {"material": ["Organic Cotton", "Heavyweight", "Slub Cotton", "Pocket", "Garment-Dyed"],
         "noun": ["Tee", "T-Shirt", "Crew Tee"]},
        ["Forest", "Oat", "Charcoal", "Midnight", "Rust", "Cloud", "Sage", "Black"], (22, 38),
        [("apparel", 1)],
        ["A {material} {noun.lower} {colour_phrase}, cut a little boxy with a dropped shoulder.",
         "Our best-selling {material} {noun.lower}, {colour_phrase}, in 220 gsm jersey."],
        ["Garment-washed so it will not shrink or twist after the first wash.",
         "The ribbed collar keeps its shape wash after wash."],
        ["Machine wash at 30 °C inside out.", "Wash cool, dry flat, iron on the reverse."],
        "{colour} {material} T-shirt laid flat",
    ),
    Kind(
        "hoodie", "hoodies", "HOD", "hoodie", "{material} {noun} – {colour}",
        {"material": ["Organic Cotton", "Heavyweight", "Brushed Fleece", "Loopback"],
         "noun": ["Hoodie", "Pullover Hoodie", "Zip Hoodie"]},
        ["Forest", "Oat", "Charcoal", "Midnight", "Rust", "Slate", "Black"], (54, 89),
        [("apparel", 1)],
        ["A {material} {noun.lower} {colour_phrase}, with a double-layer hood and a roomy front pocket.",
         "Warm, soft and {colour_phrase}: our {material} {noun.lower}."],
        ["The 400 gsm fabric is brushed on the inside and holds its shape for years.",
         "Flat drawcords and ribbed cuffs keep it tidy."],
        ["Machine wash at 30 °C inside out.", "Wash cool and dry flat to keep it soft."],
        "{colour} {material} hoodie laid flat",
    ),
    Kind(
        "beanie", "apparel", "BNE", "beanie", "{material} {noun} – {colour}",
        {"material": ["Merino", "Ribbed", "Fisherman", "Lambswool"], "noun": ["Beanie", "Bobble Hat"]},
        ["Mustard", "Forest", "Rust", "Oat", "Midnight", "Charcoal"], (18, 34),
        [("single", 5), ("colour", 3)],
        ["A {material} {noun.lower} {colour_phrase}, knitted with a deep turn-up cuff.",
         "Our {material} {noun.lower} comes {colour_phrase}, with a pompom on top."],
        ["Soft enough to wear against the forehead all day.", "One size fits most adults."],
        ["Hand wash cold and dry flat.", "Wool wash only; reshape while damp."],
        "{colour} knitted {noun.lower} with a pompom",
        plain="{material} {noun}",
    ),
    Kind(
        "socks", "apparel", "SCK", "socks", "{material} {noun} – {colour}",
        {"material": ["Wool Blend", "Merino Hiking", "Striped Cotton", "Ribbed"], "noun": ["Socks", "Crew Socks"]},
        ["Forest", "Mustard", "Rust", "Midnight", "Oat", "Plum"], (9, 19),
        [("socks", 4), ("single", 1)],
        ["{material} {noun.lower} {colour_phrase}, with a contrast heel and toe.",
         "A pair of {material} {noun.lower}, {colour_phrase}, reinforced where they wear fastest."],
        ["Cushioned under the foot and seamless across the toes.",
         "Knitted in Portugal from a soft, hard-wearing blend."],
        ["Machine wash at 30 °C.", "Wash inside out; do not tumble dry."],
        "pair of {colour} socks with contrast heels",
    ),
    Kind(
        "tote", "apparel", "TOT", "tote", "{material} {noun} – {colour}",
        {"material": ["Canvas", "Heavy Canvas", "Organic Cotton", "Waxed Canvas"],
         "noun": ["Tote Bag", "Market Tote", "Shopper"]},
        ["Oat", "Sand", "Forest", "Black", "Rust", "Midnight"], (16, 48),
        [("single", 7), ("colour", 2)],
        ["A {material} {noun.lower} {colour_phrase}, printed with our little sun-over-the-hills motif.",
         "Big enough for the weekly shop: a {material} {noun.lower} {colour_phrase}."],
        ["Long handles fit over a winter coat and an inside pocket keeps keys handy.",
         "Stitched with reinforced handles for heavy loads."],
        ["Spot clean or cool wash.", "Machine wash cold; the print softens nicely over time."],
        "{colour} {material} tote bag with a sun print",
        plain="{material} {noun}",
    ),
    # ---- Stationery
    Kind(
        "notebook", "notebooks", "NTB", "notebook", "{material} {noun} – {colour}",
        {"material": ["Dot Grid", "Lined", "Plain", "Linen-Bound", "Softcover"],
         "noun": ["Notebook", "Journal", "Sketchbook"]},
        ["Forest", "Terracotta", "Midnight", "Mustard", "Blush", "Charcoal", "Sage"], (9, 28),
        [("single", 5), ("size", 3)],
        ["A {material} {noun.lower} {colour_phrase}, with a ribbon marker and an elastic closure.",
         "Our {material} {noun.lower}, bound {colour_phrase}, lies flat on the desk."],
        ["160 pages of 100 gsm paper that takes fountain pen ink without bleeding through.",
         "Numbered pages and a blank index at the front keep notes findable."],
        ["Printed and bound in Italy.", "FSC-certified paper, bound with thread rather than glue."],
        "{colour} {noun.lower} with an elastic band and ribbon marker",
        sizes=[("A6 pocket", "A6", 0.7), ("A5", "A5", 1.0), ("B5", "B5", 1.3)],
    ),
    Kind(
        "pen", "stationery", "PEN", "pen", "{material} {noun} – {colour}",
        {"material": ["Brass", "Aluminium", "Lacquered", "Recycled"],
         "noun": ["Fountain Pen", "Ballpoint Pen", "Rollerball"]},
        ["Midnight", "Forest", "Black", "Rust", "Sea Salt", "Mustard"], (8, 64),
        [("single", 6), ("nib", 2)],
        ["A {material} {noun.lower} {colour_phrase}, weighted to sit comfortably between the fingers.",
         "Our {material} {noun.lower}, {colour_phrase}, with a sprung clip and a screw-on cap."],
        ["Takes standard international cartridges and refills.", "Writes smoothly from the very first line."],
        ["Comes in a recycled card box with one refill.", "Refills are sold separately."],
        "{colour} pen lying on a sheet of paper",
        sizes=[("Fine", "F", 1.0), ("Medium", "M", 1.0), ("Broad", "B", 1.0)],
    ),
    Kind(
        "cards", "stationery", "CRD", "cards", "{material} {noun} – {colour}",
        {"material": ["Letterpress", "Botanical", "Hand-printed", "Recycled"],
         "noun": ["Greeting Cards", "Notecards", "Thank-You Cards"]},
        ["Blush", "Sage", "Mustard", "Sea Salt", "Terracotta"], (6, 18),
        [("single", 5), ("pack", 2)],
        ["{material} {noun.lower} with {colour_desc} envelopes and a simple sun-and-leaves design.",
         "A set of {material} {noun.lower}, blank inside, with {colour_desc} envelopes."],
        ["Printed on heavy 350 gsm cotton card.", "Each card is blank inside for your own words."],
        ["Made in a small studio in Bristol.", "Ships flat in a recycled sleeve."],
        "card with a sun and leaves peeking out of a {colour} envelope",
        packs=[("Pack of 6", "6", 1.0), ("Pack of 12", "12", 1.8)],
    ),
    # ---- Outdoors
    Kind(
        "tent", "outdoors", "TNT", "tent", "{material} {noun} – {colour}",
        {"material": ["Lightweight", "Trail", "Ridge", "Weekend"],
         "noun": ["Tent", "Backpacking Tent", "Dome Tent"]},
        ["Forest", "Rust", "Mustard", "Slate", "Sand"], (129, 349),
        [("single", 7), ("size", 2)],
        ["A {material} {noun.lower} {colour_phrase}, quick to pitch in wind and rain.",
         "Our {material} {noun.lower} in {colour_desc} packs down to the size of a loaf of bread."],
        ["The flysheet pitches first, so the inner stays dry in the rain.",
         "Two doors and two porches mean nobody climbs over anybody at night."],
        ["Dry fully before storing.", "Includes pegs, guy lines and a repair kit."],
        "{colour} tent pitched in front of the mountains",
        sizes=[("2-person", "2P", 1.0), ("3-person", "3P", 1.3)],
    ),
    Kind(
        "lantern", "outdoors", "LNT", "lantern", "{material} {noun} – {colour}",
        {"material": ["Brass", "Enamel", "Rechargeable", "Collapsible"],
         "noun": ["Camp Lantern", "Lantern", "Hurricane Lantern"]},
        ["Forest", "Rust", "Midnight", "Mustard", "Charcoal", "Cloud"], (24, 64),
        [("single", 7), ("colour", 2)],
        ["A {material} {noun.lower} {colour_phrase} that gives a warm, steady light.",
         "Our {material} {noun.lower}, {colour_phrase}, hangs from a tent ridge or a garden branch."],
        ["The dimmable LED runs for 40 hours on a single charge.",
         "A folding handle and a wide base keep it steady on uneven ground."],
        ["Charges over USB-C.", "Splash-proof; not for use underwater."],
        "{colour} camping lantern glowing warmly",
        plain="{material} {noun}",
    ),
    Kind(
        "bottle", "outdoors", "BTL", "bottle", "{material} {noun} – {colour}",
        {"material": ["Insulated", "Steel", "Trail", "Wide-Mouth"], "noun": ["Water Bottle", "Flask", "Bottle"]},
        ["Forest", "Midnight", "Rust", "Sand", "Charcoal", "Sea Salt"], (18, 42),
        [("single", 5), ("volume", 2)],
        ["A {material} {noun.lower} {colour_phrase}, with a leak-proof cap and a carry loop.",
         "Our {material} {noun.lower}, {colour_phrase}, keeps drinks cold for a day and hot for twelve hours."],
        ["Double-walled stainless steel, so it never sweats in the bag.",
         "The powder-coated finish is grippy and hard to scratch."],
        ["Hand wash only.", "Dishwasher safe without the cap."],
        "{colour} water bottle with a loop on the cap",
        sizes=[("500 ml", "050", 1.0), ("750 ml", "075", 1.2), ("1 litre", "100", 1.4)],
    ),
    Kind(
        "backpack", "outdoors", "BPK", "backpack", "{material} {noun} – {colour}",
        {"material": ["Waxed Canvas", "Ripstop", "Roll-Top", "Recycled Nylon"],
         "noun": ["Backpack", "Day Pack", "Rucksack"]},
        ["Forest", "Rust", "Sand", "Charcoal", "Mustard", "Midnight"], (59, 149),
        [("single", 6), ("colour", 2)],
        ["A {material} {noun.lower} {colour_phrase}, sized for a day in the hills or a week of commuting.",
         "Our {material} {noun.lower} comes {colour_phrase}, with leather-look buckles and a padded back."],
        ["A padded sleeve takes a 15-inch laptop and the front pocket keeps small things handy.",
         "Holds 22 litres and weighs under a kilo."],
        ["Wipe clean; re-wax once a season.", "Spot clean with mild soap."],
        "{colour} backpack with two buckles",
        plain="{material} {noun}",
    ),
    # ---- Tea & Coffee
    Kind(
        "tea", "tea", "TEA", "tin", "{variety} {noun}",
        {"variety": ["Smoky Lapsang", "Assam Breakfast", "Jasmine Green", "Earl Grey Blue Flower",
                     "Sencha Spring", "Chamomile & Honeybush", "Darjeeling First Flush", "Rooibos Vanilla",
                     "Masala Chai", "Peppermint Leaf", "Milk Oolong", "Lemon Verbena"],
         "noun": ["Loose Leaf Tea", "Tea Caddy"]},
        ["Forest", "Midnight", "Terracotta", "Mustard", "Plum", "Sage", "Blush", "Ink", "Rust", "Moss"], (7, 18),
        [("weight", 3), ("single", 4)],
        ["{variety}, packed into a {colour_desc} tin that keeps the leaves fresh.",
         "Our {variety} comes loose in a resealable {colour_desc} caddy."],
        ["Brew one heaped teaspoon per cup for three to four minutes.",
         "Sourced directly from a small estate we have worked with for years.",
         "The leaves can be infused two or three times."],
        ["Store somewhere cool and dry, away from strong smells.", "Best within a year of opening."],
        "{colour} tea tin with a leaf label",
        sizes=[("50 g tin", "050", 1.0), ("100 g tin", "100", 1.75), ("250 g refill pouch", "250", 3.2)],
    ),
    Kind(
        "teapot", "tea", "POT", "teapot", "{material} {noun} – {colour}",
        {"material": ["Cast Iron", "Stoneware", "Porcelain", "Speckled"], "noun": ["Teapot", "Tea-for-Two Pot"]},
        ["Forest", "Midnight", "Terracotta", "Cloud", "Charcoal", "Sea Salt"], (28, 72),
        [("single", 6), ("size", 2)],
        ["A round {material} {noun.lower} {colour_phrase}, with a removable steel infuser.",
         "Our {material} {noun.lower}, {colour_phrase}, pours cleanly from a short, steep spout."],
        ["The lid is keyed so it stays put while you pour.", "Keeps tea warm for a second cup."],
        ["Rinse with hot water; no detergent needed.", "Hand wash only."],
        "round {colour} teapot",
        sizes=[("0.6 litre", "06", 1.0), ("1 litre", "10", 1.3)],
    ),
    Kind(
        "coffee", "coffee", "COF", "coffee", "{variety} {noun}",
        {"variety": ["Ethiopia Yirgacheffe", "Colombia Huila", "Brazil Cerrado", "Guatemala Antigua",
                     "Kenya Nyeri", "Sumatra Mandheling", "House Blend", "Peru Cajamarca", "Rwanda Kivu",
                     "Costa Rica Tarrazu", "Decaf Mexico"],
         "noun": ["Filter Roast", "Espresso Roast"]},
        ["Kraft", "Black", "Rust", "Forest", "Midnight", "Mustard", "Terracotta", "Plum", "Slate"], (9, 19),
        [("grind", 3), ("single", 3)],
        ["{variety}, roasted for {noun.lower_plain} and packed in a {colour_desc} bag with a one-way valve.",
         "Our {variety} {noun.lower}: roasted in small batches and bagged in {colour_desc}."],
        ["Expect notes of dark chocolate, stone fruit and a long, sweet finish.",
         "Bright and juicy, with a clean, tea-like body.",
         "Round and nutty, with low acidity and a caramel finish."],
        ["Roasted every Tuesday; best within six weeks.", "Store the bag sealed, away from light."],
        "{colour} coffee bag with a bean label and scattered beans",
    ),
    Kind(
        "dripper", "coffee", "BRW", "dripper", "{material} {noun} – {colour}",
        {"material": ["Ceramic", "Stoneware", "Porcelain"],
         "noun": ["Pour-Over Dripper", "Coffee Dripper", "Pour-Over Set"]},
        ["Cloud", "Charcoal", "Terracotta", "Sea Salt", "Mustard", "Sage"], (18, 46),
        [("single", 7), ("colour", 2)],
        ["A {material} {noun.lower} {colour_phrase}, with spiral ribs for an even extraction.",
         "Our {material} {noun.lower}, {colour_phrase}, brews one or two cups straight into your mug."],
        ["Uses standard size 02 paper filters.", "The wide base fits over most mugs and carafes."],
        ["Dishwasher safe.", "Rinse and air dry."],
        "{colour} pour-over dripper on a cup",
        plain="{material} {noun}",
    ),
]

CATEGORY_TOP = {slug: (parent or slug) for slug, _, parent, _ in CATEGORIES}

NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}


# --------------------------------------------------------------------------
# The catalog, as plain data (no database)
# --------------------------------------------------------------------------


@dataclass
class VariantSpec:
    sku: str
    label: str
    price: Decimal
    stock: int
    position: int
    options: list[tuple[str, str]] = field(default_factory=list)  # (option type, value), e.g. ("Size", "M")
    colour: str = ""  # the palette this variant is in, for its picture


# Option type per scheme, in the order the product page shows them.
SCHEME_OPTION_TYPES = {
    "apparel": ["Size"], "socks": ["Size"], "size": ["Size"], "colour": ["Colour"],
    "size_colour": ["Size", "Colour"], "nib": ["Nib"], "volume": ["Volume"], "weight": ["Weight"],
    "pack": ["Pack"], "grind": ["Grind"],
}
OPTION_TYPE_ORDER = ["Size", "Colour", "Nib", "Volume", "Weight", "Pack", "Grind"]


def _variant_options(scheme: str, label: str) -> list[tuple[str, str]]:
    types = SCHEME_OPTION_TYPES.get(scheme, [])
    if not types or not label:
        return []
    values = label.split(" / ") if len(types) > 1 else [label]
    return list(zip(types, values))


@dataclass
class ImageSpec:
    name: str  # storage name, e.g. "products/demo-stoneware-mug-sea-salt-1.jpg"
    alt: str
    shape: str
    palette: str
    view: int
    dx: float = 0.0
    scale: float = 1.0
    angle: float = 0.0
    position: int = 0

    def render(self) -> bytes:
        return render_picture(self.shape, self.palette, self.view, self.dx, self.scale, self.angle)


@dataclass
class ProductSpec:
    index: int
    kind: str
    name: str
    slug: str
    description: str
    category: str
    featured: bool
    sold_out: bool
    age: timedelta
    variants: list[VariantSpec]
    images: list[ImageSpec]


class _Word(str):
    """A word for str.format templates: "{noun.lower}" and "{noun.lower_plain}" work on it."""

    @property
    def lower(self) -> str:  # type: ignore[override]
        return str.lower(self)

    @property
    def lower_plain(self) -> str:
        return str.lower(self).replace(" roast", "")


def _price(base: int, mult: float, ending: Decimal, extra: int = 0) -> Decimal:
    whole = max(1, int(round(base * mult)) + extra)
    return Decimal(whole) + ending


def _options(kind: Kind, scheme: str, rng: random.Random, colour: str) -> tuple[list, list[str]]:
    """(label, code, multiplier, extra) rows, and the colours the product comes in."""
    if scheme == "apparel":
        sizes = ["S", "M", "L", "XL"] + (["XXL"] if rng.random() < 0.35 else [])
        return [(s, s, 1.0, 2 if s == "XXL" else 0) for s in sizes], [colour]
    if scheme == "socks":
        return [("S/M (UK 3–6)", "SM", 1.0, 0), ("L/XL (UK 7–11)", "LXL", 1.0, 0)], [colour]
    if scheme == "colour":
        others = [c for c in kind.colours if c != colour]
        colours = [colour] + rng.sample(others, min(len(others), rng.choice([1, 2, 3])))
        return [(c, PALETTES[c].code, 1.0, 0) for c in colours], colours
    if scheme == "size_colour":
        second = rng.choice([c for c in kind.colours if c != colour])
        sizes = kind.sizes or GENERIC_SIZES[:2]
        return [(f"{s} / {c}", f"{code}-{PALETTES[c].code}", m, 0)
                for c in (colour, second) for s, code, m in sizes], [colour, second]
    if scheme in ("size", "nib", "volume", "weight"):
        return [(s, code, m, 0) for s, code, m in (kind.sizes or GENERIC_SIZES)], [colour]
    if scheme == "pack":
        return [(s, code, m, 0) for s, code, m in (kind.packs or GENERIC_PACKS)], [colour]
    if scheme == "grind":
        rows = [("Whole bean, 250 g", "WB", 1.0, 0), ("Ground for filter, 250 g", "FLT", 1.0, 0),
                ("Ground for espresso, 250 g", "ESP", 1.0, 0)]
        if rng.random() < 0.5:
            rows.append(("Whole bean, 1 kg", "WB1K", 3.4, 0))
        return rows, [colour]
    return [("", "", 1.0, 0)], [colour]


def build_catalog(count: int) -> list[ProductSpec]:
    """The first `count` demo products. Product i is the same whatever `count` is."""
    rng = random.Random(SEED)
    featured = set(rng.sample(range(CURATED), FEATURED))
    sold_out = set(rng.sample([i for i in range(CURATED) if i not in featured], SOLD_OUT))

    decks: dict[str, list[tuple]] = {}
    passes: dict[str, int] = {}  # how many times each kind's deck was reshuffled
    numbers: dict[str, int] = {}  # last "No. n" given to each name
    _slug = functools.lru_cache(maxsize=None)(slugify)
    order: list[Kind] = []
    used: set[str] = set()
    specs: list[ProductSpec] = []
    for i in range(count):
        if not order:
            order = KINDS[:]
            rng.shuffle(order)
        kind = order.pop()

        scheme = rng.choices([s for s, _ in kind.schemes], weights=[w for _, w in kind.schemes])[0]
        keys = list(kind.fields)
        with_colour = "{colour}" in kind.template and not (scheme == "colour" and kind.plain)
        if "{colour}" in kind.template:
            keys.append("colour")
        # Deal the next unused name from this kind's shuffled deck of word combinations.
        # Deal the next name from this kind's shuffled deck of word combinations; on the
        # first pass through a deck skip names already taken, later passes add "No. n".
        for _attempt in range(4):
            deck = decks.get(kind.key)
            if not deck:
                lists = [kind.fields[k] if k != "colour" else kind.colours for k in keys]
                deck = list(itertools.product(*lists))
                rng.shuffle(deck)
                decks[kind.key] = deck
                passes[kind.key] = passes.get(kind.key, -1) + 1
            combo = dict(zip(keys, deck.pop()))
            if "colour" not in combo:
                first = kind.fields[keys[0]]
                combo["colour"] = kind.colours[first.index(combo[keys[0]]) % len(kind.colours)]
            template = kind.template if with_colour else (kind.plain or kind.template)
            name = template.format(**combo)
            if passes[kind.key] or _slug(name) not in used:
                break
        base_name, n = name, numbers.get(name, 1)
        while _slug(name) in used:
            n += 1
            name = f"{base_name} No. {n}"
        numbers[base_name] = n
        slug = _slug(name)
        used.add(slug)

        colour = combo["colour"]
        options, colours = _options(kind, scheme, rng, colour)
        is_sold_out = i in sold_out if i < CURATED else rng.random() < LATER_SOLD_OUT_RATE

        # Prices end in .00, .50 or .95; options scale the base price.
        base = rng.randint(*kind.price)
        ending = Decimal(rng.choice(["0.00", "0.50", "0.95", "0.95"]))
        group = GROUP_CODES[CATEGORY_TOP[kind.category]]
        variants = []
        for pos, (label, code, mult, extra) in enumerate(options):
            r = rng.random()
            if is_sold_out:
                stock = 0
            elif r < 0.07:
                stock = 0
            elif r < 0.12:
                stock = rng.randint(1, 4)
            else:
                stock = rng.randint(5, 60)
            sku = f"{group}-{kind.code}-{i + 1:04d}" + (f"-{code}" if code else "")
            options = _variant_options(scheme, label)
            variant_colour = dict(options).get("Colour", colour)
            variants.append(VariantSpec(sku, label, _price(base, mult, ending, extra), stock, pos, options,
                                        variant_colour if variant_colour in PALETTES else colour))
        if not is_sold_out and not any(v.stock for v in variants):
            variants[0].stock = rng.randint(5, 60)

        # Description: intro, detail, then maybe care and a shop-voice closer (2-4 sentences).
        pal = PALETTES[colour]
        words = {
            "material": _Word(combo.get("material", "").lower()),
            "noun": _Word(combo.get("noun", "").lower()),
            "variety": combo.get("variety", ""),
            "scent": combo.get("scent", ""),
            "colour_desc": pal.desc,
            "colour_name": colour.lower(),
            "colour_phrase": (f"in {pal.desc}" if len(colours) == 1
                              else f"in {NUMBER_WORDS.get(len(colours), len(colours))} colourways"),
        }
        sentences = [rng.choice(kind.intro).format(**words), rng.choice(kind.detail)]
        if rng.random() < 0.7:
            sentences.append(rng.choice(kind.care))
        if rng.random() < 0.4:
            sentences.append(rng.choice(CLOSERS[CATEGORY_TOP[kind.category]]))
        description = " ".join(s[0].upper() + s[1:] for s in sentences)

        # Pictures: curated products get their own (the second shows another colour
        # when there is one); later products share one picture per kind and colour.
        two = len(colours) > 1 or rng.random() < 0.35
        dx = round(rng.uniform(-0.02, 0.02), 3)
        scale = round(rng.uniform(0.95, 1.04), 3)
        angle = round(rng.uniform(-7, 7), 1) if kind.shape in FLAT_SHAPES else 0.0
        if i < CURATED:
            images = []
            for pos in range(2 if two else 1):
                c = colours[min(pos, len(colours) - 1)]
                images.append(ImageSpec(
                    f"products/demo-{slug}-{pos + 1}.jpg", _alt(kind, combo, c, pos + 1),
                    kind.shape, c, pos + 1, dx, scale, angle if pos == 0 else -angle / 2, pos,
                ))
        else:
            # One shared picture per colour the product comes in (the first is its main colour).
            images = [ImageSpec(
                f"products/demo-pool-{kind.key}-{PALETTES[c].code.lower()}.jpg",
                _alt(kind, {"material": ""}, c, 1), kind.shape, c, 1, position=pos,
            ) for pos, c in enumerate(colours)]

        specs.append(ProductSpec(
            index=i, kind=kind.key, name=name, slug=slug, description=description, category=kind.category,
            featured=i in featured, sold_out=is_sold_out,
            age=timedelta(seconds=rng.uniform(0, SPREAD_DAYS * 86400 - 3600)),
            variants=variants, images=images,
        ))
    return specs


def _alt(kind: Kind, combo: dict, colour: str, view: int) -> str:
    pal = PALETTES[colour]
    words = {"colour": pal.desc, "material": combo.get("material", "").lower(),
             "noun": _Word(combo.get("noun", kind.fields.get("noun", [""])[0]).lower())}
    what = " ".join(kind.alt.format(**words).split())
    what = what[0].upper() + what[1:]
    if view == 1:
        return f"{what} on a {pal.bg_desc} background"
    return f"{what} on a tabletop, with a {pal.accent_desc} circle on the {pal.bg_desc} wall behind"


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


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
            categories_new, category_ids = self._categories()
            stats = self._products(catalog, category_ids)
        admin_line = self._admin()
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
            self.stdout.write(admin_line)

    # -- categories ---------------------------------------------------------

    def _categories(self) -> tuple[int, dict[str, int]]:
        ids = dict(Category.objects.filter(slug__in=[c[0] for c in CATEGORIES]).values_list("slug", "id"))
        created = 0
        for position, (slug, name, parent, description) in enumerate(CATEGORIES):
            if slug in ids:
                continue
            category = Category.objects.create(
                slug=slug, name=name, parent_id=ids.get(parent) if parent else None,
                description=description, position=position,
            )
            ids[slug] = category.pk
            created += 1
        return created, ids

    # -- products, variants, pictures ----------------------------------------

    def _products(self, catalog: list[ProductSpec], category_ids: dict[str, int]) -> dict[str, int]:
        present = set(Product.objects.values_list("slug", flat=True))
        todo = [spec for spec in catalog if spec.slug not in present]
        stats = {"products_new": len(todo), "products_present": len(catalog) - len(todo),
                 "variants_new": 0, "images_new": 0, "files_new": 0}
        if not todo:
            return stats

        rows = [
            Product(name=s.name, slug=s.slug, description=s.description, category_id=category_ids[s.category],
                    active=True, featured=s.featured)
            for s in todo
        ]
        Product.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        if any(p.pk is None for p in rows):  # backends that cannot return ids from bulk inserts
            ids = {}
            for start in range(0, len(rows), BATCH_SIZE):
                chunk = [p.slug for p in rows[start:start + BATCH_SIZE]]
                ids.update(Product.objects.filter(slug__in=chunk).values_list("slug", "id"))
            for p in rows:
                p.pk = ids[p.slug]

        # `created` is auto_now_add, so bulk_create stamped "now": spread it over the last 90 days.
        now = timezone.now()
        for p, s in zip(rows, todo):
            p.created = p.updated = now - s.age
        Product.objects.bulk_update(rows, ["created", "updated"], batch_size=BATCH_SIZE)

        skus = set(Variant.objects.values_list("sku", flat=True))
        variants = []
        for p, s in zip(rows, todo):
            for v in s.variants:
                sku, n = v.sku, 1
                while sku in skus:  # someone else's SKU: never fail, never overwrite
                    n += 1
                    sku = f"{v.sku}-{n}"
                skus.add(sku)
                variants.append(Variant(product_id=p.pk, sku=sku, label=v.label, price=v.price,
                                        stock=v.stock, active=True, position=v.position))
        Variant.objects.bulk_create(variants, batch_size=BATCH_SIZE)
        stats["variants_new"] = len(variants)
        if any(v.pk is None for v in variants):
            ids = dict(Variant.objects.filter(sku__in=[v.sku for v in variants]).values_list("sku", "id"))
            for v in variants:
                v.pk = ids[v.sku]
        specs = [v for s in todo for v in s.variants]  # same order as `variants`
        self._options(variants, specs)

        storage = ProductImage._meta.get_field("image").storage
        stored: dict[str, str] = {}  # wanted name -> name in storage
        renditions: dict[str, dict[str, str]] = {}
        images = []
        for p, s in zip(rows, todo):
            for img in s.images:
                if img.name not in stored:
                    if storage.exists(img.name):
                        stored[img.name] = img.name  # drawn by an earlier run: reuse, never redraw
                    else:
                        stored[img.name] = storage.save(img.name, ContentFile(img.render()))
                        stats["files_new"] += 1
                    # Resized copies, made once per file (shared pictures share them too).
                    renditions[img.name] = renditions_for_file(name=stored[img.name], width=IMAGE_SIZE)
                images.append(ProductImage(product_id=p.pk, image=stored[img.name], width=IMAGE_SIZE,
                                           height=IMAGE_SIZE, alt=img.alt[:200], position=img.position,
                                           renditions=renditions[img.name]))
        ProductImage.objects.bulk_create(images, batch_size=BATCH_SIZE)
        stats["images_new"] = len(images)

        # Each variant shows the picture in its own colour when the product has one.
        image_ids = {}
        for row in ProductImage.objects.filter(product_id__in=[p.pk for p in rows]).values_list(
            "product_id", "position", "id"
        ):
            image_ids[(row[0], row[1])] = row[2]
        with_pictures = []
        for p, s in zip(rows, todo):
            by_colour = {img.palette: image_ids.get((p.pk, img.position)) for img in reversed(s.images)}
            if len(by_colour) < 2:
                continue
            for v in s.variants:
                variant = self._by_sku.get(v.sku)
                image_id = by_colour.get(v.colour)
                if variant is not None and image_id:
                    variant.image_id = image_id
                    with_pictures.append(variant)
        Variant.objects.bulk_update(with_pictures, ["image"], batch_size=BATCH_SIZE)

        stats["reviews_new"] = self._reviews(rows, todo)
        return stats

    # -- option types and values ---------------------------------------------

    def _options(self, variants: list[Variant], specs: list[VariantSpec]) -> None:
        self._by_sku = {}
        wanted_types = {name for spec in specs for name, _ in spec.options}
        types = {t.name: t for t in OptionType.objects.filter(name__in=wanted_types)}
        for name in sorted(wanted_types - set(types), key=OPTION_TYPE_ORDER.index):
            types[name] = OptionType.objects.create(name=name, position=OPTION_TYPE_ORDER.index(name))
        values = {(ov.option_type_id, ov.value): ov for ov in OptionValue.objects.filter(option_type__in=types.values())}
        order: dict[tuple[int, str], int] = {}
        for spec in specs:  # values keep the order products list them in (S, M, L, XL)
            for name, value in spec.options:
                order.setdefault((types[name].pk, value), spec.position)
        missing = [OptionValue(option_type_id=tid, value=value, position=pos)
                   for (tid, value), pos in order.items() if (tid, value) not in values]
        OptionValue.objects.bulk_create(missing, batch_size=BATCH_SIZE)
        values = {(ov.option_type_id, ov.value): ov for ov in OptionValue.objects.filter(option_type__in=types.values())}
        through = Variant.option_values.through
        links = []
        for variant, spec in zip(variants, specs):
            self._by_sku[spec.sku] = variant
            for name, value in spec.options:
                links.append(through(variant_id=variant.pk, optionvalue_id=values[(types[name].pk, value)].pk))
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    # -- reviews from demo customers with paid orders ------------------------

    def _reviews(self, rows: list[Product], todo: list[ProductSpec]) -> int:
        """Believable reviews: most products have a few, written by demo customers
        who each have a paid order with the product (so every review is a verified
        purchase). Deterministic per product, like the catalog."""
        plan = []  # (product, spec, [(customer index, rating, title, body)])
        for p, s in zip(rows, todo):
            rng = random.Random(f"reviews-{s.index}")
            r = rng.random()
            n = 0 if r < 0.3 else rng.randint(1, 3) if r < 0.8 else rng.randint(4, 12)
            if s.sold_out and n:
                n = rng.randint(0, 2)
            picks = rng.sample(range(CUSTOMERS), n)
            entries = []
            for customer in picks:
                rating = rng.choices([5, 4, 3, 2, 1], weights=[46, 30, 13, 7, 4])[0]
                title, body = rng.choice(REVIEW_TEXT[rating])
                entries.append((customer, rating, title, body))
            if entries:
                plan.append((p, s, entries))
        if not plan:
            return 0
        customers = self._customers()
        Order = apps.get_model("checkout", "Order")
        OrderLine = apps.get_model("checkout", "OrderLine")
        now = timezone.now()
        by_customer: dict[int, list] = {}
        for p, s, entries in plan:
            variant = self._by_sku[s.variants[0].sku]
            for customer, rating, title, body in entries:
                by_customer.setdefault(customer, []).append((p, variant, rating, title, body, s.age))
        orders, lines, reviews = [], [], []
        for customer, items in sorted(by_customer.items()):
            user = customers[customer]
            # One paid order per few products, as if they came back now and then.
            for start in range(0, len(items), 4):
                chunk = items[start:start + 4]
                total = sum((v.price for _, v, *_ in chunk), Decimal("0.00"))
                order = Order(
                    user=user, status="delivered", payment_state="paid", amount_paid=total,
                    email=user.email, full_name=user.full_name,
                    address_line1="1 Demo Street", city="Bristol", postal_code="BS1 4DJ", country="GB",
                    currency=settings.SHOP_CURRENCY, subtotal=total, total=total, stock_held=True,
                    paid_at=now - min(age for *_, age in chunk) / 2, receipt_sent_at=now,
                )
                orders.append(order)
                for p, v, rating, title, body, age in chunk:
                    lines.append((order, OrderLine(variant_id=v.pk, product_name=p.name, variant_label=v.label,
                                                   sku=v.sku, unit_price=v.price, quantity=1, line_total=v.price)))
                    reviews.append(Review(product_id=p.pk, user=user, rating=rating, title=title, body=body,
                                          verified=True))
        Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
        if any(o.pk is None for o in orders):
            ids = dict(Order.objects.filter(number__in=[o.number for o in orders]).values_list("number", "id"))
            for o in orders:
                o.pk = ids[o.number]
        for order, line in lines:
            line.order_id = order.pk
        OrderLine.objects.bulk_create([line for _, line in lines], batch_size=BATCH_SIZE)
        Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE, ignore_conflicts=True)
        product_ratings_refresh(product_ids=[p.pk for p, _, _ in plan])
        return len(reviews)

    def _customers(self) -> list:
        """The demo customers who write reviews (no password: they cannot sign in)."""
        User = get_user_model()
        emails = [f"{CUSTOMER_NAMES[i % len(CUSTOMER_NAMES)].lower()}.{i + 1}@customers.example.com"
                  for i in range(CUSTOMERS)]
        existing = {u.email: u for u in User._default_manager.filter(email__in=emails)}
        missing = []
        for i, email in enumerate(emails):
            if email not in existing:
                user = User(email=email, full_name=f"{CUSTOMER_NAMES[i % len(CUSTOMER_NAMES)]} "
                                                   f"{'ABCDEFGHJKLMNPRSTW'[i % 18]}.")
                user.set_unusable_password()
                missing.append(user)
        User._default_manager.bulk_create(missing, batch_size=BATCH_SIZE)
        existing = {u.email: u for u in User._default_manager.filter(email__in=emails)}
        return [existing[e] for e in emails]

    # -- admin user ----------------------------------------------------------

    def _admin(self) -> str:
        if not settings.DEBUG:
            return ("DEBUG is off: no demo admin user was created "
                    "(use `python manage.py createsuperuser` for a real one).")
        from allauth.account.models import EmailAddress

        url = f"{getattr(settings, 'SHOP_BASE_URL', 'http://127.0.0.1:8000').rstrip('/')}/admin/"
        User = get_user_model()
        login = ADMIN_EMAIL  # users sign in by email (accounts.User has no username)
        user = User._default_manager.filter(email=login).first()
        created = user is None
        if created:
            user = User._default_manager.create_superuser(email=login, password=ADMIN_PASSWORD)
        elif not (user.is_staff and user.is_superuser and user.is_active):
            user.is_staff = user.is_superuser = user.is_active = True
            user.save(update_fields=["is_staff", "is_superuser", "is_active"])
        # Sign-in goes through allauth, which wants a verified address.
        EmailAddress.objects.update_or_create(
            user=user, email=login, defaults={"verified": True, "primary": True}
        )
        if created:
            return f"Admin: {url} — user {login}, password {ADMIN_PASSWORD}"
        return (f"Admin: {url} — user {login}, password {ADMIN_PASSWORD} "
                "(the account already existed; its password was left unchanged)")
