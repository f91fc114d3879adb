"""The colour a colour option is shown in: the hex staff set on the option value, else the colour
its name says (Red, Navy, Forest green…), else none and the option shows as a plain button."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
COLOUR_TYPES = {"colour", "color"}

# Common names in shops (CSS colour keywords, plus textile and homeware names); compared lowercased.
NAMED: dict[str, str] = {
    "black": "#1f2024", "white": "#ffffff", "off-white": "#eceae4", "ivory": "#fffff0", "cream": "#f7f1e5",
    "grey": "#808080", "gray": "#808080", "light grey": "#d3d3d3", "dark grey": "#555555", "charcoal": "#3d4148",
    "silver": "#c0c0c0", "slate": "#5c6e80", "smoke": "#78787d",
    "red": "#c0392b", "burgundy": "#800020", "maroon": "#800000", "rust": "#b2542e", "terracotta": "#c4684a",
    "coral": "#ff7f50", "pink": "#ffc0cb", "blush": "#e2a0a0", "rose": "#e8a0b0", "plum": "#6e385a",
    "purple": "#800080", "lavender": "#b8a9d9", "lilac": "#c8a2c8",
    "orange": "#e67e22", "amber": "#c8823a", "mustard": "#d6a434", "yellow": "#f1c40f", "gold": "#d4af37",
    "green": "#2e8b57", "forest": "#2f5e48", "forest green": "#2f5e48", "olive": "#708238", "moss": "#68783c",
    "sage": "#8fa684", "mint": "#98d8c8", "teal": "#008080", "sea glass": "#96c8b9",
    "blue": "#2e5cb8", "navy": "#1f2a44", "midnight": "#222d50", "ink": "#284278", "sky": "#87ceeb",
    "light blue": "#add8e6", "sea salt": "#7ea5b4", "denim": "#3b5b8c", "turquoise": "#40e0d0",
    "brown": "#6e4c34", "chocolate": "#5c3a21", "walnut": "#6e4c34", "tan": "#d2b48c", "camel": "#c19a6b",
    "beige": "#e8dcc4", "sand": "#d9bf94", "oat": "#d8c4a6", "oatmeal": "#d8c4a6", "khaki": "#c3b091",
    "natural": "#e9dfc8", "kraft": "#c4a076", "oak": "#c4a06e", "maple": "#dec496", "olive wood": "#aa8c60",
}


def swatch_colour(*, option_type: str, value: str, swatch: str) -> str:
    """The swatch's #rrggbb, or "" when this option value is not shown as a colour."""
    if HEX.match(swatch or ""):
        return swatch.lower()
    if option_type.strip().lower() in COLOUR_TYPES:
        return NAMED.get(value.strip().lower(), "")
    return ""
