"""Countries and cities of the synthetic population, and the names a search may use for them.

Search criteria name places loosely ("USA", "UK", "North America", "California", "SF",
"Deutschland"), so every place a person or company is in expands to a set of keys a
criterion can hit: city, region, region code, country, country code, their aliases and
the macro regions the country belongs to. Aliases, macro regions, LinkedIn geo ids and
Facebook location keys come from the shared location table (shared_tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .shared_tables import countries as shared_countries
from .shared_tables import places as shared_places
from .shared_tables import regions as shared_regions
from .shared_tables import text_key


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    region_code: str
    lat: float
    lng: float
    postal_code: str
    country_code: str
    index: int  # position in CITIES, the population's city column


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
    index: int  # position in COUNTRIES


# name, code, locale, tld, legal suffix, time zone, UTC offset; then its cities as
# "City|Region|RC|lat|lng|postal" lines.
_COUNTRY_ROWS = (
    (
        "United States",
        "US",
        "en",
        "com",
        "Inc.",
        "America/New_York",
        -5,
        """
San Francisco|California|CA|37.7749|-122.4194|94105
New York|New York|NY|40.7128|-74.0060|10001
Austin|Texas|TX|30.2672|-97.7431|78701
Seattle|Washington|WA|47.6062|-122.3321|98101
Boston|Massachusetts|MA|42.3601|-71.0589|02110
Chicago|Illinois|IL|41.8781|-87.6298|60601
Denver|Colorado|CO|39.7392|-104.9903|80202
Atlanta|Georgia|GA|33.7490|-84.3880|30303
Miami|Florida|FL|25.7617|-80.1918|33131
Los Angeles|California|CA|34.0522|-118.2437|90012""",
    ),
    (
        "United Kingdom",
        "GB",
        "en",
        "co.uk",
        "Ltd",
        "Europe/London",
        0,
        """
London|England|ENG|51.5074|-0.1278|EC1A 1BB
Manchester|England|ENG|53.4808|-2.2426|M1 1AE
Edinburgh|Scotland|SCT|55.9533|-3.1883|EH1 1YZ
Bristol|England|ENG|51.4545|-2.5879|BS1 4DJ
Cambridge|England|ENG|52.2053|0.1218|CB2 1TN""",
    ),
    (
        "Canada",
        "CA",
        "en",
        "ca",
        "Inc.",
        "America/Toronto",
        -5,
        """
Toronto|Ontario|ON|43.6532|-79.3832|M5H 2N2
Vancouver|British Columbia|BC|49.2827|-123.1207|V6B 1A1
Montreal|Quebec|QC|45.5017|-73.5673|H2Y 1C6
Ottawa|Ontario|ON|45.4215|-75.6972|K1P 1J1""",
    ),
    (
        "Germany",
        "DE",
        "de",
        "de",
        "GmbH",
        "Europe/Berlin",
        1,
        """
Berlin|Berlin|BE|52.5200|13.4050|10115
Munich|Bavaria|BY|48.1351|11.5820|80331
Hamburg|Hamburg|HH|53.5511|9.9937|20095
Frankfurt|Hesse|HE|50.1109|8.6821|60311""",
    ),
    (
        "France",
        "FR",
        "fr",
        "fr",
        "SAS",
        "Europe/Paris",
        1,
        """
Paris|Ile-de-France|IDF|48.8566|2.3522|75001
Lyon|Auvergne-Rhone-Alpes|ARA|45.7640|4.8357|69001
Toulouse|Occitanie|OCC|43.6047|1.4442|31000""",
    ),
    (
        "Netherlands",
        "NL",
        "nl",
        "nl",
        "B.V.",
        "Europe/Amsterdam",
        1,
        """
Amsterdam|North Holland|NH|52.3676|4.9041|1012 JS
Rotterdam|South Holland|ZH|51.9244|4.4777|3011 AD
Utrecht|Utrecht|UT|52.0907|5.1214|3511 LX""",
    ),
    (
        "Ireland",
        "IE",
        "en",
        "ie",
        "Ltd",
        "Europe/Dublin",
        0,
        """
Dublin|Leinster|L|53.3498|-6.2603|D02 X285
Cork|Munster|M|51.8985|-8.4756|T12 X70A""",
    ),
    (
        "Spain",
        "ES",
        "es",
        "es",
        "S.L.",
        "Europe/Madrid",
        1,
        """
Madrid|Community of Madrid|MD|40.4168|-3.7038|28001
Barcelona|Catalonia|CT|41.3874|2.1686|08001""",
    ),
    (
        "Italy",
        "IT",
        "it",
        "it",
        "S.r.l.",
        "Europe/Rome",
        1,
        """
Milan|Lombardy|LOM|45.4642|9.1900|20121
Rome|Lazio|LAZ|41.9028|12.4964|00184""",
    ),
    (
        "Sweden",
        "SE",
        "sv",
        "se",
        "AB",
        "Europe/Stockholm",
        1,
        """
Stockholm|Stockholm County|AB|59.3293|18.0686|111 20
Gothenburg|Vastra Gotaland|O|57.7089|11.9746|411 03""",
    ),
    (
        "Switzerland",
        "CH",
        "de",
        "ch",
        "AG",
        "Europe/Zurich",
        1,
        """
Zurich|Zurich|ZH|47.3769|8.5417|8001
Geneva|Geneva|GE|46.2044|6.1432|1201""",
    ),
    (
        "Poland",
        "PL",
        "pl",
        "pl",
        "Sp. z o.o.",
        "Europe/Warsaw",
        1,
        """
Warsaw|Masovia|MZ|52.2297|21.0122|00-001
Krakow|Lesser Poland|MA|50.0647|19.9450|30-001""",
    ),
    (
        "Israel",
        "IL",
        "he",
        "co.il",
        "Ltd",
        "Asia/Jerusalem",
        2,
        """
Tel Aviv|Tel Aviv District|TA|32.0853|34.7818|6100000""",
    ),
    (
        "United Arab Emirates",
        "AE",
        "ar",
        "ae",
        "LLC",
        "Asia/Dubai",
        4,
        """
Dubai|Dubai|DU|25.2048|55.2708|00000""",
    ),
    (
        "India",
        "IN",
        "hi",
        "in",
        "Pvt Ltd",
        "Asia/Kolkata",
        5,
        """
Bengaluru|Karnataka|KA|12.9716|77.5946|560001
Mumbai|Maharashtra|MH|19.0760|72.8777|400001
Hyderabad|Telangana|TG|17.3850|78.4867|500001
Pune|Maharashtra|MH|18.5204|73.8567|411001
Delhi|Delhi|DL|28.7041|77.1025|110001""",
    ),
    (
        "Japan",
        "JP",
        "ja",
        "jp",
        "K.K.",
        "Asia/Tokyo",
        9,
        """
Tokyo|Tokyo|13|35.6762|139.6503|100-0001
Osaka|Osaka|27|34.6937|135.5023|530-0001""",
    ),
    (
        "Singapore",
        "SG",
        "en",
        "sg",
        "Pte Ltd",
        "Asia/Singapore",
        8,
        """
Singapore|Central Region|CR|1.3521|103.8198|018989""",
    ),
    (
        "Australia",
        "AU",
        "en",
        "com.au",
        "Pty Ltd",
        "Australia/Sydney",
        10,
        """
Sydney|New South Wales|NSW|-33.8688|151.2093|2000
Melbourne|Victoria|VIC|-37.8136|144.9631|3000
Brisbane|Queensland|QLD|-27.4698|153.0251|4000""",
    ),
    (
        "New Zealand",
        "NZ",
        "en",
        "co.nz",
        "Ltd",
        "Pacific/Auckland",
        12,
        """
Auckland|Auckland|AUK|-36.8485|174.7633|1010""",
    ),
    (
        "Brazil",
        "BR",
        "pt",
        "com.br",
        "Ltda",
        "America/Sao_Paulo",
        -3,
        """
Sao Paulo|Sao Paulo|SP|-23.5505|-46.6333|01000-000
Rio de Janeiro|Rio de Janeiro|RJ|-22.9068|-43.1729|20000-000
Belo Horizonte|Minas Gerais|MG|-19.9167|-43.9345|30100-000""",
    ),
    (
        "Mexico",
        "MX",
        "es",
        "com.mx",
        "S.A. de C.V.",
        "America/Mexico_City",
        -6,
        """
Mexico City|Mexico City|CMX|19.4326|-99.1332|06000
Guadalajara|Jalisco|JAL|20.6597|-103.3496|44100""",
    ),
    (
        "South Africa",
        "ZA",
        "en",
        "co.za",
        "(Pty) Ltd",
        "Africa/Johannesburg",
        2,
        """
Johannesburg|Gauteng|GP|-26.2041|28.0473|2000
Cape Town|Western Cape|WC|-33.9249|18.4241|8001""",
    ),
)


def _countries() -> tuple[tuple[Country, ...], tuple[City, ...]]:
    countries: list[Country] = []
    cities: list[City] = []
    for index, (name, code, locale, tld, suffix, zone, offset, rows) in enumerate(_COUNTRY_ROWS):
        own: list[City] = []
        for line in rows.strip().splitlines():
            city, region, region_code, lat, lng, postal = line.split("|")
            own.append(
                City(city, region, region_code, float(lat), float(lng), postal, code, len(cities))
            )
            cities.append(own[-1])
        countries.append(Country(name, code, locale, tld, suffix, zone, offset, tuple(own), index))
    return tuple(countries), tuple(cities)


COUNTRIES, CITIES = _countries()
COUNTRY_BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}


@cache
def _shared_country(code: str) -> dict:
    return next((c for c in shared_countries() if c["code"] == code), {"aliases": []})


@cache
def _shared_place(name: str, country_code: str) -> dict | None:
    key = text_key(name)
    return next(
        (
            place
            for place in shared_places()
            if place["country"] == country_code and text_key(place["name"]) == key
        ),
        None,
    )


def linkedin_geo_id(country: Country) -> str | None:
    return _shared_country(country.code).get("linkedinGeoId")


def city_geo_id(city: City) -> str:
    """LinkedIn geo id of a city: the shared table's, else a modeled one (87xxxxxxx)."""
    place = _shared_place(city.name, city.country_code)
    return place["linkedinGeoId"] if place else f"87{city.index:07d}"


def city_facebook_key(city: City) -> str:
    """Facebook location key of a city: the shared table's, else a modeled one (93xxxxx)."""
    place = _shared_place(city.name, city.country_code)
    return place["facebookKey"] if place else f"93{city.index:05d}"


def region_facebook_key(city: City) -> str:
    place = _shared_place(city.region, city.country_code)
    return place["facebookKey"] if place else f"94{city.index:05d}"


@cache
def _country_keys(code: str) -> frozenset[str]:
    country = COUNTRY_BY_CODE[code]
    shared = _shared_country(code)
    keys = {text_key(country.name), code.lower(), *(text_key(a) for a in shared["aliases"])}
    for region in shared_regions():
        if code in region["countries"]:
            keys.update(text_key(name) for name in (region["name"], *region["aliases"]))
    return frozenset(keys)


@cache
def city_keys(city: City) -> frozenset[str]:
    """Every key under which a criterion finds this city: its own, region's and country's."""
    keys = {
        text_key(city.name),
        text_key(city.region),
        text_key(f"{city.region_code}, {city.country_code}"),
    }
    for name in (city.name, city.region):
        place = _shared_place(name, city.country_code)
        if place:
            keys.update(text_key(alias) for alias in place["aliases"])
    return _country_keys(city.country_code) | keys


def place_key(value: str) -> str:
    """Criterion form of a place ("North  America", "São Paulo" -> "sao paulo")."""
    return text_key(value)


@cache
def geo_id_places() -> dict[str, frozenset[int]]:
    """LinkedIn geo id -> the city indexes it covers (a country id covers its cities)."""
    table: dict[str, set[int]] = {}
    for country in COUNTRIES:
        geo_id = linkedin_geo_id(country)
        if geo_id:
            table.setdefault(geo_id, set()).update(city.index for city in country.cities)
    for city in CITIES:
        table.setdefault(city_geo_id(city), set()).add(city.index)
        region = _shared_place(city.region, city.country_code)
        if region:
            table.setdefault(region["linkedinGeoId"], set()).add(city.index)
    return {geo_id: frozenset(cities) for geo_id, cities in table.items()}
