"""Deterministic identifiers: the same person on the same platform for the same
team is always the same prospect, and a prospect becomes at most one lead."""

from __future__ import annotations

import uuid

from .platforms import Platform

NAMESPACE = uuid.UUID("5f0c6d1e-7f2a-4b8e-9a53-2b1f0c4e9d11")


def team_id_for(name: str) -> uuid.UUID:
    """Teams are named by people; their id is derived so any new name works."""
    return uuid.uuid5(NAMESPACE, f"team:{name.strip().lower()}")


def prospect_id_for(team_id: uuid.UUID, platform: Platform | str, profile_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"prospect:{team_id}:{Platform(platform).value}:{profile_id}")


def lead_id_for(prospect_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"lead:{prospect_id}")
