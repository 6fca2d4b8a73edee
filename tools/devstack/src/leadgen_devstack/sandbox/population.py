"""A deterministic synthetic population: people, their employers, and who is who per platform.

``build_population(size, seed)`` draws the searchable attributes of everyone as columns
(generator.py, about 2 s for 200,000 people on one core) and renders a person or company
as an object only when asked (render.py). The same (size, seed) always gives the same
population, on every run and machine; within a process it is built once and shared, and
``cache_dir`` keeps the columns in a file so a restarted server loads them in a blink.

Every person is on LinkedIn (``li-000123``); most are on Facebook and many on X, each
with that platform's id. ``index_of`` maps any of those ids back to the person.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .generator import CompanyColumns, PeopleColumns, generate
from .render import Company, Person, render_company, render_person

logger = logging.getLogger(__name__)

DEFAULT_SIZE = 200_000
DEFAULT_SEED = 20_240_611
# Odd multipliers mod 2**32 are bijections: ids that look random yet map back to an index.
_FACEBOOK_FACTOR = 2_654_435_761
_X_FACTOR = 2_246_822_519
_MASK = 2**32 - 1
_FACEBOOK_BASE = 100_000_000_000_000
_X_BASE = 1_400_000_000_000_000_000


def linkedin_id(index: int) -> str:
    return f"li-{index:06d}"


def facebook_id(index: int) -> str:
    return str(_FACEBOOK_BASE + (index * _FACEBOOK_FACTOR & _MASK))


def x_id(index: int) -> str:
    return str(_X_BASE + (index * _X_FACTOR & _MASK))


def _unscramble(value: int, factor: int) -> int:
    return value * pow(factor, -1, 2**32) & _MASK


class _Lazy(Sequence):
    """A read-only sequence whose items are rendered on access (and cached)."""

    def __init__(self, size: int, item) -> None:
        self._size = size
        self._item = item

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        return self._item(index)

    def __iter__(self) -> Iterator:
        return (self._item(i) for i in range(self._size))


@dataclass(frozen=True)
class Population:
    size: int
    seed: int
    people_columns: PeopleColumns
    company_columns: CompanyColumns
    _domains: dict[str, int] = field(repr=False)

    @classmethod
    def from_columns(cls, size: int, seed: int, people: PeopleColumns,
                     companies: CompanyColumns) -> Population:  # fmt: skip
        domains = {domain: i for i, domain in enumerate(companies.domain)}
        return cls(size, seed, people, companies, domains)

    # -- objects ------------------------------------------------------------------------

    @cached_property
    def _person_cache(self):
        return lru_cache(maxsize=65_536)(self._render_person)

    @cached_property
    def _company_cache(self):
        return lru_cache(maxsize=65_536)(self._render_company)

    def _render_person(self, index: int) -> Person:
        return render_person(
            self.people_columns, index, self.seed, self.company, len(self.company_columns.name)
        )

    def _render_company(self, index: int) -> Company:
        return render_company(self.company_columns, index, self.seed)

    def person(self, index: int) -> Person:
        return self._person_cache(index)

    def company(self, index: int) -> Company:
        return self._company_cache(index)

    @cached_property
    def people(self) -> Sequence[Person]:
        return _Lazy(self.size, self.person)

    @cached_property
    def companies(self) -> Sequence[Company]:
        return _Lazy(len(self.company_columns.name), self.company)

    def company_index(self, domain: str) -> int | None:
        """The company on ``domain`` (lower case, no "www."), None if nobody is."""
        return self._domains.get(domain)

    def company_by_domain(self, domain: str) -> Company | None:
        index = self._domains.get(domain)
        return None if index is None else self.company(index)

    @cached_property
    def company_people(self) -> tuple[tuple[int, ...], ...]:
        """Company index -> its people's indexes, in index order."""
        members: list[list[int]] = [[] for _ in self.company_columns.name]
        for person, company in enumerate(self.people_columns.company):
            members[company].append(person)
        return tuple(tuple(people) for people in members)

    # -- ids ----------------------------------------------------------------------------

    def index_of(self, person_id: str | int) -> int | None:
        """The person behind a LinkedIn, Facebook or X id (or an index); None if nobody."""
        if isinstance(person_id, int):
            index = person_id
        elif person_id.startswith("li-"):
            digits = person_id[3:]
            index = int(digits) if digits.isdigit() and len(digits) >= 6 else -1
            if linkedin_id(index) != person_id:
                return None
        elif person_id.isdigit() and len(person_id) == 15:
            index = _unscramble(int(person_id) - _FACEBOOK_BASE, _FACEBOOK_FACTOR)
            if facebook_id(index) != person_id or not self.on_facebook(index):
                return None
        elif person_id.isdigit() and len(person_id) == 19:
            index = _unscramble(int(person_id) - _X_BASE, _X_FACTOR)
            if x_id(index) != person_id or not self.on_x(index):
                return None
        else:
            return None
        return index if 0 <= index < self.size else None

    def on_facebook(self, index: int) -> bool:
        return 0 <= index < self.size and bool(self.people_columns.platforms[index] & 1)

    def on_x(self, index: int) -> bool:
        return 0 <= index < self.size and bool(self.people_columns.platforms[index] & 2)

    def fingerprint(self) -> str:
        """sha256 over every column: equal fingerprints mean equal populations."""
        return _digest(self.people_columns, self.company_columns)


def _digest(people: PeopleColumns, companies: CompanyColumns) -> str:
    digest = hashlib.sha256()
    for columns in (people, companies):
        for name in columns.__dataclass_fields__:
            value = getattr(columns, name)
            parts = value if isinstance(value, tuple) else (value,)
            for part in parts:
                digest.update(part.encode() if isinstance(part, str) else bytes(part))
    return digest.hexdigest()


# -- building and caching ------------------------------------------------------------------

_BUILT: dict[tuple[int, int], Population] = {}
_LOCK = threading.Lock()
_SOURCES = (
    "generator.py", "personas.py", "personas.json", "roles.py", "industries.py", "geo.py",
    "concerns.py", "vocabulary.py", "shared_tables.py",
)  # fmt: skip
_SHARED = (
    "facebook_interests.json", "facebook_behaviors.json", "locations.json",
)  # fmt: skip


def _code_version() -> str:
    """Digest of everything the columns depend on: a changed generator invalidates caches."""
    from importlib import resources

    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    shared = resources.files("leadgen_common.criteria").joinpath("data")
    for name in _SHARED:
        digest.update(shared.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def _load(path: Path) -> tuple[PeopleColumns, CompanyColumns] | None:
    try:
        with path.open("rb") as file:
            people, companies = pickle.load(file)  # noqa: S301 -- our own file, keyed by digest
        return people, companies
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
        return None


def _store(path: Path, columns: tuple[PeopleColumns, CompanyColumns]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as file:
            pickle.dump(columns, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)  # atomic: a concurrent reader sees all or nothing
    except OSError as exc:
        logger.warning("could not cache the population in %s: %s", path, exc)


def build_population(
    size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, cache_dir: Path | None = None
) -> Population:
    """The population of ``size`` people for ``seed``: built once per process, and read
    from (or written to) ``cache_dir/population-<size>-<seed>-<version>.pickle`` if given."""
    if size < 1:
        raise ValueError("population size must be positive")
    with _LOCK:
        built = _BUILT.get((size, seed))
        if built is not None:
            return built
        path = (
            cache_dir / f"population-{size}-{seed}-{_code_version()}.pickle" if cache_dir else None
        )
        columns = _load(path) if path and path.exists() else None
        if columns is None:
            columns = generate(size, seed)
            if path:
                _store(path, columns)
        population = Population.from_columns(size, seed, *columns)
        _BUILT[size, seed] = population
        return population
