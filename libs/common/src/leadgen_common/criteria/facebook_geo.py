"""Locations -> a Facebook geo_locations spec: countries as ISO codes, regions and cities
as ``{"key", "name", "country"}`` (an area such as "Western Europe" as its countries).

Facebook refuses overlapping locations, so a region or city inside a targeted country is
left out, and said so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import places

Location = dict[str, str]  # {"key", "name", "country"}


@dataclass
class Geo:
    countries: list[str] = field(default_factory=list)
    regions: list[Location] = field(default_factory=list)
    cities: list[Location] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.countries or self.regions or self.cities)

    def add(self, found: places.Place) -> None:
        if found.kind in ("country", "area"):
            self.countries += [c for c in found.countries if c not in self.countries]
            return
        entry = {"key": found.facebook_key or "", "name": found.name}
        entry["country"] = found.country or ""
        target = self.regions if found.kind == "region" else self.cities
        if entry["key"] not in {e["key"] for e in target}:
            target.append(entry)

    def add_raw(self, section: str, entry: dict[str, Any]) -> None:
        """A region or city given as Facebook's own ``{"key": ...}`` (from targeting search)."""
        target = self.regions if section == "regions" else self.cities
        shaped = {k: str(v) for k, v in entry.items() if k in ("key", "name", "country")}
        if shaped["key"] not in {e["key"] for e in target}:
            target.append(shaped)

    def without_overlaps(self) -> list[str]:
        """Drop regions and cities inside a targeted country; the warnings say which."""
        warnings: list[str] = []
        for section in ("regions", "cities"):
            kept: list[Location] = []
            for entry in getattr(self, section):
                if entry.get("country") in self.countries:
                    warnings.append(
                        f"geo_locations: '{entry.get('name', entry['key'])}' lies in "
                        f"{entry['country']}, which is targeted whole (Facebook refuses "
                        "overlapping locations); not targeted on its own"
                    )
                else:
                    kept.append(entry)
            setattr(self, section, kept)
        return warnings

    def spec(self) -> dict[str, Any]:
        sections = {"countries": self.countries, "regions": self.regions, "cities": self.cities}
        return {name: values for name, values in sections.items() if values}


def geo_of(texts: list[str], source: str, codes: bool = False) -> tuple[Geo, list[str]]:
    """The places texts name; with ``codes``, a two-letter text is an ISO country code
    first (Facebook's own countries list), otherwise a name or alias ("CA" is ambiguous)."""
    geo = Geo()
    warnings: list[str] = []
    for text in texts:
        found = places.country(text) if codes and len(text.strip()) == 2 else None
        found = found or places.place(text)
        if found is None:
            warnings.append(f"{source} '{text}' is not a known Facebook location; not targeted")
        else:
            geo.add(found)
    return geo, warnings
