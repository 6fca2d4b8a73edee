"""X (Twitter) API v2-shaped users search over the bios of the population's X users.

Mounted under ``/twitter`` (``{SANDBOX_URL}/twitter`` stands in for ``https://api.x.com``).

``POST /twitter/oauth2/token`` (documented: app-only auth)
    HTTP Basic ``client_id:client_secret``, form ``grant_type=client_credentials`` ->
    ``{"token_type": "bearer", "access_token"}``; 403 ``{"errors": [{"code": 99, ...}]}``.

Every other route needs ``Authorization: Bearer <token>`` (from above, or an API key).

``GET /twitter/2/users/search`` (modeled on v2 conventions)
    ``query`` (X syntax, at most 512 characters: x_search.py), ``max_results`` (1-1000,
    default 100), ``next_token``, ``user.fields`` (created_at, description, location,
    profile_image_url, protected, public_metrics, url, verified, verified_type,
    most_recent_tweet_id; id, name and username always). People whose bio meets every
    top-level clause come first, then those meeting fewer. ->
    ``{"data": [...], "meta": {"result_count", "next_token"}}``; ``data`` is absent when
    nothing matches and ``next_token`` on the last page, as in v2.
``GET /twitter/2/users/{id}`` (documented) -> ``{"data": user}``; 404-style
    ``{"errors": [{"title": "Not Found Error", ...}]}`` (HTTP 200, as v2 does) when unknown.

Errors are v2 problems: ``{"title", "type", "status", "detail"}``; invalid parameters
``{"errors": [{"parameters", "message"}], "title": "Invalid Request", "detail", "type"}``.
Rate limits also come as ``x-rate-limit-limit``/``-remaining``/``-reset`` (epoch seconds).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from .context import Context
from .credentials import BadToken, InvalidClient
from .population import x_id
from .profile_text import x_bio
from .provider import (
    BudgetDecision,
    Credential,
    Provider,
    ProviderError,
    basic_user,
    bearer_key,
    bill,
    form_fields,
)
from .render import Person
from .selection import Ranked, and_, rank
from .x_search import QueryError, describe, mask, parse

NAME = "twitter"
TOKEN_PREFIX = "AAAAAAAAAAAAAAAAAAAAA"
USER_FIELDS = frozenset({
    "created_at", "description", "location", "profile_image_url", "protected",
    "public_metrics", "url", "verified", "verified_type", "most_recent_tweet_id",
})  # fmt: skip
_PROBLEMS = {
    "unauthorized": ("Unauthorized", "about:blank"),
    "rate_limit": ("Too Many Requests", "about:blank"),
    "server_error": ("Internal Server Error", "about:blank"),
    "unavailable": ("Service Unavailable", "about:blank"),
    "timeout": ("Gateway Timeout", "about:blank"),
}
_INVALID = "https://api.twitter.com/2/problems/invalid-request"


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    if code in ("invalid_params", "invalid_request"):
        return {
            "errors": [{"parameters": {}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": _INVALID,
        }
    title, kind = _PROBLEMS.get(code, ("Error", "about:blank"))
    return {"title": title, "type": kind, "status": status, "detail": title}


def _invalid(parameter: str, value: Any, message: str) -> ProviderError:
    body = error_body(400, "invalid_params", message)
    body["errors"][0]["parameters"] = {parameter: [str(value)]}
    return ProviderError(400, body)


def _limit_headers(decision: BudgetDecision, now: float) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(decision.limit),
        "x-rate-limit-remaining": str(decision.remaining),
        "x-rate-limit-reset": str(int(now) + decision.reset_after_s),
    }


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        key = bearer_key(request.headers.get("authorization"))
        if key is None:
            return None
        try:
            client = context.tokens.client_of(TOKEN_PREFIX, key)
        except BadToken as bad:
            raise ProviderError(401, error_body(401, "unauthorized", "")) from bad
        if client is not None:
            return Credential(f"client:{client}")
        if not context.keys.accepts(key):
            raise ProviderError(401, error_body(401, "unauthorized", ""))
        return Credential(key)

    return read


def username(person: Person) -> str:
    digits, number = "", person.index
    while True:  # base 36: unique per person, at most 15 characters in all
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if not number:
            break
    return f"{person.slug.replace('-', '')[:10]}_{digits}"


def user(person: Person, fields: frozenset[str]) -> dict[str, Any]:
    activity = person.activity
    created = 2009 + person.index % 15
    everything = {
        "id": x_id(person.index),
        "name": f"{person.first_name} {person.last_name}",
        "username": username(person),
        "created_at": f"{created}-{person.index % 12 + 1:02d}-01T10:00:00.000Z",
        "description": x_bio(person),
        "location": f"{person.city.name}, {person.country.name}",
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{x_id(person.index)}/photo_normal.jpg",
        "protected": False,
        "public_metrics": {
            "followers_count": activity.followers // 3,
            "following_count": activity.connections // 4,
            "tweet_count": activity.posts_last_30d * 12 + person.index % 40,
            "listed_count": activity.followers // 200,
            "like_count": activity.posts_last_30d * 30,
        },
        "url": "",
        "verified": False,
        "verified_type": "none",
        "most_recent_tweet_id": str(1_800_000_000_000_000_000 + person.index * 7919),
    }
    return {k: v for k, v in everything.items() if k in ("id", "name", "username") or k in fields}


def _fields(raw: str | None) -> frozenset[str]:
    chosen = frozenset(f.strip() for f in (raw or "").split(",") if f.strip())
    unknown = sorted(chosen - USER_FIELDS - {"id", "name", "username"})
    if unknown:
        raise _invalid(
            "user.fields",
            ",".join(unknown),
            f"The `user.fields` query parameter value {unknown} is not one of "
            f"{sorted(USER_FIELDS)}",
        )
    return chosen


def _token(query: str, offset: int) -> str:
    raw = f"{hashlib.sha1(query.encode()).hexdigest()[:10]}:{offset}"
    return base64.b32encode(raw.encode()).decode().rstrip("=").lower()


def _offset(query: str, token: str) -> int:
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
        digest, _, offset = raw.partition(":")
        value = int(offset)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(
            "next_token", token, "The `next_token` query parameter value is not valid"
        ) from exc
    if digest != hashlib.sha1(query.encode()).hexdigest()[:10]:
        raise _invalid("next_token", token, "The `next_token` does not belong to this query")
    return value


def provider(context: Context) -> Provider:
    population = context.population
    router = APIRouter()
    cache: dict[str, Ranked] = {}

    def ranked(query: str) -> Ranked:
        if query not in cache:
            try:
                clauses, negated = parse(query)
            except QueryError as exc:
                raise _invalid("query", query, str(exc)) from exc
            on_x = population.people_columns.platforms.translate(
                bytes((v >> 1) & 1 for v in range(256))
            )
            within = and_(on_x, *(mask(n, context.text) for n in negated)) if negated else on_x
            criteria = [(describe(c), mask(c, context.text)) for c in clauses]
            if len(criteria) > 16:
                raise _invalid("query", query, "at most 16 top-level clauses are supported")
            if len(cache) > 128:
                cache.pop(next(iter(cache)))
            cache[query] = rank(criteria, population.size, within)
        return cache[query]

    @router.post("/oauth2/token")
    async def token(request: Request) -> dict[str, Any]:
        grant_type = (await form_fields(request)).get("grant_type")
        bill(request, "twitter.token")
        client = basic_user(request.headers.get("authorization"))
        if grant_type != "client_credentials" or client is None:
            raise ProviderError(
                403,
                {
                    "errors": [
                        {
                            "code": 99,
                            "message": "Unable to verify your credentials",
                            "label": "authenticity_token_error",
                        }
                    ]
                },
            )
        try:
            access, _ = context.tokens.issue(TOKEN_PREFIX, *client)
        except InvalidClient as exc:
            raise ProviderError(
                403,
                {
                    "errors": [
                        {
                            "code": 99,
                            "message": "Unable to verify your credentials",
                            "label": "authenticity_token_error",
                        }
                    ]
                },
            ) from exc
        return {"token_type": "bearer", "access_token": access}

    @router.get("/2/users/search")
    def users_search(
        request: Request,
        query: str | None = None,
        max_results: int = 100,
        next_token: str | None = None,
        user_fields: Annotated[str | None, Query(alias="user.fields")] = None,
    ) -> dict[str, Any]:
        if not query:
            raise _invalid("query", "", "The `query` query parameter can not be empty")
        if not 1 <= max_results <= 1000:
            raise _invalid(
                "max_results",
                max_results,
                f"The `max_results` query parameter value [{max_results}] "
                "is not between 1 and 1000",
            )
        fields = _fields(user_fields)
        result = ranked(query)
        start = _offset(query, next_token) if next_token else 0
        end = min(len(result), start + max_results)
        bill(request, "twitter.users_search")
        meta: dict[str, Any] = {"result_count": end - start}
        if end < len(result):
            meta["next_token"] = _token(query, end)
        body: dict[str, Any] = {"meta": meta}
        if end > start:
            body["data"] = [user(population.person(i), fields) for i in result.order[start:end]]
        return body

    @router.get("/2/users/{user_id}")
    def get_user(
        request: Request,
        user_id: str,
        user_fields: Annotated[str | None, Query(alias="user.fields")] = None,
    ) -> dict[str, Any]:
        fields = _fields(user_fields)
        index = population.index_of(user_id) if user_id.isdigit() else None
        bill(request, "twitter.user", billable=index is not None)
        if index is None:
            return {"errors": [{
                "value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found",
            }]}  # fmt: skip
        return {"data": user(population.person(index), fields)}

    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=400,
        limit_headers=_limit_headers,
        public_paths=("/oauth2/token",),
    )
