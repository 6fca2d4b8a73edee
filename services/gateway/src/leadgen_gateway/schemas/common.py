"""Shared pieces of the HTTP bodies: the camelCase base model and the error shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """snake_case in Python, camelCase on the wire; unknown input fields are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class FieldError(CamelModel):
    field: str = Field(description="JSON path of the bad value, e.g. 'demographics.ageRange'.")
    message: str


class ErrorBody(CamelModel):
    code: str = Field(description="Stable machine-readable code, e.g. 'campaign_not_found'.")
    message: str = Field(description="Human-readable explanation.")
    field: str | None = Field(default=None, description="The offending field, when there is one.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every bad field (validation errors only)."
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer."""
    described = {
        401: "Missing or invalid bearer token.",
        403: "The token's role may not do this.",
        404: "No such resource in the caller's team.",
        409: "The resource is not in a state that allows this.",
        422: "Invalid input; `errors` lists every bad field.",
        429: "Too many requests from this principal: retry after `Retry-After` seconds.",
        503: "The event broker did not take the command; nothing changed.",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in statuses}
