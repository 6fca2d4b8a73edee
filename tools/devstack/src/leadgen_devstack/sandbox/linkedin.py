"""LinkedIn-shaped OAuth, people search, profiles and matched audiences over the population.

Mounted under ``/linkedin`` (so ``{SANDBOX_URL}/linkedin`` stands in for
``https://api.linkedin.com``, and for ``https://www.linkedin.com`` for the token).

``POST /linkedin/oauth/v2/accessToken`` (documented: client credentials flow)
    Form ``grant_type=client_credentials&client_id=..&client_secret=..`` ->
    ``{"access_token", "expires_in"}``; 401 ``{"error": "invalid_client",
    "error_description"}`` for an unknown client, 400 ``unsupported_grant_type`` /
    ``invalid_request`` otherwise.

Every other route needs ``Authorization: Bearer <token>`` with a token from above, or
(the adapters' older way) an API key; 401 for neither, ``EXPIRED_ACCESS_TOKEN`` for an
expired token.

``GET /linkedin/v2/people/search`` (modeled on Sales Navigator people search)
    Criteria (linkedin_search.py): ``keywords``, ``title``, ``geo``/``geoId``,
    ``industry``/``industryId``, ``companySize``, ``seniority``, ``activityLevel``, each
    repeatable; values of one criterion are alternatives. ``start`` (default 0) and
    ``count`` (default 25, 0-50; 0 returns only the total).
    Ranking: people matching every given criterion first, then those matching fewer, by
    the number matched; ties by member id; people matching none are left out (with no
    criterion at all, everyone matches). Paging from ``start=0`` yields all full matches
    before any partial one, and every match exactly once.
    Response: ``{"elements": [profile + "matchedCriteria"], "paging": {"start", "count",
    "total", "links"}, "metadata": {"criteria", "fullMatchTotal"}}``.

``GET /linkedin/v2/people/{id}``
    One profile by id (``li-000123``); 404 when unknown.

``POST /linkedin/rest/dmpSegments`` (documented: Matched Audiences)
    ``{"name", "account", "type", "sourcePlatform", "destinations"}`` -> 201, empty body,
    the id in ``x-restli-id`` and ``Location``. ``GET /linkedin/rest/dmpSegments/{id}``
    reads it (``inputCount``, ``matchedCount``, ``destinations[].audienceSize``);
    ``POST /linkedin/rest/dmpSegments/{id}/users`` adds members:
    ``{"elements": [{"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue"}]}]}``
    (``idType`` ``LINKEDIN_MEMBER_ID`` with a member id is a sandbox extension).
``POST /linkedin/rest/dmpSegments/{id}/lookalikes`` (modeled: LinkedIn retired lookalikes)
    ``{"name", "locations": ["urn:li:geo:103644278"], "ratio": 0.01}`` -> 201
    ``{"id", "sourceSegment", "audienceSize", "status"}``; 400 for a seed under 100 matched
    members (audiences.py says how the size is estimated).

A profile carries LinkedIn's field names (``id``, ``firstName``/``lastName``/``headline``
as localized strings, ``localizedFirstName``, ``localizedLastName``, ``localizedHeadline``,
``vanityName``, ``publicProfileUrl``, ``location``, ``industryName``, ``positions`` with
their ``company``, ``educations``) plus what scoring needs and the real API would only
give partners: ``summary``, ``skills`` and ``activity``.

Errors follow LinkedIn: ``{"status", "serviceErrorCode", "code", "message"}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response

from .audiences import SeedTooSmall
from .context import Context
from .credentials import BadToken, InvalidClient
from .geo import COUNTRIES, linkedin_geo_id
from .industries import linkedin_staff_range
from .linkedin_search import PeopleQuery, PeopleSearch
from .population import linkedin_id
from .provider import Credential, Provider, ProviderError, bearer_key, bill, form_fields
from .render import Company, Person, Position

NAME = "linkedin"
MAX_COUNT = 50
DEFAULT_COUNT = 25
TOKEN_PREFIX = "AQ"
CREATED_AT_MS = 1_736_467_200_000  # a fixed time keeps audience answers deterministic

_ERRORS = {  # our code -> (serviceErrorCode, LinkedIn code)
    "unauthorized": (65600, "INVALID_ACCESS_TOKEN"),
    "expired": (65601, "EXPIRED_ACCESS_TOKEN"),
    "rate_limit": (101, "TOO_MANY_REQUESTS"),
    "not_found": (404, "NOT_FOUND"),
    "invalid_params": (100, "INVALID_PARAM"),
    "server_error": (0, "INTERNAL_SERVER_ERROR"),
    "unavailable": (0, "SERVICE_UNAVAILABLE"),
    "timeout": (0, "GATEWAY_TIMEOUT"),
}
_LANGUAGES = frozenset({"de", "fr", "nl", "pt", "es", "it", "sv", "pl", "ja"})


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    service_code, linkedin_code = _ERRORS.get(code, (0, code.upper()))
    return {
        "status": status,
        "serviceErrorCode": service_code,
        "code": linkedin_code,
        "message": message,
    }


def member_id(person: Person) -> str:
    return linkedin_id(person.index)


def vanity_name(person: Person) -> str:
    # Multiplying by an odd constant mod 2**32 is a bijection: unique, random-looking.
    return f"{person.slug}-{person.index * 2_654_435_761 % 2**32:08x}"


# -- rendering ---------------------------------------------------------------------------


def _locale(person: Person) -> dict[str, str]:
    language = person.country.locale if person.country.locale in _LANGUAGES else "en"
    return {"country": person.country.code, "language": language}


def _localized(value: str, locale: dict[str, str]) -> dict[str, Any]:
    return {
        "localized": {f"{locale['language']}_{locale['country']}": value},
        "preferredLocale": locale,
    }


def _company(company: Company) -> dict[str, Any]:
    return {
        "id": 10_000 + company.index,
        "urn": f"urn:li:organization:{10_000 + company.index}",
        "name": company.name,
        "domain": company.domain,
        "websiteUrl": f"https://{company.domain}",
        "industry": company.industry.name,
        "staffCount": company.employees,
        "staffCountRange": linkedin_staff_range(company.employees)[0],
        "foundedOn": {"year": company.founded_year},
        "headquarters": {
            "city": company.city.name,
            "region": company.city.region,
            "country": company.country.code,
        },
    }


def _position(position: Position, location: str) -> dict[str, Any]:
    return {
        "title": position.title,
        "seniority": position.role.seniority,
        "function": position.role.function,
        "isCurrent": position.end_year is None,
        "startMonthYear": {"month": position.start_month, "year": position.start_year},
        "endMonthYear": None if position.end_year is None else {"year": position.end_year},
        "companyName": position.company.name,
        "company": _company(position.company),
        "locationName": location if position.end_year is None else None,
    }


def profile(person: Person) -> dict[str, Any]:
    """A member in LinkedIn's field names, plus summary, skills and activity."""
    locale = _locale(person)
    location = f"{person.city.name}, {person.city.region}, {person.country.name}"
    education, activity = person.education, person.activity
    vanity = vanity_name(person)
    return {
        "id": member_id(person),
        "firstName": _localized(person.first_name, locale),
        "lastName": _localized(person.last_name, locale),
        "localizedFirstName": person.first_name,
        "localizedLastName": person.last_name,
        "headline": _localized(person.headline, locale),
        "localizedHeadline": person.headline,
        "vanityName": vanity,
        "profilePicture": {"displayImage": f"urn:li:digitalmediaAsset:{vanity.upper()[-8:]}"},
        "publicProfileUrl": f"https://www.linkedin.com/in/{vanity}",
        "location": {
            "city": person.city.name,
            "region": person.city.region,
            "country": person.country.name,
            "countryCode": person.country.code,
            "localizedName": location,
        },
        "industryName": person.company.industry.name,
        "summary": person.summary,
        "skills": list(person.skills),
        "positions": [_position(position, location) for position in person.positions],
        "educations": [
            {
                "schoolName": education.school,
                "degreeName": education.degree,
                "fieldOfStudy": education.field_of_study,
                "startMonthYear": {"year": education.start_year},
                "endMonthYear": {"year": education.end_year},
            }
        ],
        "activity": {
            "postsLast30Days": activity.posts_last_30d,
            "lastActiveDays": activity.last_active_days,
            "connections": activity.connections,
            "followers": activity.followers,
            "recentTopics": list(activity.recent_topics),
        },
    }


# -- credentials -------------------------------------------------------------------------


def credential_reader(context: Context):
    async def read(request: Request) -> Credential | None:
        key = bearer_key(request.headers.get("authorization"))
        if key is None:
            return None
        try:
            client = context.tokens.client_of(TOKEN_PREFIX, key)
        except BadToken as bad:
            code = "expired" if bad.expired else "unauthorized"
            message = (
                "The token used in the request has expired"
                if bad.expired
                else "Invalid access token"
            )
            raise ProviderError(401, error_body(401, code, message)) from bad
        if client is not None:
            return Credential(f"client:{client}")
        if not context.keys.accepts(key):
            raise ProviderError(401, error_body(401, "unauthorized", "Invalid access token"))
        return Credential(key)

    return read


def _oauth_error(status: int, error: str, description: str) -> ProviderError:
    return ProviderError(status, {"error": error, "error_description": description})


# -- routes ------------------------------------------------------------------------------

Repeated = Annotated[list[str], Query()]


def provider(context: Context) -> Provider:
    population = context.population
    search = PeopleSearch(population, context.text)
    router = APIRouter()

    @router.post("/oauth/v2/accessToken")
    async def access_token(request: Request) -> dict[str, Any]:
        form = await form_fields(request)
        grant_type, client_id = form.get("grant_type"), form.get("client_id")
        client_secret = form.get("client_secret")
        bill(request, "linkedin.token")
        if grant_type != "client_credentials":
            raise _oauth_error(
                400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported"
            )
        if not client_id or not client_secret:
            raise _oauth_error(400, "invalid_request", "client_id and client_secret are required")
        try:
            token, expires_in = context.tokens.issue(TOKEN_PREFIX, client_id, client_secret)
        except InvalidClient as exc:
            raise _oauth_error(401, "invalid_client", "Client authentication failed") from exc
        return {"access_token": token, "expires_in": expires_in}

    @router.get("/v2/people/search")
    def search_people(
        request: Request,
        keywords: Repeated = [],  # noqa: B006 -- FastAPI copies defaults per request
        title: Repeated = [],  # noqa: B006
        geo: Repeated = [],  # noqa: B006
        geo_id: Annotated[list[str], Query(alias="geoId")] = [],  # noqa: B006
        industry: Repeated = [],  # noqa: B006
        industry_id: Annotated[list[str], Query(alias="industryId")] = [],  # noqa: B006
        company_size: Annotated[list[str], Query(alias="companySize")] = [],  # noqa: B006
        seniority: Repeated = [],  # noqa: B006
        activity_level: Annotated[list[str], Query(alias="activityLevel")] = [],  # noqa: B006
        start: Annotated[int, Query(ge=0)] = 0,
        count: Annotated[int, Query(ge=0, le=MAX_COUNT)] = DEFAULT_COUNT,
    ) -> dict[str, Any]:
        params = {
            "keywords": keywords, "title": title, "geo": geo, "geoId": geo_id,
            "industry": industry, "industryId": industry_id, "companySize": company_size,
            "seniority": seniority, "activityLevel": activity_level,
        }  # fmt: skip
        try:
            query = PeopleQuery.parse(params)
        except ValueError as exc:
            raise ProviderError(400, error_body(400, "invalid_params", str(exc))) from exc
        bill(request, "linkedin.people_search")
        ranked = search.rank(query)
        page = ranked.order[start : start + count]
        return {
            "elements": [
                {**profile(population.person(index)), "matchedCriteria": ranked.matched(index)}
                for index in page
            ],
            "paging": {
                "start": start,
                "count": count,
                "total": len(ranked),
                "links": _links(request, start, count, len(ranked)),
            },
            "metadata": {"criteria": list(ranked.criteria), "fullMatchTotal": ranked.full_matches},
        }

    @router.get("/v2/people/{person_id}")
    def get_person(request: Request, person_id: str) -> dict[str, Any]:
        index = population.index_of(person_id) if person_id.startswith("li-") else None
        if index is None:
            message = f"Member {person_id} does not exist"
            raise ProviderError(404, error_body(404, "not_found", message))
        bill(request, "linkedin.profile")
        return profile(population.person(index))

    _audience_routes(router, context)
    return Provider(
        name=NAME,
        router=router,
        error_body=error_body,
        credential=credential_reader(context),
        validation_status=400,
        public_paths=("/oauth/v2/accessToken",),
    )


def _audience_routes(router: APIRouter, context: Context) -> None:
    audiences = context.audiences

    def segment(segment_id: str):
        found = audiences.get(NAME, segment_id)
        if found is None:
            raise ProviderError(
                404, error_body(404, "not_found", f"DmpSegment {segment_id} not found")
            )
        return found

    @router.post("/rest/dmpSegments", status_code=201, response_class=Response)
    def create_segment(request: Request, body: Annotated[dict, Body()]) -> Response:
        missing = [f for f in ("name", "account", "type", "sourcePlatform") if not body.get(f)]
        if missing:
            message = f"missing fields: {missing}"
            raise ProviderError(400, error_body(400, "invalid_params", message))
        bill(request, "linkedin.audience")
        created = audiences.create_seed(NAME, str(body["name"]), str(body["account"]))
        headers = {"x-restli-id": created.id, "Location": f"/dmpSegments/{created.id}"}
        return Response(status_code=201, headers=headers)

    @router.get("/rest/dmpSegments/{segment_id}")
    def get_segment(request: Request, segment_id: str) -> dict[str, Any]:
        found = segment(segment_id)
        bill(request, "linkedin.audience")
        seed = found.kind == "seed"
        size = len(found.members) * context.settings.reach_scale if seed else found.size
        matched = len(found.members) if seed else size
        return {
            "id": int(found.id),
            "name": found.name,
            "account": found.account,
            "accessPolicy": "PRIVATE",
            "type": "USER" if seed else "LOOKALIKE",
            "sourcePlatform": "LIST_UPLOAD" if seed else "LOOKALIKE",
            "status": "READY",
            "created": CREATED_AT_MS,
            "lastModified": CREATED_AT_MS,
            "inputCount": found.received,
            "matchedCount": matched,
            "destinations": [
                {
                    "destination": "LINKEDIN",
                    "destinationSegmentId": f"urn:li:adSegment:{found.id}",
                    "status": "READY",
                    "audienceSize": size,
                    "matchedCount": matched,
                }
            ],
        }

    @router.post("/rest/dmpSegments/{segment_id}/users")
    def add_users(
        request: Request, segment_id: str, body: Annotated[dict, Body()]
    ) -> dict[str, Any]:
        found = segment(segment_id)
        results = []
        for element in body.get("elements") or []:
            people = [_member(context, user) for user in element.get("userIds") or []]
            if element.get("action", "ADD") == "ADD":
                audiences.add(found, people)
            results.append({"status": 201})
        bill(request, "linkedin.audience")
        return {"elements": results}

    @router.post("/rest/dmpSegments/{segment_id}/lookalikes", status_code=201)
    def create_lookalike(
        request: Request, response: Response, segment_id: str, body: Annotated[dict, Body()]
    ) -> dict[str, Any]:
        seed = segment(segment_id)
        countries = _countries(body.get("locations") or [])
        try:
            created = audiences.lookalike(
                NAME, seed, str(body.get("name") or f"Lookalike of {seed.name}"), countries,
                float(body.get("ratio") or 0.01),
            )  # fmt: skip
        except SeedTooSmall as exc:
            raise ProviderError(400, error_body(400, "invalid_params", str(exc))) from exc
        bill(request, "linkedin.audience")
        response.headers["x-restli-id"] = created.id
        return {
            "id": int(created.id),
            "sourceSegment": f"urn:li:dmpSegment:{seed.id}",
            "audienceSize": created.size,
            "status": "READY",
        }


def _member(context: Context, user: dict[str, Any]) -> int | None:
    kind, value = str(user.get("idType", "")), str(user.get("idValue", ""))
    if kind == "SHA256_EMAIL":
        return context.emails.by_sha256.get(value.lower())
    if kind == "LINKEDIN_MEMBER_ID":
        return context.population.index_of(value)
    return None


def _countries(locations: list[str]) -> tuple[str, ...]:
    by_id = {linkedin_geo_id(c): c.code for c in COUNTRIES}
    return tuple(
        dict.fromkeys(
            by_id[g] for loc in locations if (g := str(loc).removeprefix("urn:li:geo:")) in by_id
        )
    )


def _links(request: Request, start: int, count: int, total: int) -> list[dict[str, Any]]:
    links = []
    if count and start + count < total:
        links.append(("next", start + count))
    if count and start > 0:
        links.append(("prev", max(0, start - count)))
    return [
        {
            "rel": rel,
            "type": "application/json",
            "href": str(request.url.include_query_params(start=at, count=count)).removeprefix(
                f"{request.url.scheme}://{request.url.netloc}"
            ),
        }
        for rel, at in links
    ]
