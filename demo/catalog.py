"""The demo catalog as plain data (no database): products, variants, pictures and words.

Built with a fixed seed, so every machine gets the same products; product *i*
does not depend on how many products are asked for.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils.text import slugify

from demo.data import (
    CATEGORY_TOP,
    CLOSERS,
    GENERIC_PACKS,
    GENERIC_SIZES,
    GROUP_CODES,
    KINDS,
    NUMBER_WORDS,
    PALETTES,
    SCHEME_OPTION_TYPES,
    Kind,
)
from demo.pictures import render_picture
from demo.shapes import FLAT_SHAPES

SEED = 42
CURATED = 48  # products 0..47 get their own pictures; later ones share the pool
FEATURED = 8  # featured products, all among the curated ones
SOLD_OUT = 4  # curated products with every variant at stock 0
LATER_SOLD_OUT_RATE = 0.05  # share of sold-out products after the curated ones
SPREAD_DAYS = 90  # `created` is spread over this many days back from now


@dataclass
class VariantSpec:
    sku: str
    label: str
    price: Decimal
    stock: int
    position: int
    options: list[tuple[str, str]] = field(default_factory=list)  # (option type, value), e.g. ("Size", "M")
    colour: str = ""  # the palette this variant is in, for its picture


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
