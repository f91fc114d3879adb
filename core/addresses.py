"""The one postal address type: an order's ship-to, an address-book entry and the
checkout form all carry these fields, and everything that prints one uses `lines`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from core.countries import address_format, country_name, postal_code_normalize, state_name, state_short

_PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class PostalAddress:
    full_name: str
    address_line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2, upper case
    address_line2: str = ""
    phone: str = ""
    state: str = ""  # ISO 3166-2 subdivision, e.g. US-CA; empty where the country has none

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, obj) -> PostalAddress:
        """The address held by a model instance or form data with the same field names."""
        get = obj.get if isinstance(obj, dict) else lambda name, default="": getattr(obj, name, default)
        return cls(**{name: get(name, "") or "" for name in cls.field_names()})

    def cleaned(self) -> PostalAddress:
        """Surrounding spaces trimmed, the country and state codes in upper case, the postal code as the
        country's post writes it (core.countries.postal_code_normalize)."""
        values = {name: value.strip() for name, value in asdict(self).items()}
        country = values["country"].upper()
        return PostalAddress(**(values | {
            "country": country, "state": values["state"].upper(),
            "postal_code": postal_code_normalize(country, values["postal_code"]),
        }))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The address as the country's post writes it (core.countries.ADDRESS_FORMATS), one line each,
        the country's name last. A line whose fields are all empty is left out."""
        values = asdict(self) | {"state": state_short(self.state), "state_name": state_name(self.state)}
        lines = []
        for template in address_format(self.country):
            if not any(values.get(name) for name in _PLACEHOLDER.findall(template)):
                continue
            line = " ".join(template.format(**values).split())
            lines.append(re.sub(r"\s+,", ",", line).strip(" ,-"))
        return [*lines, country_name(self.country)] if self.country else lines
