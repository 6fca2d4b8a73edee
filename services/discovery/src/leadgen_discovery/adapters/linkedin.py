"""LinkedIn people search (``GET {base}/v2/people/search``) with ``start``/``count`` paging.

The base URL is the sandbox's LinkedIn (``{SANDBOX_URL}/linkedin``) unless
``LINKEDIN_BASE_URL`` says otherwise; ``Authorization: Bearer LINKEDIN_API_KEY``.
Each criterion is a repeatable query parameter whose values are alternatives; the
criteria the API has no parameter for are reported, never sent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import ProspectProfile
from leadgen_common.http_retry import RetryPolicy, Sleep, send_with_retries
from pydantic import SecretStr, ValidationError

from .. import metrics
from ..ports import Found, PlatformUnavailable, SearchPage

logger = logging.getLogger(__name__)

SEARCH_PATH = "/v2/people/search"
MAX_COUNT = 50
#: criteria key (leadgen_common.criteria) -> query parameter of the people search.
PARAMETERS = {
    "titles": "title",
    "locations": "geo",
    "industries": "industry",
    "companySizes": "companySize",
    "keywords": "keywords",
}


class LinkedInPeopleSearch:
    platform = Platform.LINKEDIN

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: SecretStr,
        policy: RetryPolicy,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + SEARCH_PATH
        self.api_key = api_key
        self.policy = policy
        self.sleep = sleep

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        sent = {key: value for key, value in criteria.items() if key in PARAMETERS}
        warnings = [
            f"linkedin: {key} {value!r} is not a people-search filter; not searched"
            for key, value in criteria.items()
            if key not in PARAMETERS
        ]
        return sent, warnings

    async def search(self, criteria: dict[str, Any], start: int, count: int) -> SearchPage:
        count = min(count, MAX_COUNT)
        params = [
            (PARAMETERS[key], value)
            for key, values in criteria.items()
            if key in PARAMETERS
            for value in values
        ] + [("start", start), ("count", count)]
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"}
        attempted = await send_with_retries(
            lambda: self.http.get(self.url, params=params, headers=headers),
            self.policy,
            sleep=self.sleep,
            on_attempt=_count_search,
        )
        response = attempted.response
        if response is None:
            raise PlatformUnavailable(f"linkedin people search: {attempted.error}")
        if response.status_code != 200:
            raise PlatformUnavailable(
                f"linkedin people search refused: HTTP {response.status_code} {_message(response)}"
            )
        return _page(response, start, count)


def _count_search(outcome: str) -> None:
    metrics.PLATFORM_API_CALLS.labels("linkedin", "search", outcome).inc()


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except ValueError:
        return ""


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
        logger.warning("skipping an unusable linkedin search result: %r", exc)
        return None


#: ProspectProfile.activity key -> LinkedIn activity field.
_ACTIVITY = {
    "posts_last_30d": "postsLast30Days",
    "last_active_days": "lastActiveDays",
    "connections": "connections",
    "followers": "followers",
    "recent_topics": "recentTopics",
}
