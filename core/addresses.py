"""The one postal address type: an order's ship-to, an address-book entry and the
checkout form all carry these fields, and everything that prints one uses `lines`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


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
        """Surrounding spaces trimmed, the country code in upper case."""
        values = {name: value.strip() for name, value in asdict(self).items()}
        return PostalAddress(**(values | {"country": values["country"].upper(), "state": values["state"].upper()}))

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def lines(self) -> list[str]:
        return [
            line for line in (
                self.full_name, self.address_line1, self.address_line2,
                f"{self.postal_code} {self.city}".strip(), self.country,
            ) if line
        ]
