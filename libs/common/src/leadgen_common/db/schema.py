"""Every table of the leadgen database, as SQLAlchemy Core metadata.

One writer per table (DESIGN.md): each table's ``info["owner"]`` names the only service
whose role may write it; every other service's role may only read it. Foreign keys join
only tables of one owner whose handler writes the parent first, so no write waits on
another service (delivery is at-least-once and unordered across topics); ``team_id`` has
none because a valid token may name a team before its ``teams`` row exists. Tenant tables
carry ``team_id`` (not null, leading some index).

This is the *current* shape; the migrations under ``migrations/versions`` are the history
that builds it, and a test checks the two agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from ..auth import Role
from ..contracts.events import CampaignStatus, ProspectStatus
from ..contracts.platforms import Platform
from ..suppression import Kind as SuppressionKind
from ..suppression import Reason as SuppressionReason
from .types import EMBEDDING_DIM, Vector

GATEWAY = "gateway"
DISCOVERY = "discovery"
ENRICHMENT = "enrichment"
SCORING = "scoring"
LEAD_WRITER = "lead-writer"
WEBHOOKS = "webhooks"

#: Lead statuses a user moves a lead through (DESIGN.md, PATCH /leads/{id}).
LEAD_STATUSES = ("new", "contacted", "qualified", "unqualified", "won", "lost")
#: What a user may ask a campaign to be; the rest of CampaignStatus is reached, not asked.
REQUESTED_STATUSES = ("running", "paused", "cancelled")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _owned(service: str) -> dict[str, Any]:
    return {"owner": service}


def _in(column: str, values: Any, name: str) -> CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def _uuid_pk() -> Column[Any]:
    return Column(
        "id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _team_id(*, indexed: bool = True) -> Column[Any]:
    """``indexed=False`` where the primary key or a unique key already starts with it."""
    return Column("team_id", UUID(as_uuid=True), nullable=False, index=indexed)


def _ts(name: str, *, nullable: bool = False) -> Column[Any]:
    """A timestamptz; the not-null ones default to the transaction's time."""
    default = None if nullable else text("now()")
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=default)


def _jsonb(name: str, default: str = "{}") -> Column[Any]:
    return Column(name, JSONB, nullable=False, server_default=text(f"'{default}'::jsonb"))


def _count(name: str) -> Column[Any]:
    return Column(name, Integer, nullable=False, server_default=text("0"))


_PLATFORMS = [p.value for p in Platform]
_MONEY = Numeric(12, 4)

# --- gateway -------------------------------------------------------------------------------

teams = Table(
    "teams",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # team_id_for(name): deterministic
    Column("name", Text, nullable=False, unique=True),
    _ts("created_at"),
    info=_owned(GATEWAY),
)

principals = Table(
    "principals",
    metadata,
    _team_id(indexed=False),
    Column("subject", Text, nullable=False),
    Column("role", Text, nullable=False),
    _ts("created_at"),
    _ts("last_seen_at"),
    PrimaryKeyConstraint("team_id", "subject"),
    _in("role", [r.value for r in Role], "role"),
    info=_owned(GATEWAY),
)

icps = Table(
    "icps",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("name", Text, nullable=False),
    Column("product_id", Text),
    Column("definition", JSONB, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    _ts("deleted_at", nullable=True),
    info=_owned(GATEWAY),
)

campaigns = Table(
    "campaigns",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("icp_id", UUID(as_uuid=True), ForeignKey("icps.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("platforms", ARRAY(Text), nullable=False),
    _jsonb("search_criteria"),
    _jsonb("options"),
    Column("requested_status", Text, nullable=False, server_default=text("'running'")),
    Column("created_by", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    _ts("estimated_completion", nullable=True),
    _in("requested_status", REQUESTED_STATUSES, "requested_status"),
    info=_owned(GATEWAY),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    _team_id(indexed=False),
    Column("principal", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("resource_type", Text, nullable=False),
    Column("resource_id", Text),
    _jsonb("details"),
    _ts("at"),
    Index(None, "team_id", "at"),
    # One resource's entries (e.g. an enrichment job's request, revision 0007).
    Index(None, "team_id", "resource_type", "resource_id"),
    info=_owned(GATEWAY),
)

# A team's webhook endpoints (revision 0011). ``enabled`` is the team's own switch and
# ``enabled_at`` when it last turned it on (PATCH enabled=true): the webhooks service's
# automatic disable (``webhook_endpoint_states.disabled_at``) counts only when it is later,
# so each service writes only its own table and re-enabling needs no command.
webhook_registrations = Table(
    "webhook_registrations",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("url", Text, nullable=False),
    # The signing secret, encrypted (leadgen_common.crypto, bound to team, id and field).
    Column("secret", Text, nullable=False),
    Column("events", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("description", Text),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    _ts("enabled_at"),
    Column("created_by", Text),
    _ts("created_at"),
    _ts("updated_at"),
    info=_owned(GATEWAY),
)

# --- lead-writer ---------------------------------------------------------------------------

prospects = Table(
    "prospects",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # prospect_id_for(...): deterministic
    _team_id(indexed=False),
    Column("platform", Text, nullable=False),
    Column("platform_profile_id", Text, nullable=False),
    # Personal fields are nullable: erasure clears them and keeps the row.
    Column("profile_url", Text),
    Column("name", Text),
    Column("headline", Text),
    Column("title", Text),
    Column("company_name", Text),
    Column("company_domain", Text),
    Column("location", Text),
    _jsonb("contact_info"),
    _jsonb("profile_data"),
    _jsonb("enrichment_data"),
    Column("edited_fields", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("assignee", Text),
    Column("quality_score", Float),
    _ts("discovered_at"),
    _ts("enriched_at", nullable=True),
    _ts("erased_at", nullable=True),
    UniqueConstraint("team_id", "platform", "platform_profile_id"),
    _in("platform", _PLATFORMS, "platform"),
    info=_owned(LEAD_WRITER),
)

campaign_prospects = Table(
    "campaign_prospects",
    metadata,
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    Column("prospect_id", UUID(as_uuid=True), ForeignKey("prospects.id"), nullable=False),
    _team_id(),
    Column("platform", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'new'")),
    Column("icp_match_score", Float),
    Column("quality_score", Float),
    Column("breakdown", JSONB),
    Column("enrichment_skipped", Text),  # null, or why enrichment was skipped
    Column("rank", Integer),
    _ts("discovered_at"),
    _ts("updated_at"),
    # When each funnel stage was counted in campaign_progress (null: not yet), so a
    # redelivered or re-published event counts nothing twice (revision 0002).
    _ts("counted_discovered_at", nullable=True),
    _ts("counted_enriched_at", nullable=True),
    _ts("counted_scored_at", nullable=True),
    PrimaryKeyConstraint("campaign_id", "prospect_id"),
    Index(None, "campaign_id", "status"),
    Index(None, "campaign_id", "icp_match_score"),
    Index(None, "prospect_id"),
    _in("status", [s.value for s in ProspectStatus], "status"),
    _in("platform", _PLATFORMS, "platform"),
    info=_owned(LEAD_WRITER),
)

campaign_progress = Table(
    "campaign_progress",
    metadata,
    Column("campaign_id", UUID(as_uuid=True), primary_key=True),
    _team_id(),
    Column("status", Text, nullable=False, server_default=text("'running'")),
    _jsonb("options"),
    _count("discovered"),
    _count("enriched"),
    _count("enrichment_skipped"),
    _count("scored"),
    _count("qualified"),
    _count("review"),
    _count("rejected"),
    _count("converted"),
    _jsonb("platforms"),
    _jsonb("warnings", "[]"),
    Column("cost_total", _MONEY, nullable=False, server_default=text("0")),
    Column("discovery_finished", Boolean, nullable=False, server_default=text("false")),
    # total_discovered of campaign.discovery_finished; completion waits for that many.
    Column("expected_discovered", Integer),
    Column("failure_reason", Text),
    _ts("started_at"),
    _ts("completed_at", nullable=True),
    _ts("updated_at"),
    _in("status", [s.value for s in CampaignStatus], "status"),
    info=_owned(LEAD_WRITER),
)

leads = Table(
    "leads",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # lead_id_for(prospect_id)
    _team_id(),
    Column(
        "prospect_id", UUID(as_uuid=True), ForeignKey("prospects.id"), nullable=False, unique=True
    ),
    Column("campaign_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("status", Text, nullable=False, server_default=text("'new'")),
    Column("assignee", Text),
    Column("source", Text, nullable=False),
    Column("icp_match_score", Float, nullable=False),
    Column("quality_score", Float),
    _jsonb("contact_info"),
    _jsonb("company_info"),
    _jsonb("social_profiles"),
    _ts("created_at"),
    _ts("updated_at"),
    _in("status", LEAD_STATUSES, "status"),
    info=_owned(LEAD_WRITER),
)

enrichment_log = Table(
    "enrichment_log",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("campaign_id", UUID(as_uuid=True), index=True),
    Column("prospect_id", UUID(as_uuid=True)),
    Column("provider", Text, nullable=False),
    Column("operation", Text, nullable=False),
    Column("cost", _MONEY, nullable=False, server_default=text("0")),
    Column("status", Text, nullable=False),
    Column("latency_ms", Float),
    # The event that caused the calls and the call's place in it: a redelivered event
    # logs nothing twice.
    Column("source_event_id", UUID(as_uuid=True), nullable=False),
    Column("call_index", Integer, nullable=False),
    _ts("created_at"),
    UniqueConstraint("source_event_id", "call_index"),
    info=_owned(LEAD_WRITER),
)

# A team's suppression list (revision 0009): SHA-256 hex digests of normalized identifiers,
# never the plain values (leadgen_common.suppression says how they are made and matched).
suppressions = Table(
    "suppressions",
    metadata,
    _uuid_pk(),
    _team_id(indexed=False),
    Column("kind", Text, nullable=False),
    Column("value", Text, nullable=False),  # sha256 hex of the normalized value
    Column("reason", Text, nullable=False, server_default=text("'opt_out'")),
    _ts("created_at"),
    UniqueConstraint("team_id", "kind", "value"),
    _in("kind", [k.value for k in SuppressionKind], "kind"),
    _in("reason", [r.value for r in SuppressionReason], "reason"),
    CheckConstraint("value ~ '^[0-9a-f]{64}$'", name="value_is_sha256"),
    info=_owned(LEAD_WRITER),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", Text, nullable=False),
    Column("key", Text),
    Column("payload", JSONB, nullable=False),
    _jsonb("headers"),
    _ts("created_at"),
    _ts("published_at", nullable=True),
    # The relay scans only what is still to publish.
    Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    info=_owned(LEAD_WRITER),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("consumer", Text, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    _ts("processed_at"),
    PrimaryKeyConstraint("consumer", "event_id"),
    info=_owned(LEAD_WRITER),
)

# --- discovery -----------------------------------------------------------------------------

discovery_cursors = Table(
    "discovery_cursors",
    metadata,
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    Column("platform", Text, nullable=False),
    _team_id(),
    Column("next_start", Integer, nullable=False, server_default=text("0")),
    _count("discovered"),
    Column("status", Text, nullable=False),  # control state: running, paused, cancelled
    _ts("updated_at"),
    # The replica paging the campaign, until when (renewed; a lapsed lease is claimable).
    Column("owner", Text),
    _ts("lease_until", nullable=True),
    # What the paging loop needs to resume without the original campaign.started.
    _jsonb("criteria"),
    _jsonb("warnings", "[]"),
    _jsonb("options"),
    Column("correlation_id", Text),
    Column("started_event_id", UUID(as_uuid=True)),
    # W3C trace context of that campaign.started: paging continues its trace (0010).
    _jsonb("trace_context"),
    Column("outcome", Text),  # null while paging; exhausted or failed
    Column("failure_reason", Text),
    _ts("finished_at", nullable=True),  # campaign.discovery_finished published
    # Where a token-paged platform continues (Facebook ``after``, X ``next_token``).
    Column("page_token", Text),
    # Set while the platform's calls wait for a rate-limit token or a 429, cleared after.
    _ts("rate_limited_until", nullable=True),
    PrimaryKeyConstraint("campaign_id", "platform"),
    _in("platform", _PLATFORMS, "platform"),
    _in("status", ("running", "paused", "cancelled"), "status"),
    _in("outcome", ("exhausted", "failed"), "outcome"),
    Index(
        "ix_discovery_cursors_unfinished",
        "lease_until",
        postgresql_where=text("finished_at IS NULL"),
    ),
    info=_owned(DISCOVERY),
)

# Prospects a running campaign already published (deleted when its discovery finishes):
# a person met again on a later page or by another query is not published twice.
discovery_seen = Table(
    "discovery_seen",
    metadata,
    _team_id(indexed=False),
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    Column("prospect_id", UUID(as_uuid=True), nullable=False),
    PrimaryKeyConstraint("team_id", "campaign_id", "prospect_id"),
    info=_owned(DISCOVERY),
)

audiences = Table(
    "audiences",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("icp_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("platform", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("size", Integer),
    _jsonb("definition"),
    _ts("created_at"),
    _in("platform", _PLATFORMS, "platform"),
    info=_owned(DISCOVERY),
)

# --- enrichment ----------------------------------------------------------------------------

enrichment_jobs = Table(
    "enrichment_jobs",
    metadata,
    _uuid_pk(),
    _team_id(),
    Column("prospect_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("total", Integer, nullable=False),
    _count("done"),
    _count("failed"),
    Column("status", Text, nullable=False),
    _ts("created_at"),
    _ts("updated_at"),
    info=_owned(ENRICHMENT),
)

#: An on-demand enrichment job item's states: pending until enrichment finished it.
JOB_ITEM_STATUSES = ("pending", "done", "failed")

# One row per (job, prospect) of an on-demand enrichment job (revision 0007): a
# redelivered command finds its item and counts nothing twice.
enrichment_job_items = Table(
    "enrichment_job_items",
    metadata,
    Column("job_id", UUID(as_uuid=True), ForeignKey("enrichment_jobs.id"), nullable=False),
    Column("prospect_id", UUID(as_uuid=True), nullable=False),
    _team_id(),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("error", Text),  # why a failed item failed
    _ts("created_at"),
    _ts("updated_at"),
    PrimaryKeyConstraint("job_id", "prospect_id"),
    _in("status", JOB_ITEM_STATUSES, "status"),
    info=_owned(ENRICHMENT),
)

# --- scoring -------------------------------------------------------------------------------

prospect_vectors = Table(
    "prospect_vectors",
    metadata,
    Column("prospect_id", UUID(as_uuid=True), nullable=False),
    _team_id(),
    Column("model", Text, nullable=False),
    Column("embedding", Vector(EMBEDDING_DIM), nullable=False),
    _ts("updated_at"),
    PrimaryKeyConstraint("prospect_id", "model"),
    # Nearest neighbours by cosine distance (GET /prospects/{id}/similar).
    Index(
        "ix_prospect_vectors_embedding_hnsw",
        "embedding",
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
    ),
    info=_owned(SCORING),
)

# The ICP text's vector of each campaign (stored on campaign.started), per embedding model.
icp_vectors = Table(
    "icp_vectors",
    metadata,
    Column("campaign_id", UUID(as_uuid=True), nullable=False),
    _team_id(indexed=False),
    Column("icp_id", UUID(as_uuid=True), nullable=False),
    Column("model", Text, nullable=False),
    Column("embedding", Vector(EMBEDDING_DIM), nullable=False),
    _ts("updated_at"),
    PrimaryKeyConstraint("campaign_id", "model"),
    # The latest vector of an ICP (GET /icps/{id}/similar).
    Index(None, "team_id", "icp_id", "updated_at"),
    info=_owned(SCORING),
)

# The ICP snapshot of each campaign (from campaign.started), so scoring needs no lookup in
# the gateway's tables, whose ICP a user may edit after the campaign started.
scoring_campaigns = Table(
    "scoring_campaigns",
    metadata,
    Column("campaign_id", UUID(as_uuid=True), primary_key=True),
    _team_id(),
    Column("icp", JSONB, nullable=False),
    _ts("created_at"),
    info=_owned(SCORING),
)

# --- webhooks ------------------------------------------------------------------------------

#: A delivery's life: pending (due at next_attempt_at) -> delivered | failed.
DELIVERY_STATUSES = ("pending", "delivered", "failed")

# One row per (endpoint, event): the consumer of lead.created inserts it (a redelivered
# message finds it there), the dispatcher delivers it. The body is kept encrypted while
# the delivery is pending and dropped once it is delivered or failed.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _uuid_pk(),
    _team_id(indexed=False),
    Column("endpoint_id", UUID(as_uuid=True), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("event_type", Text, nullable=False),
    # Whose data the body holds: prospect.erased drops a pending body of that person.
    Column("prospect_id", UUID(as_uuid=True)),
    Column("body", Text),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    _count("attempts"),
    _ts("next_attempt_at"),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    _ts("delivered_at", nullable=True),
    _ts("created_at"),
    _ts("updated_at"),
    UniqueConstraint("endpoint_id", "event_id"),
    _in("status", DELIVERY_STATUSES, "status"),
    # The delivery log of an endpoint, newest first (GET /webhooks/{id}/deliveries).
    Index(None, "team_id", "endpoint_id", "created_at"),
    # What is due (the dispatcher's claim).
    Index(None, "status", "next_attempt_at"),
    info=_owned(WEBHOOKS),
)

# What delivery learned about an endpoint: consecutive failed deliveries, and when it
# disabled the endpoint for them (void once the team re-enables it later: enabled_at).
webhook_endpoint_states = Table(
    "webhook_endpoint_states",
    metadata,
    Column("endpoint_id", UUID(as_uuid=True), primary_key=True),
    _team_id(),
    _count("consecutive_failures"),
    _ts("disabled_at", nullable=True),
    _ts("updated_at"),
    info=_owned(WEBHOOKS),
)


def owner_of(table_name: str) -> str:
    """The one service that writes ``table_name``."""
    return metadata.tables[table_name].info["owner"]
