"""The demo catalog's word lists and tables: categories, colours, product kinds, review texts.

Plain data, no logic: `demo.catalog` deals products from these lists with a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# Demo customers and what they write
# --------------------------------------------------------------------------

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

# Paints the pictures share whatever the product's colour: paper, wood, flames, leaves, metal.
CREAM: RGB = (247, 241, 229)
BROWN: RGB = (92, 60, 40)
FLAME: RGB = (246, 168, 58)
FLAME_CORE: RGB = (255, 226, 140)
LEAF: RGB = (110, 146, 96)
LEAF_DARK: RGB = (72, 110, 70)
METAL: RGB = (206, 190, 150)


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

# Option type per scheme, in the order the product page shows them.
SCHEME_OPTION_TYPES = {
    "apparel": ["Size"], "socks": ["Size"], "size": ["Size"], "colour": ["Colour"],
    "size_colour": ["Size", "Colour"], "nib": ["Nib"], "volume": ["Volume"], "weight": ["Weight"],
    "pack": ["Pack"], "grind": ["Grind"],
}
OPTION_TYPE_ORDER = ["Size", "Colour", "Nib", "Volume", "Weight", "Pack", "Grind"]
