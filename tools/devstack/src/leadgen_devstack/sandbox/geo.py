"""Countries, cities and macro regions of the synthetic population, and geo aliases.

Search criteria name places loosely ("USA", "UK", "North America", "California"),
so every place a person or company is in expands to a set of lower-case keys that a
criterion can hit: city, region, region code, country, country code, aliases and the
macro regions the country belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    region_code: str
    lat: float
    lng: float
    postal_code: str


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    code: str  # ISO 3166-1 alpha-2, as LinkedIn and Clearbit use it
    locale: str  # name pool and LinkedIn preferredLocale language
    tld: str
    legal_suffix: str
    time_zone: str
    utc_offset: int
    cities: tuple[City, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "United States",
        "US",
        "en",
        "com",
        "Inc.",
        "America/New_York",
        -5,
        (
            City("San Francisco", "California", "CA", 37.7749, -122.4194, "94105"),
            City("New York", "New York", "NY", 40.7128, -74.0060, "10001"),
            City("Austin", "Texas", "TX", 30.2672, -97.7431, "78701"),
            City("Seattle", "Washington", "WA", 47.6062, -122.3321, "98101"),
            City("Boston", "Massachusetts", "MA", 42.3601, -71.0589, "02110"),
            City("Chicago", "Illinois", "IL", 41.8781, -87.6298, "60601"),
            City("Denver", "Colorado", "CO", 39.7392, -104.9903, "80202"),
            City("Atlanta", "Georgia", "GA", 33.7490, -84.3880, "30303"),
        ),
    ),
    Country(
        "United Kingdom",
        "GB",
        "en",
        "co.uk",
        "Ltd",
        "Europe/London",
        0,
        (
            City("London", "England", "ENG", 51.5074, -0.1278, "EC1A 1BB"),
            City("Manchester", "England", "ENG", 53.4808, -2.2426, "M1 1AE"),
            City("Edinburgh", "Scotland", "SCT", 55.9533, -3.1883, "EH1 1YZ"),
            City("Bristol", "England", "ENG", 51.4545, -2.5879, "BS1 4DJ"),
            City("Cambridge", "England", "ENG", 52.2053, 0.1218, "CB2 1TN"),
        ),
    ),
    Country(
        "Canada",
        "CA",
        "en",
        "ca",
        "Inc.",
        "America/Toronto",
        -5,
        (
            City("Toronto", "Ontario", "ON", 43.6532, -79.3832, "M5H 2N2"),
            City("Vancouver", "British Columbia", "BC", 49.2827, -123.1207, "V6B 1A1"),
            City("Montreal", "Quebec", "QC", 45.5017, -73.5673, "H2Y 1C6"),
            City("Ottawa", "Ontario", "ON", 45.4215, -75.6972, "K1P 1J1"),
        ),
    ),
    Country(
        "Germany",
        "DE",
        "de",
        "de",
        "GmbH",
        "Europe/Berlin",
        1,
        (
            City("Berlin", "Berlin", "BE", 52.5200, 13.4050, "10115"),
            City("Munich", "Bavaria", "BY", 48.1351, 11.5820, "80331"),
            City("Hamburg", "Hamburg", "HH", 53.5511, 9.9937, "20095"),
            City("Frankfurt", "Hesse", "HE", 50.1109, 8.6821, "60311"),
        ),
    ),
    Country(
        "France",
        "FR",
        "fr",
        "fr",
        "SAS",
        "Europe/Paris",
        1,
        (
            City("Paris", "Ile-de-France", "IDF", 48.8566, 2.3522, "75001"),
            City("Lyon", "Auvergne-Rhone-Alpes", "ARA", 45.7640, 4.8357, "69001"),
            City("Toulouse", "Occitanie", "OCC", 43.6047, 1.4442, "31000"),
        ),
    ),
    Country(
        "Netherlands",
        "NL",
        "nl",
        "nl",
        "B.V.",
        "Europe/Amsterdam",
        1,
        (
            City("Amsterdam", "North Holland", "NH", 52.3676, 4.9041, "1012 JS"),
            City("Rotterdam", "South Holland", "ZH", 51.9244, 4.4777, "3011 AD"),
            City("Utrecht", "Utrecht", "UT", 52.0907, 5.1214, "3511 LX"),
        ),
    ),
    Country(
        "India",
        "IN",
        "hi",
        "in",
        "Pvt Ltd",
        "Asia/Kolkata",
        5,
        (
            City("Bengaluru", "Karnataka", "KA", 12.9716, 77.5946, "560001"),
            City("Mumbai", "Maharashtra", "MH", 19.0760, 72.8777, "400001"),
            City("Hyderabad", "Telangana", "TG", 17.3850, 78.4867, "500001"),
            City("Pune", "Maharashtra", "MH", 18.5204, 73.8567, "411001"),
        ),
    ),
    Country(
        "Australia",
        "AU",
        "en",
        "com.au",
        "Pty Ltd",
        "Australia/Sydney",
        10,
        (
            City("Sydney", "New South Wales", "NSW", -33.8688, 151.2093, "2000"),
            City("Melbourne", "Victoria", "VIC", -37.8136, 144.9631, "3000"),
            City("Brisbane", "Queensland", "QLD", -27.4698, 153.0251, "4000"),
        ),
    ),
    Country(
        "Brazil",
        "BR",
        "pt",
        "com.br",
        "Ltda",
        "America/Sao_Paulo",
        -3,
        (
            City("Sao Paulo", "Sao Paulo", "SP", -23.5505, -46.6333, "01000-000"),
            City("Rio de Janeiro", "Rio de Janeiro", "RJ", -22.9068, -43.1729, "20000-000"),
            City("Belo Horizonte", "Minas Gerais", "MG", -19.9167, -43.9345, "30100-000"),
        ),
    ),
    Country(
        "Spain",
        "ES",
        "es",
        "es",
        "S.L.",
        "Europe/Madrid",
        1,
        (
            City("Madrid", "Community of Madrid", "MD", 40.4168, -3.7038, "28001"),
            City("Barcelona", "Catalonia", "CT", 41.3874, 2.1686, "08001"),
        ),
    ),
)

COUNTRY_BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}

#: Macro regions a criterion may name; a country belongs to every region listing it.
MACRO_REGIONS: dict[str, tuple[str, ...]] = {
    "north america": ("US", "CA"),
    "western europe": ("GB", "DE", "FR", "NL", "ES"),
    "europe": ("GB", "DE", "FR", "NL", "ES"),
    "emea": ("GB", "DE", "FR", "NL", "ES"),
    "dach": ("DE",),
    "benelux": ("NL",),
    "apac": ("IN", "AU"),
    "asia pacific": ("IN", "AU"),
    "latin america": ("BR",),
    "latam": ("BR",),
    "south america": ("BR",),
}

#: Other names people type for a country.
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "brasil": "BR",
}


def _country_keys(country: Country) -> frozenset[str]:
    keys = {country.name.lower(), country.code.lower()}
    keys.update(alias for alias, code in COUNTRY_ALIASES.items() if code == country.code)
    keys.update(region for region, codes in MACRO_REGIONS.items() if country.code in codes)
    return frozenset(keys)


_COUNTRY_KEYS: dict[str, frozenset[str]] = {c.code: _country_keys(c) for c in COUNTRIES}


@cache
def place_keys(country: Country, city: City) -> frozenset[str]:
    """Every lower-case name under which a criterion may find this place."""
    return _COUNTRY_KEYS[country.code] | {
        city.name.lower(),
        city.region.lower(),
        f"{city.region_code.lower()}, {country.code.lower()}",
    }
