"""X (Twitter) users search (``GET {base}/2/users/search``) with ``next_token`` paging.

The base URL is the sandbox's X (``{SANDBOX_URL}/twitter``) unless ``TWITTER_BASE_URL``
says otherwise; requests carry the app-only bearer token ``TWITTER_BEARER_TOKEN``. Each
call takes a ``twitter:search`` token from the shared rate limiter first.

The criteria's ``query`` (titles, industry terms and keywords, within X's query length)
is what is searched; ``titles``, ``industries`` and ``keywords`` are its parts, shown in
the campaign status but not sent again. ``postsQuery`` is for recent-post search, which
this adapter does not use: it is reported, never silently dropped.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from leadgen_common.contracts import Platform
from leadgen_common.contracts.events import ProspectProfile
from leadgen_common.logging import describe_error
from pydantic import SecretStr, ValidationError

from ..ports import Found, PageRequest, PlatformUnavailable, SearchPage, WaitReporter
from .platform_api import PlatformApi, Request, error_message, refused

logger = logging.getLogger(__name__)

SEARCH_PATH = "/2/users/search"
OPERATION = "search"
MAX_RESULTS = 1000
USER_FIELDS = "description,location,public_metrics,created_at"
#: What the query is built from: the same filter, said again.
QUERY_PARTS = frozenset({"titles", "industries", "keywords"})
#: v2 problems: an invalid request names the parameter's problem first.
_ROLE = re.compile(
    r"^(?P<title>[^@,]{2,60}?)\s+(?:@(?P<handle>\w{1,40})|at\s+(?P<name>[A-Z][^,.;]{0,39}))"
)
_ERROR_PATHS: tuple[tuple[str | int, ...], ...] = (("errors", 0, "message"), ("detail",))


class TwitterPeopleSearch:
    platform = Platform.TWITTER

    def __init__(self, api: PlatformApi, *, base_url: str, bearer_token: SecretStr) -> None:
        self.api = api
        self.url = base_url.rstrip("/") + SEARCH_PATH
        self.bearer_token = bearer_token

    def usable(self, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        sent = {"query": criteria["query"]} if criteria.get("query") else {}
        warnings = [  # without the value: a query repeated in full is noise
            f"twitter: {key} is not a users-search filter; not searched"
            for key in criteria
            if key not in sent and key not in QUERY_PARTS
        ]
        return sent, warnings

    async def search(
        self, criteria: dict[str, Any], page: PageRequest, waits: WaitReporter
    ) -> SearchPage:
        if not criteria.get("query"):
            # X refuses an empty query; nothing in the ICP said whom to look for.
            return SearchPage(found=[], consumed=0, exhausted=True)
        params: dict[str, Any] = {
            "query": criteria["query"],
            "max_results": min(page.count, MAX_RESULTS),
            "user.fields": USER_FIELDS,
        }
        if page.token:
            params["next_token"] = page.token
        response = await self.api.call(OPERATION, self._request(params), waits)
        if response.status_code != 200:
            reason = error_message(response, *_ERROR_PATHS)
            raise PlatformUnavailable(refused(self.platform, "users search", response, reason))
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformUnavailable(f"twitter users search: malformed answer ({exc!r})") from exc
        return _page(body, page.start)

    def _request(self, params: dict[str, Any]) -> Request:
        headers = {"Authorization": f"Bearer {self.bearer_token.get_secret_value()}"}
        return lambda: self.api.http.get(self.url, params=params, headers=headers)


def _page(body: Any, start: int) -> SearchPage:
    if not isinstance(body, dict) or not isinstance(body.get("meta", {}), dict):
        raise PlatformUnavailable("twitter users search: malformed answer")
    users = body.get("data") or []  # v2 leaves data out when nothing matched
    next_token = body.get("meta", {}).get("next_token")
    found = []
    for offset, user in enumerate(users):
        profile = _profile(user)
        if profile is not None:
            found.append(Found(start + offset, profile))
    return SearchPage(
        found=found,
        consumed=len(users),
        exhausted=not next_token,
        next_token=next_token or None,
    )


def role_in(bio: str) -> tuple[str | None, str | None]:
    """(title, employer) when a bio opens the common way, "VP Sales @acme | ..." or
    "CTO at Acme, ..."; (None, None) when it does not (scoring reads the whole bio)."""
    match = _ROLE.match(bio.split("|", 1)[0].split("·", 1)[0].strip())
    if match is None:
        return None, None
    return match["title"].strip(), (match["handle"] or match["name"]).strip()


def _profile(user: dict[str, Any]) -> ProspectProfile | None:
    """An X user as a ProspectProfile; None (logged, skipped) if unusable."""
    metrics = user.get("public_metrics") or {}
    title, employer = role_in(user.get("description") or "")
    try:
        return ProspectProfile(
            platform=Platform.TWITTER,
            platform_profile_id=str(user["id"]),
            profile_url=f"https://x.com/{user.get('username') or 'i/user/' + str(user['id'])}",
            name=user.get("name") or user.get("username") or "",
            headline=user.get("description") or None,
            title=title,
            company_name=employer,
            location=user.get("location") or None,
            summary=user.get("description") or None,
            activity={
                key: metrics[source]
                for key, source in _ACTIVITY.items()
                if metrics.get(source) is not None
            },
        )
    except (KeyError, TypeError, AttributeError, ValidationError) as exc:
        logger.warning("skipping an unusable x user: %s", describe_error(exc))
        return None


#: ProspectProfile.activity key -> X public metric.
_ACTIVITY = {"followers": "followers_count", "tweet_count": "tweet_count"}
