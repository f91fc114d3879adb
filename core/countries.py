"""Countries the shop ships to (ISO 3166-1 alpha-2) and what their addresses need.

Four small tables say how each country differs from the default; pycountry (ISO 3166-2) supplies the
states and provinces. Everything that asks "does a US address need a state?" or "what is a postcode
called in Britain?" asks here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

SHIPPING_COUNTRIES = [
    ("US", "United States"), ("CA", "Canada"), ("GB", "United Kingdom"), ("IE", "Ireland"),
    ("AU", "Australia"), ("NZ", "New Zealand"), ("DE", "Germany"), ("AT", "Austria"),
    ("CH", "Switzerland"), ("FR", "France"), ("BE", "Belgium"), ("NL", "Netherlands"),
    ("LU", "Luxembourg"), ("DK", "Denmark"), ("SE", "Sweden"), ("NO", "Norway"),
    ("FI", "Finland"), ("IS", "Iceland"), ("ES", "Spain"), ("PT", "Portugal"), ("IT", "Italy"),
    ("GR", "Greece"), ("PL", "Poland"), ("CZ", "Czechia"), ("SK", "Slovakia"), ("HU", "Hungary"),
    ("SI", "Slovenia"), ("HR", "Croatia"), ("RO", "Romania"), ("BG", "Bulgaria"), ("EE", "Estonia"),
    ("LV", "Latvia"), ("LT", "Lithuania"), ("MT", "Malta"), ("CY", "Cyprus"), ("JP", "Japan"),
    ("SG", "Singapore"), ("KR", "South Korea"), ("MX", "Mexico"), ("BR", "Brazil"),
]
_NAMES = dict(SHIPPING_COUNTRIES)
_NAMES_WITH_THE = frozenset({"US", "GB", "NL"})  # "in the United States", "in Canada"


@dataclass(frozen=True)
class _States:
    noun: str  # what the country calls them, as in "Please choose a state."
    leave_out: frozenset[str] = frozenset()


# Countries whose addresses carry a state, province or prefecture: the post uses it to route mail
# (the national postal formats print it; Google's address data marks it required for each of these).
# Each offers its top-level ISO 3166-2 subdivisions, which for these six are exactly the ones mail uses.
# Left out on purpose: the US Minor Outlying Islands (no civilian mail); Ireland, Italy, Spain and Korea,
# whose addresses do not need the top level pycountry has (Irish provinces, Italian regions, Spanish
# autonomous communities; a Korean postcode already names the area).
STATE_COUNTRIES: dict[str, _States] = {
    "US": _States("state", leave_out=frozenset({"US-UM"})),  # states, DC, PR, GU, VI, AS, MP
    "CA": _States("province or territory"),
    "AU": _States("state or territory"),
    "MX": _States("state"),
    "BR": _States("state"),
    "JP": _States("prefecture"),
}

# Every shipping country has postcodes; in Ireland the Eircode (since 2015) is optional in practice:
# An Post delivers without it and many shoppers do not know theirs.
POSTAL_CODE_OPTIONAL = frozenset({"IE"})

# What a shopper calls the postal code, in a sentence (the field label capitalises it).
POSTAL_CODE_NAMES = {"US": "ZIP code", "GB": "postcode", "AU": "postcode", "NZ": "postcode", "IE": "Eircode"}

# Light format checks for the big ones: the shape the post prints, and an example a shopper recognises.
POSTAL_CODE_FORMATS = {
    "US": (re.compile(r"\d{5}(-\d{4})?"), "12345 or 12345-6789"),
    "CA": (re.compile(r"[A-Z]\d[A-Z] \d[A-Z]\d"), "K1A 0B1"),
    "GB": (re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|GIR 0AA"), "SW1A 1AA"),
}

# How the city, state and postal code are laid out, by country, from each national post's format.
# One template per line; a line none of whose fields has a value is left out, and the country's name
# is always the last line. {state} is the short code ("CA" of "US-CA"), {state_name} its name.
DEFAULT_ADDRESS_FORMAT = ("{full_name}", "{address_line1}", "{address_line2}", "{postal_code} {city}")
_STREET = ("{full_name}", "{address_line1}", "{address_line2}")
ADDRESS_FORMATS: dict[str, tuple[str, ...]] = {
    "US": (*_STREET, "{city}, {state} {postal_code}"),
    "CA": (*_STREET, "{city} {state} {postal_code}"),  # Canada Post: no comma
    "AU": (*_STREET, "{city} {state} {postal_code}"),  # Australia Post: suburb, state, postcode
    "GB": (*_STREET, "{city}", "{postal_code}"),
    "IE": (*_STREET, "{city}", "{postal_code}"),
    "NZ": (*_STREET, "{city} {postal_code}"),
    "SG": (*_STREET, "{city} {postal_code}"),
    "KR": (*_STREET, "{city} {postal_code}"),
    "BR": (*_STREET, "{city}-{state}", "{postal_code}"),
    "MX": (*_STREET, "{postal_code} {city}, {state_name}"),
    "JP": ("{full_name}", "〒{postal_code}", "{state_name} {city}", "{address_line1}", "{address_line2}"),
}


def country_name(code: str) -> str:
    """The country's English name: the shop's own list first, then ISO 3166-1, else the code itself."""
    code = (code or "").upper()
    if code in _NAMES:
        return _NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return getattr(country, "common_name", None) or getattr(country, "name", None) or code


@cache
def subdivisions(country: str) -> list[tuple[str, str]]:
    """The states or provinces a shopper picks from, as (ISO 3166-2 code, name) by name; [] where none."""
    rule = STATE_COUNTRIES.get((country or "").upper())
    if rule is None:
        return []
    found = pycountry.subdivisions.get(country_code=country.upper()) or []
    return sorted(
        ((sub.code, sub.name) for sub in found if sub.parent_code is None and sub.code not in rule.leave_out),
        key=lambda pair: pair[1],
    )


def needs_state(country: str) -> bool:
    return (country or "").upper() in STATE_COUNTRIES


def state_noun(country: str) -> str:
    rule = STATE_COUNTRIES.get((country or "").upper())
    return rule.noun if rule else "state or province"


def state_name(code: str) -> str:
    """US-CA → California; any ISO 3166-2 code, of any country; "" for a code that is none."""
    code = (code or "").upper()
    if "-" not in code:
        return ""
    sub = pycountry.subdivisions.get(code=code)
    return sub.name if sub is not None else ""


def state_problem(country: str, code: str) -> str:
    """What is wrong with a state for an address in `country`, in a sentence for the shopper; "" if nothing is.
    A country without states takes none: whatever came is dropped, not refused (the field is hidden)."""
    if not needs_state(country):
        return ""
    noun = state_noun(country)
    if not code:
        return f"Please choose a {noun}."
    if code in dict(subdivisions(country)):
        return ""
    name, elsewhere = state_name(code), code.partition("-")[0]
    if name and elsewhere != country.upper():
        return (f"{name} is in {_in_sentence(elsewhere)}, not {_in_sentence(country)}. "
                f"Please choose a {noun} from the list.")
    return f"Please choose a {noun} from the list."


def _in_sentence(country: str) -> str:
    name = country_name(country)
    return f"the {name}" if country.upper() in _NAMES_WITH_THE else name


def state_short(code: str) -> str:
    """US-CA → CA: what an address prints."""
    return (code or "").partition("-")[2].upper()


def postal_code_required(country: str) -> bool:
    return (country or "").upper() not in POSTAL_CODE_OPTIONAL


def postal_code_name(country: str) -> str:
    return POSTAL_CODE_NAMES.get((country or "").upper(), "postal code")


def postal_code_label(country: str) -> str:
    name = postal_code_name(country)
    return name[:1].upper() + name[1:]


def postal_code_normalize(country: str, raw: str) -> str:
    """Upper case and single spaces everywhere; the one space where the post puts it for GB, CA and NL."""
    code = " ".join((raw or "").upper().split())
    country = (country or "").upper()
    compact = code.replace(" ", "")
    if country == "GB" and 5 <= len(compact) <= 7:
        return f"{compact[:-3]} {compact[-3:]}"
    if country == "CA" and len(compact) == 6:
        return f"{compact[:3]} {compact[3:]}"
    if country == "NL" and re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    if country == "US" and re.fullmatch(r"\d{9}", compact):
        return f"{compact[:5]}-{compact[5:]}"
    return code


def postal_code_problem(country: str, code: str) -> str:
    """What is wrong with a normalised postal code, in a sentence for the shopper; "" if nothing is."""
    country = (country or "").upper()
    if not code:
        return f"Please enter your {postal_code_name(country)}." if postal_code_required(country) else ""
    shape = POSTAL_CODE_FORMATS.get(country)
    if shape and not shape[0].fullmatch(code):
        return f"Please enter a {postal_code_name(country)} like {shape[1]}."
    return ""


def address_format(country: str) -> tuple[str, ...]:
    return ADDRESS_FORMATS.get((country or "").upper(), DEFAULT_ADDRESS_FORMAT)
