"""The suppression list: normal forms and hashes (pure), the shared lookup and revision
0009 on a real Postgres."""

from __future__ import annotations

import hashlib
import uuid

import asyncpg
import pytest
from leadgen_common import suppression as sup
from leadgen_common.db.engine import libpq_url, make_engine
from leadgen_common.db.migrate import upgrade_async
from leadgen_common.db.schema import suppressions
from leadgen_common.db.suppressions import suppressed
from leadgen_common.suppression import Entry, Kind
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("kind", "value", "normal"),
    [
        ("email", "  Ann.Smith@Acme.IO ", "ann.smith@acme.io"),
        ("email", "not-an-email", None),
        ("email", "a@b@acme.io", None),
        ("email", "ann@", None),
        ("domain", "https://www.Acme.io/about", "acme.io"),
        ("domain", "ann@acme.io", "acme.io"),
        ("domain", "localhost", None),
        ("profile_url", "HTTPS://www.LinkedIn.com/in/Ann-1/?trk=x", "linkedin.com/in/ann-1"),
        ("profile_url", "linkedin.com/in/ann-1", "linkedin.com/in/ann-1"),
        ("profile_url", "https://x.com", None),
        ("platform_id", " LinkedIn:12345 ", "linkedin:12345"),
        ("platform_id", "linkedin:", None),
    ],
)
def test_values_are_normalized_per_kind(kind, value, normal):
    assert sup.normalize(kind, value) == normal
    expected = None if normal is None else Entry(Kind(kind), sha(normal))
    assert sup.entry(kind, value) == expected


def test_an_entry_is_the_sha256_of_the_normal_form_never_the_value():
    found = sup.entry("email", "Ann@Acme.io")
    assert found is not None
    assert found.digest == sha("ann@acme.io") and sup.is_digest(found.digest)
    assert "ann" not in found.digest


def test_a_person_is_matched_by_their_own_identifiers_and_their_domains():
    own = sup.person_entries(
        platform="linkedin",
        platform_profile_id="123",
        profile_url="https://www.linkedin.com/in/ann",
        emails=["ann@acme.io", None],
    )
    assert own == {
        Entry(Kind.PLATFORM_ID, sha("linkedin:123")),
        Entry(Kind.PROFILE_URL, sha("linkedin.com/in/ann")),
        Entry(Kind.EMAIL, sha("ann@acme.io")),
    }
    every = sup.matching_entries(
        platform="linkedin",
        platform_profile_id="123",
        profile_url="https://www.linkedin.com/in/ann",
        company_domain="www.acme-group.com",
        emails=["ann@acme.io"],
    )
    assert every == own | {
        Entry(Kind.DOMAIN, sha("acme-group.com")),
        Entry(Kind.DOMAIN, sha("acme.io")),
    }


async def test_lookup_finds_each_teams_own_entries_only(migrated_urls):
    engine = make_engine((await migrated_urls())["admin"], poolclass=NullPool)
    team, other = uuid.uuid4(), uuid.uuid4()
    ann = sup.entry("email", "ann@acme.io")
    bob = sup.entry("profile_url", "linkedin.com/in/bob")
    acme = sup.entry("domain", "acme.io")
    try:
        async with engine.begin() as conn:
            await conn.execute(
                suppressions.insert(),
                [
                    {"team_id": team, "kind": ann.kind, "value": ann.digest},
                    {"team_id": other, "kind": bob.kind, "value": bob.digest},
                ],
            )
            found = await suppressed(
                conn,
                {
                    "ann": (team, [ann, acme]),
                    "bob": (team, [bob]),  # listed by another team only
                    "bob elsewhere": (other, [bob]),
                    "nobody": (team, []),
                },
            )
        assert found == {"ann", "bob elsewhere"}
    finally:
        await engine.dispose()


async def test_the_table_refuses_a_plain_value_an_unknown_kind_or_reason(migrated_urls):
    engine = make_engine((await migrated_urls())["admin"], poolclass=NullPool)
    digest = sha("ann@acme.io")
    refused = [
        {"kind": "email", "value": "ann@acme.io"},
        {"kind": "phone", "value": digest},
        {"kind": "email", "value": digest, "reason": "whim"},
    ]
    try:
        for row in refused:
            with pytest.raises(IntegrityError):
                async with engine.begin() as conn:
                    await conn.execute(suppressions.insert().values(team_id=uuid.uuid4(), **row))
    finally:
        await engine.dispose()


async def test_revision_0009_hashes_rows_written_before_it(empty_db):
    await upgrade_async(empty_db, "0008")
    team = uuid.uuid4()
    plain = {
        "email": " Ann@Acme.IO",
        "domain": "https://www.Acme.io/",
        "profile_url": "https://www.linkedin.com/in/Ann-1/?trk=x",
    }
    conn = await asyncpg.connect(libpq_url(empty_db))
    try:
        for kind, value in plain.items():
            await conn.execute(
                "INSERT INTO suppressions (team_id, kind, value) VALUES ($1, $2, $3)",
                team,
                kind,
                value,
            )
    finally:
        await conn.close()

    await upgrade_async(empty_db, "0009")

    conn = await asyncpg.connect(libpq_url(empty_db))
    try:
        rows = await conn.fetch("SELECT kind, value, reason FROM suppressions")
    finally:
        await conn.close()
    assert {(r["kind"], r["value"], r["reason"]) for r in rows} == {
        (kind, sup.entry(kind, value).digest, "opt_out") for kind, value in plain.items()
    }
