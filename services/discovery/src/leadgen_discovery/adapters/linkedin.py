"""LinkedIn people search (``GET {base}/v2/people/search``) with ``start``/``count`` paging.

The base URL is the sandbox's LinkedIn (``{SANDBOX_URL}/linkedin``) unless
``LINKEDIN_BASE_URL`` says otherwise. Requests carry an application token from OAuth2
client credentials (:mod:`.oauth`), refreshed when it expires or is refused. Each call
takes a ``linkedin:search`` token from the shared rate limiter first.

Each criterion is a repeatable query parameter whose values are alternatives. The
translated criteria say three things twice, as names and as LinkedIn ids (``geoIds`` for
``locations``, ...); ``LINKEDIN_FILTER_VALUES`` says which of the two the search sends
(``names`` by default, ``ids`` for an API that takes only ids) and the other is left out
without a warning: it is the same filter. A criterion the API has no parameter for is
reported, never sent.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import httpx
from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import ProspectProfile
from leadgen_common.logging import describe_error
from pydantic import ValidationError

from ..ports import Found, PageRequest, PlatformUnavailable, SearchPage, WaitReporter
from .oauth import ClientCredentials
from .platform_api import PlatformApi, Request, error_message, refused

logger = logging.getLogger(__name__)

FilterValues = Literal["names", "ids"]
SEARCH_PATH = "/v2/people/search"
OPERATION = "search"
MAX_COUNT = 50
#: criteria key (leadgen_common.criteria) -> query parameter of the people search.
COMMON = {
    "titles": "title",
    "companySizes": "companySize",
    "keywords": "keywords",
    "activityLevel": "activityLevel",
}
BY_NAME = {"seniorities": "seniority", "locations": "geo", "industries": "industry"}
BY_ID = {"seniorityIds": "seniority", "geoIds": "geoId", "industryIds": "industryId"}
PARAMETERS: dict[FilterValues, dict[str, str]] = {
    "names": COMMON | BY_NAME,
    "ids": COMMON | BY_ID,
}
#: Each criterion that names a filter and the one that gives its ids.
TWINS = dict(zip(BY_NAME, BY_ID, strict=True)) | dict(zip(BY_ID, BY_NAME, strict=True))


class LinkedInPeopleSearch:
    platform = Platform.LINKEDIN

    def __init__(
        self,
        api: PlatformApi,
        *,
        base_url: str,
        credentials: ClientCredentials,
        filter_values: FilterValues = "names",
    ) -> None:
        self.api = api
        self.url = base_url.rstrip("/") + SEARCH_PATH
        self.credentials = credentials
        self.parameters = PARAMETERS[filter_values]

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        sent = {key: value for key, value in criteria.items() if key in self.parameters}
        warnings = [
            f"linkedin: {key} {value!r} is not a people-search filter; not searched"
            for key, value in criteria.items()
            if key not in sent and TWINS.get(key) not in sent
        ]
        return sent, warnings

    async def search(
        self, criteria: dict[str, Any], page: PageRequest, waits: WaitReporter
    ) -> SearchPage:
        count = min(page.count, MAX_COUNT)
        params = [
            (self.parameters[key], value)
            for key, values in criteria.items()
            if key in self.parameters
            for value in (values if isinstance(values, list) else [values])
        ] + [("start", page.start), ("count", count)]
        response = await self._authorized_get(params, waits)
        if response.status_code != 200:
            reason = error_message(response)
            raise PlatformUnavailable(refused(self.platform, "people search", response, reason))
        return _page(response, page.start, count)

    async def _authorized_get(self, params: list[Any], waits: WaitReporter) -> httpx.Response:
        """One search; a 401 means the token went stale: once more with a fresh one."""
        for _ in range(2):
            token = await self.credentials.bearer()
            response = await self.api.call(OPERATION, self._get(params, token), waits)
            if response.status_code != 401:
                return response
            self.credentials.refused(token)
        return response

    def _get(self, params: list[Any], token: str) -> Request:
        headers = {"Authorization": f"Bearer {token}"}
        return lambda: self.api.http.get(self.url, params=params, headers=headers)


def _page(response: httpx.Response, start: int, count: int) -> SearchPage:
    try:
        body = response.json()
        elements = body["elements"]
        total = body.get("paging", {}).get("total")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PlatformUnavailable(f"linkedin people search: malformed answer ({exc!r})") from exc
    found = []
    for offset, element in enumerate(elements):
        profile = _profile(element)
        if profile is not None:
            found.append(Found(start + offset, profile))
    end = start + len(elements)
    exhausted = len(elements) < count or (isinstance(total, int) and end >= total)
    return SearchPage(found=found, consumed=len(elements), exhausted=exhausted)


def _current_position(element: dict[str, Any]) -> dict[str, Any]:
    positions = element.get("positions") or []
    return next((p for p in positions if p.get("isCurrent")), positions[0] if positions else {})


def _profile(element: dict[str, Any]) -> ProspectProfile | None:
    """A LinkedIn member as a ProspectProfile; None (logged, skipped) if unusable."""
    position = _current_position(element)
    company = position.get("company") or {}
    activity = element.get("activity") or {}
    name = " ".join(
        part
        for part in (element.get("localizedFirstName"), element.get("localizedLastName"))
        if part
    )
    try:
        return ProspectProfile(
            platform=Platform.LINKEDIN,
            platform_profile_id=element["id"],
            profile_url=element.get("publicProfileUrl")
            or f"https://www.linkedin.com/in/{element.get('vanityName') or element['id']}",
            name=name,
            headline=element.get("localizedHeadline"),
            title=position.get("title"),
            company_name=position.get("companyName") or company.get("name"),
            company_domain=company.get("domain"),
            location=(element.get("location") or {}).get("localizedName"),
            industry=element.get("industryName") or company.get("industry"),
            summary=element.get("summary"),
            skills=list(element.get("skills") or []),
            activity={
                key: activity[source]
                for key, source in _ACTIVITY.items()
                if activity.get(source) is not None
            },
        )
    except (KeyError, TypeError, ValidationError) as exc:
        logger.warning("skipping an unusable linkedin search result: %s", describe_error(exc))
        return None


#: ProspectProfile.activity key -> LinkedIn activity field.
_ACTIVITY = {
    "posts_last_30d": "postsLast30Days",
    "last_active_days": "lastActiveDays",
    "connections": "connections",
    "followers": "followers",
    "recent_topics": "recentTopics",
}
