"""Facebook-shaped Marketing API and Graph API over the population.

Mounted under ``/facebook`` (``{SANDBOX_URL}/facebook`` stands in for
``https://graph.facebook.com``); every path starts with the API version (``/v19.0/``,
any ``vNN.0`` is accepted). The token goes in ``access_token`` (query or form) or
``Authorization: Bearer``: one from the token endpoint, an app token
``{client_id}|{client_secret}``, or an API key.

Documented calls:

- ``GET /v19.0/oauth/access_token?client_id=&client_secret=&grant_type=client_credentials``
  -> ``{"access_token", "token_type": "bearer"}`` (it lives SANDBOX_TOKEN_TTL_S seconds)
- ``GET /v19.0/search?type=adinterest|adworkposition|adworkemployer|adeducationmajor|
  adgeolocation&q=`` and ``type=adTargetingCategory&class=behaviors|industries`` ->
  ``{"data": [{"id", "name", "audience_size_lower_bound", "audience_size_upper_bound", ...}]}``
- ``GET /v19.0/act_{id}/reachestimate?targeting_spec=`` -> ``{"data": {"users_lower_bound",
  "users_upper_bound", "estimate_ready"}}``
- ``GET /v19.0/act_{id}/delivery_estimate?targeting_spec=&optimization_goal=`` (audience
  insights) -> ``{"data": [{"estimate_dau", "estimate_mau_lower_bound",
  "estimate_mau_upper_bound", "estimate_ready", "daily_outcomes_curve"}]}``
- ``POST /v19.0/act_{id}/customaudiences`` with ``subtype=CUSTOM`` (a seed; members
  through ``POST /v19.0/{audience_id}/users`` ``payload={"schema": "EMAIL_SHA256", "data":
  [...]}``) or ``subtype=LOOKALIKE`` with ``origin_audience_id`` and ``lookalike_spec``
  ``{"country" or "location_spec", "ratio"}`` -> ``{"id"}``; ``GET /v19.0/{audience_id}``
  -> ``approximate_count_lower_bound``/``_upper_bound`` and the audience's fields.

Modeled calls (the Graph API no longer lists people; spec §3.1 asks for them), all
cursor-paginated like Graph edges -- ``limit`` (default 25, at most 100), ``after`` /
``before`` cursors, ``{"data": [...], "paging": {"cursors": {"before", "after"},
"next"}, "summary": {"total_count", "full_match_count"}}``, ``next`` absent on the last page:

- ``GET /v19.0/search?type=user&targeting_spec=`` -- the people search: people on
  Facebook in the spec's ages and locations, ranked by how many of its detailed fields
  they match (facebook_targeting.py), full matches first; each user carries
  ``matched_targeting``.
- ``GET /v19.0/pages/search?q=`` and ``GET /v19.0/search?type=group&q=`` -- the public
  pages and groups of each interest; ``GET /v19.0/{page_id}/followers`` and
  ``GET /v19.0/{group_id}/members`` list their people (ranked by an optional
  ``targeting_spec``, else by id).
- ``GET /v19.0/{user_id}`` -- one person.

Errors follow the Graph API: ``{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`` with HTTP 400 (a missing token is code 104, a bad or expired one 190,
an invalid parameter 100, an unknown object 100/33). Throttling answers 429 (Facebook
itself answers 400 with code 4 or 80004; the sandbox keeps 429 so every adapter's
Retry-After handling applies) with code 4 and ``X-App-Usage``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from .audiences import Audience, SeedTooSmall
from .context import Context
from .credentials import BadToken, InvalidClient
from .facebook_targeting import (
    SpecError,
    Targeting,
    employer_id,
    major_of,
    parse_spec,
    position_of,
)
from .geo import CITIES, COUNTRIES, city_facebook_key, region_facebook_key
from .population import facebook_id
from .provider import (
    BudgetDecision,
    Credential,
    Provider,
    ProviderError,
    bearer_key,
    bill,
    form_fields,
)
from .render import Person
from .selection import Ranked, and_, rank, where_any, where_bits
from .shared_tables import (
    behaviors,
    education_majors,
    interests,
    text_key,
    work_industries,
    work_positions,
)

NAME = "facebook"
TOKEN_PREFIX = "EAA"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_VERSION = re.compile(r"^v\d{1,2}\.0$")
_ERRORS = {  # our code -> (Graph code, subcode, type, message prefix)
    "unauthorized": (104, None, "OAuthException"),
    "bad_token": (190, None, "OAuthException"),
    "expired": (190, 463, "OAuthException"),
    "rate_limit": (4, None, "OAuthException"),
    "invalid_params": (100, None, "OAuthException"),
    "not_found": (100, 33, "GraphMethodException"),
    "server_error": (1, None, "OAuthException"),
    "unavailable": (2, None, "OAuthException"),
    "timeout": (2, None, "OAuthException"),
}
_PAGE_PREFIX, _GROUP_PREFIX = "1098", "1099"


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    graph_code, subcode, kind = _ERRORS.get(code, (100, None, "OAuthException"))
    error: dict[str, Any] = {
        "message": f"(#{graph_code}) {message}" if graph_code not in (190, 1, 2) else message,
        "type": kind,
        "code": graph_code,
        "fbtrace_id": hashlib.sha1(f"{code}:{message}".encode()).hexdigest()[:11],
    }
    if subcode:
        error["error_subcode"] = subcode
    if status >= 500:
        error["is_transient"] = True
    return {"error": error}


def _invalid(message: str) -> ProviderError:
    return ProviderError(400, error_body(400, "invalid_params", message))


def _app_usage(decision: BudgetDecision, now: float) -> dict[str, str]:
    used = round(100 * (decision.limit - decision.remaining) / decision.limit)
    usage = {"call_count": used, "total_cputime": 0, "total_time": 0}
    return {"X-App-Usage": json.dumps(usage)}


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        token = request.query_params.get("access_token") or bearer_key(
            request.headers.get("authorization")
        )
        if not token and request.method == "POST":
            token = (await form_fields(request)).get("access_token") or None
        if not token:
            return None
        try:
            client = context.tokens.client_of(TOKEN_PREFIX, token)
        except BadToken as bad:
            code = "expired" if bad.expired else "bad_token"
            message = (
                "Error validating access token: Session has expired"
                if bad.expired
                else "Invalid OAuth access token - Cannot parse access token"
            )
            raise ProviderError(400, error_body(400, code, message)) from bad
        if client is not None:
            return Credential(f"client:{client}")
        app, _, secret = token.partition("|")
        if secret and context.settings.oauth_clients.get(app) == secret:
            return Credential(f"client:{app}")
        if not context.keys.accepts(token):
            message = "Invalid OAuth access token - Cannot parse access token"
            raise ProviderError(400, error_body(400, "bad_token", message))
        return Credential(token)

    return read


# -- cursors -----------------------------------------------------------------------------


def _cursor(query: str, offset: int) -> str:
    raw = json.dumps({"q": hashlib.sha1(query.encode()).hexdigest()[:12], "o": offset})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _offset(query: str, cursor: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _invalid("Invalid cursor") from exc
    if data.get("q") != hashlib.sha1(query.encode()).hexdigest()[:12] or offset < 0:
        raise _invalid("The cursor does not belong to this request")
    return offset


def _page(request: Request, query: str, total: int, limit: int, after: str | None,
          before: str | None) -> tuple[int, int, dict[str, Any]]:  # fmt: skip
    """(start, end, paging) for a cursor page of ``total`` ranked items."""
    if after:
        start = _offset(query, after)
    elif before:
        start = max(0, _offset(query, before) - limit)
    else:
        start = 0
    end = min(total, start + limit)
    paging: dict[str, Any] = {
        "cursors": {"before": _cursor(query, start), "after": _cursor(query, end)}
    }
    if end < total:
        url = request.url.remove_query_params(["after", "before"]).include_query_params(
            after=_cursor(query, end), limit=limit
        )
        paging["next"] = str(url)
    if start > 0:
        url = request.url.remove_query_params(["after", "before"]).include_query_params(
            before=_cursor(query, start), limit=limit
        )
        paging["previous"] = str(url)
    return start, end, paging


# -- rendering -------------------------------------------------------------------------------


def user_node(person: Person, matched: list[str] | None = None) -> dict[str, Any]:
    """A person as a Graph user node (modeled fields: interests, matched_targeting)."""
    company, education = person.company, person.education
    city = person.city
    major = major_of(_field_index(education.field_of_study))
    node: dict[str, Any] = {
        "id": facebook_id(person.index),
        "name": f"{person.first_name} {person.last_name}",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "link": f"https://www.facebook.com/{facebook_id(person.index)}",
        "about": f"{person.title} at {company.name}. {person.pains[0].capitalize()}.",
        "birthday": str(2025 - person.age),
        "location": {"id": city_facebook_key(city), "name": f"{city.name}, {city.region}"},
        "work": [
            {
                "id": hashlib.sha1(f"work:{person.index}".encode()).hexdigest()[:15],
                "employer": {"id": employer_id(company.index), "name": company.name},
                "position": position_of(_title_index(person.title)),
                "location": {"id": city_facebook_key(company.city), "name": company.city.name},
                "start_date": f"{person.current.start_year}-{person.current.start_month:02d}-01",
            }
        ],
        "education": [
            {
                "id": hashlib.sha1(f"edu:{person.index}".encode()).hexdigest()[:15],
                "school": {"id": _school_id(education.school), "name": education.school},
                "type": "College" if education.facebook_status in (3, 6) else "Graduate School",
                "concentration": [major] if major else [],
                "degree": {"id": f"1094{education.facebook_status:011d}", "name": education.degree},
                "year": {"id": f"1093{education.end_year:011d}", "name": str(education.end_year)},
            }
        ],
        "interests": {"data": [dict(entry) for entry in person.interests]},
    }
    if matched is not None:
        node["matched_targeting"] = matched
    return node


def _school_id(name: str) -> str:
    return "1095" + str(int(hashlib.sha1(name.encode()).hexdigest(), 16) % 10**11).zfill(11)


def _field_index(name: str) -> int:
    from .vocabulary import FIELDS_OF_STUDY

    return FIELDS_OF_STUDY.index(name)


def _title_index(title: str) -> int:
    from .roles import TITLES

    return TITLES.index(title)


# -- routes ----------------------------------------------------------------------------------

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _version(version: str) -> str:
    if not _VERSION.match(version):
        raise _invalid(f"Unknown path components: /{version}")
    return version


def provider(context: Context) -> Provider:
    population = context.population
    targeting = Targeting(population)
    scale = context.settings.reach_scale
    router = APIRouter(prefix="/{version}", dependencies=[Depends(_version)])
    cache: dict[str, Ranked] = {}

    def ranked(key: str, build) -> Ranked:
        if key not in cache:
            if len(cache) > 128:
                cache.pop(next(iter(cache)))
            cache[key] = build()
        return cache[key]

    def spec_of(raw: str | None) -> dict[str, Any]:
        try:
            return parse_spec(raw)
        except SpecError as exc:
            raise _invalid(str(exc)) from exc

    def judged(action):
        try:
            return action()
        except SpecError as exc:
            raise _invalid(str(exc)) from exc
        except (TypeError, ValueError) as exc:
            raise _invalid(f"Invalid targeting spec: {exc}") from exc

    def search_spec(spec: dict[str, Any], within: bytes | None) -> Ranked:
        base = targeting.base(spec)
        base = and_(base, within) if within is not None else base
        return rank(targeting.criteria(spec), population.size, base)

    def people_page(request: Request, key: str, result: Ranked, limit: int, after, before,
                    matched: bool) -> dict[str, Any]:  # fmt: skip
        start, end, paging = _page(request, key, len(result), limit, after, before)
        data = [
            user_node(population.person(i), result.matched(i) if matched else None)
            for i in result.order[start:end]
        ]
        return {
            "data": data,
            "paging": paging,
            "summary": {"total_count": len(result), "full_match_count": result.full_matches},
        }

    @router.get("/oauth/access_token")
    def access_token(
        request: Request,
        client_id: str | None = None,
        client_secret: str | None = None,
        grant_type: str | None = None,
    ) -> dict[str, Any]:
        bill(request, "facebook.token")
        if grant_type != "client_credentials" or not client_id or not client_secret:
            raise _invalid(
                "client_id, client_secret and grant_type=client_credentials are required"
            )
        try:
            token, _ = context.tokens.issue(TOKEN_PREFIX, client_id, client_secret)
        except InvalidClient as exc:
            raise ProviderError(
                400, error_body(400, "bad_token", "Error validating client secret.")
            ) from exc
        return {"access_token": token, "token_type": "bearer"}

    @router.get("/search")
    def search(
        request: Request,
        type: str | None = None,  # noqa: A002 -- Facebook's parameter name
        q: str = "",
        limit: Limit = DEFAULT_LIMIT,
        after: str | None = None,
        before: str | None = None,
        targeting_spec: str | None = None,
        location_types: str | None = None,
        class_: Annotated[str | None, Query(alias="class")] = None,
    ) -> dict[str, Any]:
        if type == "user":
            spec = spec_of(targeting_spec)
            key = f"user|{json.dumps(spec, sort_keys=True)}"
            result = ranked(key, lambda: judged(lambda: search_spec(spec, None)))
            bill(request, "facebook.people_search")
            return people_page(request, key, result, limit, after, before, matched=True)
        if type == "group":
            bill(request, "facebook.targeting_search")
            return {"data": [_group(i, e) for i, e in _matching(interests(), q)][:limit]}
        bill(request, "facebook.targeting_search")
        return {"data": targeting_search(type, q, class_, location_types)[:limit]}

    def sized(mask: bytes) -> dict[str, int]:
        count = mask.count(1) * scale
        return {
            "audience_size_lower_bound": int(count * 0.9),
            "audience_size_upper_bound": int(count * 1.1),
        }

    def employer(index: int) -> bytes:
        return targeting.field("work_employers", [{"id": employer_id(index), "name": ""}])

    def targeting_search(
        kind: str | None, q: str, category: str | None, location_types: str | None
    ):
        columns = population.people_columns
        if kind == "adinterest":
            return [
                {"id": e["id"], "name": e["name"], **sized(where_any(columns.interests, [i])),
                 "path": ["Interests", "Business and industry", e["name"]], "description": None,
                 "topic": "Business and industry"}
                for i, e in _matching(interests(), q)
            ]  # fmt: skip
        if kind == "adworkposition":
            return [
                {"id": e["id"], "name": e["name"], **sized(targeting.field("work_positions", [e]))}
                for _, e in _matching(work_positions(), q)
            ]
        if kind == "adworkemployer":
            wanted = text_key(q)
            names = population.company_columns.name
            found = [i for i, n in enumerate(names) if wanted and wanted in text_key(n)][:50]
            return [{"id": employer_id(i), "name": names[i], **sized(employer(i))} for i in found]
        if kind == "adeducationmajor":
            return [
                {
                    "id": e["id"],
                    "name": e["name"],
                    **sized(targeting.field("education_majors", [e])),
                }
                for _, e in _matching(education_majors(), q)
            ]
        if kind == "adgeolocation":
            return _locations(q, location_types)
        if kind == "adTargetingCategory" and category in ("behaviors", "industries"):
            catalogue = behaviors() if category == "behaviors" else work_industries()
            return [
                {"id": e["id"], "name": e["name"], "type": category,
                 "path": [category.title(), e["name"]], "description": None,
                 **sized(where_bits(columns.behaviors, [i]) if category == "behaviors"
                         else targeting.field("industries", [e]))}
                for i, e in _matching(catalogue, q)
            ]  # fmt: skip
        raise _invalid(f"Unsupported search type {kind!r}")

    @router.get("/pages/search")
    def pages_search(request: Request, q: str = "", limit: Limit = DEFAULT_LIMIT) -> dict[str, Any]:
        bill(request, "facebook.page")
        return {"data": [_page_node(i, e) for i, e in _matching(interests(), q)][:limit]}

    def estimate(raw: str | None) -> int:
        spec = spec_of(raw)
        if not (spec.get("geo_locations") or {}).get("countries") and not spec.get("geo_locations"):
            raise _invalid("Targeting spec must have geo_locations")
        return judged(lambda: targeting.audience(spec)).count(1) * scale

    @router.get("/act_{account_id}/reachestimate")
    def reach_estimate(request: Request, account_id: str, targeting_spec: str | None = None):
        users = estimate(targeting_spec)
        bill(request, "facebook.reach_estimate")
        return {
            "data": {
                "users_lower_bound": int(users * 0.9),
                "users_upper_bound": int(users * 1.1),
                "estimate_ready": True,
            }
        }

    @router.get("/act_{account_id}/delivery_estimate")
    def delivery_estimate(
        request: Request, account_id: str, targeting_spec: str | None = None,
        optimization_goal: str = "REACH",
    ) -> dict[str, Any]:  # fmt: skip
        users = estimate(targeting_spec)
        bill(request, "facebook.delivery_estimate")
        daily = users // 30
        return {
            "data": [
                {
                    "daily_outcomes_curve": [
                        {"spend": 0, "reach": 0, "impressions": 0, "actions": 0},
                        {
                            "spend": 10_000,
                            "reach": daily // 20,
                            "impressions": daily // 12,
                            "actions": daily // 20,
                        },
                    ],  # fmt: skip
                    "estimate_dau": daily,
                    "estimate_mau_lower_bound": int(users * 0.9),
                    "estimate_mau_upper_bound": int(users * 1.1),
                    "estimate_ready": True,
                }
            ]
        }

    _audience_routes(router, context)

    @router.get("/{node_id}/followers")
    def followers(request: Request, node_id: str, limit: Limit = DEFAULT_LIMIT,
                  after: str | None = None, before: str | None = None,
                  targeting_spec: str | None = None) -> dict[str, Any]:  # fmt: skip
        interest = _node(node_id, _PAGE_PREFIX)
        bill(request, "facebook.followers")
        return edge(
            request, f"followers|{node_id}", interest, False, limit, after, before, targeting_spec
        )

    @router.get("/{node_id}/members")
    def members(request: Request, node_id: str, limit: Limit = DEFAULT_LIMIT,
                after: str | None = None, before: str | None = None,
                targeting_spec: str | None = None) -> dict[str, Any]:  # fmt: skip
        interest = _node(node_id, _GROUP_PREFIX)
        bill(request, "facebook.members")
        return edge(
            request, f"members|{node_id}", interest, True, limit, after, before, targeting_spec
        )

    def edge(request, key, interest, joiners, limit, after, before, raw_spec):
        columns = population.people_columns
        masks = [where_any(columns.interests, [interest]),
                 on_facebook(columns)]  # fmt: skip
        if joiners:
            groups = next(
                i for i, e in enumerate(behaviors()) if e["name"].startswith("Facebook Groups")
            )
            masks.append(where_bits(columns.behaviors, [groups]))
        audience = and_(*masks)
        if raw_spec:
            spec = spec_of(raw_spec)
            key = f"{key}|{json.dumps(spec, sort_keys=True)}"
            result = ranked(key, lambda: judged(lambda: search_spec(spec, audience)))
        else:
            result = ranked(key, lambda: rank([], population.size, audience))
        return people_page(request, key, result, limit, after, before, matched=bool(raw_spec))

    @router.get("/{node_id}")
    def node(request: Request, node_id: str) -> dict[str, Any]:
        if node_id.startswith(_PAGE_PREFIX):
            bill(request, "facebook.page")
            index = _node(node_id, _PAGE_PREFIX)
            return _page_node(index, interests()[index], population)
        if node_id.startswith(_GROUP_PREFIX):
            bill(request, "facebook.page")
            index = _node(node_id, _GROUP_PREFIX)
            return _group(index, interests()[index])
        audience = context.audiences.get(NAME, node_id)
        if audience is not None:
            bill(request, "facebook.audience")
            return audience_node(audience, context)
        index = population.index_of(node_id) if node_id.isdigit() else None
        if index is None or not population.on_facebook(index):
            raise _unknown(node_id)
        bill(request, "facebook.user")
        return user_node(population.person(index))

    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=400,
        limit_headers=_app_usage,
        public_paths=tuple(f"/v{v}.0/oauth/access_token" for v in range(2, 100)),
        unauthorized=(400, "unauthorized"),
    )


def on_facebook(columns) -> bytes:
    return columns.platforms.translate(bytes(v & 1 for v in range(256)))


def _unknown(node_id: str) -> ProviderError:
    message = (
        f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation."
    )
    return ProviderError(400, error_body(400, "not_found", message))


def _node(node_id: str, prefix: str) -> int:
    if node_id.startswith(prefix) and node_id[len(prefix) :].isdigit():
        index = int(node_id[len(prefix) :])
        if index < len(interests()):
            return index
    raise _unknown(node_id)


def _matching(catalogue, q: str) -> list[tuple[int, dict[str, Any]]]:
    wanted = text_key(q)
    return [
        (i, e)
        for i, e in enumerate(catalogue)
        if not wanted
        or wanted in text_key(e["name"])
        or any(wanted in text_key(alias) for alias in e.get("aliases", ()))
    ]


def _page_node(index: int, entry: dict[str, str], population=None) -> dict[str, Any]:
    node = {
        "id": f"{_PAGE_PREFIX}{index:011d}",
        "name": entry["name"],
        "category": "Interest",
        "link": f"https://www.facebook.com/{_PAGE_PREFIX}{index:011d}",
        "about": f"People who follow {entry['name']}.",
    }
    if population is not None:
        columns = population.people_columns
        fans = and_(where_any(columns.interests, [index]), on_facebook(columns)).count(1)
        node["followers_count"] = node["fan_count"] = fans
    return node


def _group(index: int, entry: dict[str, str]) -> dict[str, Any]:
    return {
        "id": f"{_GROUP_PREFIX}{index:011d}",
        "name": f"{entry['name']} Professionals",
        "privacy": "OPEN",
        "description": f"A group for professionals interested in {entry['name'].lower()}.",
    }


def _locations(q: str, location_types: str | None) -> list[dict[str, Any]]:
    try:
        kinds = set(json.loads(location_types)) if location_types else {"country", "region", "city"}
    except ValueError as exc:
        raise _invalid("location_types must be a JSON list") from exc
    wanted = text_key(q)
    found: list[dict[str, Any]] = []
    if "country" in kinds:
        found += [
            {"key": c.code, "name": c.name, "type": "country", "country_code": c.code,
             "supports_region": True, "supports_city": True}
            for c in COUNTRIES
            if wanted and (wanted in text_key(c.name) or wanted == c.code.lower())
        ]  # fmt: skip
    seen: set[str] = set()
    for city in CITIES:
        country = next(c for c in COUNTRIES if c.code == city.country_code)
        if "region" in kinds and wanted and wanted in text_key(city.region):
            key = region_facebook_key(city)
            if key not in seen:
                seen.add(key)
                found.append({"key": key, "name": city.region, "type": "region",
                              "country_code": city.country_code, "country_name": country.name,
                              "supports_region": True, "supports_city": True})  # fmt: skip
        if "city" in kinds and wanted and wanted in text_key(city.name):
            found.append({"key": city_facebook_key(city), "name": city.name, "type": "city",
                          "country_code": city.country_code, "country_name": country.name,
                          "region": city.region, "region_id": int(region_facebook_key(city)),
                          "supports_region": True, "supports_city": True})  # fmt: skip
    return found


# -- custom audiences ----------------------------------------------------------------------


def audience_node(audience: Audience, context: Context) -> dict[str, Any]:
    size = (
        audience.size
        if audience.kind == "lookalike"
        else len(audience.members) * context.settings.reach_scale
    )
    node: dict[str, Any] = {
        "id": audience.id,
        "account_id": audience.account,
        "name": audience.name,
        "subtype": "LOOKALIKE" if audience.kind == "lookalike" else "CUSTOM",
        "approximate_count_lower_bound": int(size * 0.9),
        "approximate_count_upper_bound": int(size * 1.1),
        "delivery_status": {"code": 200, "description": "This audience is ready for use."},
        "operation_status": {"code": 200, "description": "Normal"},
    }
    if audience.kind == "lookalike":
        node["lookalike_spec"] = {
            "origin": [{"id": audience.source, "type": "custom_audience"}],
            "ratio": audience.ratio,
            "country": ",".join(audience.countries),
            "type": "custom_ratio",
        }
    return node


def _audience_routes(router: APIRouter, context: Context) -> None:
    audiences = context.audiences

    @router.post("/act_{account_id}/customaudiences")
    async def create_audience(request: Request, account_id: str) -> dict[str, Any]:
        form = await form_fields(request)
        name, subtype = form.get("name"), form.get("subtype")
        origin_audience_id, lookalike_spec = (
            form.get("origin_audience_id"),
            form.get("lookalike_spec"),
        )
        if subtype == "CUSTOM":
            bill(request, "facebook.audience")
            return {"id": audiences.create_seed(NAME, name or "Custom audience", account_id).id}
        if subtype != "LOOKALIKE":
            raise _invalid("subtype must be CUSTOM or LOOKALIKE")
        seed = audiences.get(NAME, origin_audience_id or "")
        if seed is None:
            raise _invalid("origin_audience_id must be a custom audience of this account")
        try:
            spec = json.loads(lookalike_spec or "{}")
            ratio = float(spec.get("ratio", 0.01))
            countries = tuple(
                c.upper()
                for c in (spec.get("location_spec") or {})
                .get("geo_locations", {})
                .get("countries", [])
                or [spec.get("country", "")]
                if c
            )
        except (ValueError, AttributeError) as exc:
            raise _invalid("lookalike_spec must be JSON with ratio and country") from exc
        if not 0.01 <= ratio <= 0.2 or not countries:
            raise _invalid("lookalike_spec needs a ratio between 0.01 and 0.20 and a country")
        try:
            created = audiences.lookalike(
                NAME, seed, name or f"Lookalike of {seed.name}", countries, ratio
            )
        except SeedTooSmall as exc:
            raise ProviderError(
                400, error_body(400, "invalid_params", f"Source audience is too small: {exc}")
            ) from exc
        bill(request, "facebook.audience")
        return {"id": created.id}

    @router.post("/{audience_id}/users")
    async def add_users(request: Request, audience_id: str) -> dict[str, Any]:
        payload = (await form_fields(request)).get("payload")
        audience = audiences.get(NAME, audience_id)
        if audience is None or audience.kind != "seed":
            raise _unknown(audience_id)
        try:
            body = json.loads(payload or "")
            schema, data = body["schema"], list(body["data"])
        except (ValueError, KeyError, TypeError) as exc:
            raise _invalid("payload must be JSON with schema and data") from exc
        if schema == "EMAIL_SHA256":
            people = [context.emails.by_sha256.get(str(v).lower()) for v in data]
        elif schema == "UID":
            people = [context.population.index_of(str(v)) for v in data]
        else:
            raise _invalid("schema must be EMAIL_SHA256 (or UID, a sandbox extension)")
        matched = audiences.add(audience, people)
        bill(request, "facebook.audience")
        return {
            "audience_id": audience.id,
            "session_id": int(
                hashlib.sha1(f"{audience.id}:{audience.received}".encode()).hexdigest()[:12], 16
            ),
            "num_received": len(data),
            "num_invalid_entries": len(data) - matched,
            "invalid_entry_samples": {},
        }
