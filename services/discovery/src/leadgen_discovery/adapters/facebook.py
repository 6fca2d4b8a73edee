"""Facebook people discovery over the Graph API, with Graph cursor paging (``after``).

The base URL is the sandbox's Facebook (``{SANDBOX_URL}/facebook``) unless
``FACEBOOK_BASE_URL`` says otherwise; paths start with ``FACEBOOK_API_VERSION``; the
access token (``FACEBOOK_ACCESS_TOKEN``) goes in the ``Authorization`` header, never in
a URL. The criteria are a Marketing API targeting spec (leadgen_common.criteria).

People come from sources taken in turn, each paged to its end (spec §3.1):

1. ``GET /search?type=user&targeting_spec=…`` -- people matching the spec, best first
   (``facebook:audience`` bucket);
2. for each interest of the spec: its public page (``GET /pages/search?q=``) and that
   page's ``/followers``, ranked by the spec;
3. for each interest: its public group (``GET /search?type=group&q=``) and the group's
   ``/members``, ranked by the spec (lookups and edges in the ``facebook:members``
   bucket).

The same person often appears in several sources; the campaign's seen set publishes
them once. The page token records the source, the page or group it resolved to and the
Graph ``after`` cursor, so a restarted campaign continues where it stopped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from typing import Any

from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import ProspectProfile
from leadgen_common.logging import describe_error
from pydantic import SecretStr, ValidationError

from ..ports import Found, PageRequest, PlatformUnavailable, SearchPage, WaitReporter
from .platform_api import PlatformApi, Request, error_message, refused

logger = logging.getLogger(__name__)

MAX_LIMIT = 100
AUDIENCE, MEMBERS = "audience", "members"
#: The fields of a targeting spec (Marketing API); anything else is not a Facebook filter.
SPEC_FIELDS = frozenset(
    {
        "age_min",
        "age_max",
        "genders",
        "locales",
        "geo_locations",
        "excluded_geo_locations",
        "work_positions",
        "work_employers",
        "industries",
        "education_statuses",
        "education_majors",
        "interests",
        "behaviors",
        "flexible_spec",
        "exclusions",
    }
)
_ERROR_PATHS = (("error", "message"),)


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "people", "followers" (of a page) or "members" (of a group)
    interest: str = ""  # the interest whose page or group it is


@dataclass(frozen=True, slots=True)
class Position:
    """Where paging stands: source index, its page/group id once found, Graph cursor."""

    source: int = 0
    node: str | None = None
    after: str | None = None

    @classmethod
    def decode(cls, token: str | None) -> Position:
        return cls(**json.loads(token)) if token else cls()

    def encode(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    def next_source(self) -> Position:
        return Position(self.source + 1)


def sources(criteria: dict[str, Any]) -> list[Source]:
    names = [entry["name"] for entry in criteria.get("interests", []) if entry.get("name")]
    return (
        [Source("people")]
        + [Source("followers", name) for name in names]
        + [Source("members", name) for name in names]
    )


class FacebookPeopleSearch:
    platform = Platform.FACEBOOK

    def __init__(
        self, api: PlatformApi, *, base_url: str, api_version: str, access_token: SecretStr
    ) -> None:
        self.api = api
        self.base = f"{base_url.rstrip('/')}/{api_version}"
        self.access_token = access_token

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        sent = {key: value for key, value in criteria.items() if key in SPEC_FIELDS}
        warnings = [
            f"facebook: {key} {value!r} is not a targeting spec field; not searched"
            for key, value in criteria.items()
            if key not in SPEC_FIELDS
        ]
        return sent, warnings

    async def search(
        self, criteria: dict[str, Any], page: PageRequest, waits: WaitReporter
    ) -> SearchPage:
        """The next page of the current source; past a source's end, the next source's
        first page (sources without a page, group or people are skipped)."""
        order = sources(criteria)
        spec = json.dumps(criteria, separators=(",", ":"))
        limit = min(page.count, MAX_LIMIT)
        position = Position.decode(page.token)
        while position.source < len(order):
            source = order[position.source]
            if source.kind != "people" and position.node is None:
                node = await self._node_of(source, waits)
                if node is None:
                    position = position.next_source()
                    continue
                position = replace(position, node=node)
            body = await self._people(source, position, spec, limit, waits)
            data, after = _data(body), _next_cursor(body)
            if data:
                following = replace(position, after=after) if after else position.next_source()
                return _page(data, page.start, following, len(order))
            position = position.next_source()  # an empty source (or a cursor to nothing)
        return SearchPage(found=[], consumed=0, exhausted=True)

    async def _node_of(self, source: Source, waits: WaitReporter) -> str | None:
        """The public page (followers) or group (members) of an interest, if any."""
        if source.kind == "followers":
            url, params = f"{self.base}/pages/search", {"q": source.interest, "limit": 1}
        else:
            url, params = f"{self.base}/search", {"type": "group", "q": source.interest}
        found = _data(await self._get(MEMBERS, url, params, waits))
        return str(found[0]["id"]) if found and found[0].get("id") else None

    async def _people(
        self, source: Source, position: Position, spec: str, limit: int, waits: WaitReporter
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"targeting_spec": spec, "limit": limit}
        if position.after:
            params["after"] = position.after
        if source.kind == "people":
            return await self._get(
                AUDIENCE, f"{self.base}/search", {"type": "user", **params}, waits
            )
        url = f"{self.base}/{position.node}/{source.kind}"
        return await self._get(MEMBERS, url, params, waits)

    async def _get(
        self, operation: str, url: str, params: dict[str, Any], waits: WaitReporter
    ) -> dict[str, Any]:
        response = await self.api.call(operation, self._request(url, params), waits)
        if response.status_code != 200:
            reason = error_message(response, *_ERROR_PATHS)
            raise PlatformUnavailable(refused(self.platform, operation, response, reason))
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformUnavailable(f"facebook {operation}: malformed answer ({exc!r})") from exc
        if not isinstance(body, dict):
            raise PlatformUnavailable(f"facebook {operation}: malformed answer")
        return body

    def _request(self, url: str, params: dict[str, Any]) -> Request:
        headers = {"Authorization": f"Bearer {self.access_token.get_secret_value()}"}
        return lambda: self.api.http.get(url, params=params, headers=headers)


def _data(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list):
        raise PlatformUnavailable("facebook: malformed answer (no data list)")
    return [item for item in data if isinstance(item, dict)]


def _next_cursor(body: dict[str, Any]) -> str | None:
    """Graph edges say there is more with ``paging.next``; the cursor is ``after``."""
    paging = body.get("paging") or {}
    if not paging.get("next"):
        return None
    return (paging.get("cursors") or {}).get("after")


def _page(data: list[dict[str, Any]], start: int, following: Position, count: int) -> SearchPage:
    found = []
    for offset, node in enumerate(data):
        profile = _profile(node)
        if profile is not None:
            found.append(Found(start + offset, profile))
    exhausted = following.source >= count  # no source left
    return SearchPage(
        found=found,
        consumed=len(data),
        exhausted=exhausted,
        next_token=None if exhausted else following.encode(),
    )


def _profile(node: dict[str, Any]) -> ProspectProfile | None:
    """A Graph user node as a ProspectProfile; None (logged, skipped) if unusable."""
    work = (node.get("work") or [{}])[0]
    interests = (node.get("interests") or {}).get("data") or []
    try:
        return ProspectProfile(
            platform=Platform.FACEBOOK,
            platform_profile_id=str(node["id"]),
            profile_url=node.get("link") or f"https://www.facebook.com/{node['id']}",
            name=node.get("name") or "",
            headline=node.get("about"),
            title=(work.get("position") or {}).get("name"),
            company_name=(work.get("employer") or {}).get("name"),
            location=(node.get("location") or {}).get("name"),
            summary=node.get("about"),
            skills=[entry["name"] for entry in interests if entry.get("name")],
        )
    except (KeyError, TypeError, AttributeError, ValidationError) as exc:
        logger.warning("skipping an unusable facebook user: %s", describe_error(exc))
        return None
