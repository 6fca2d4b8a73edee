"""Kafka wiring shared by every service.

:class:`EventBus` wraps a FastStream ``KafkaBroker`` so that every subscriber

* names its consumer ``group_id`` and its ``ack_policy`` (both required),
* starts from the earliest offset when its group is new,
* counts as ready only once its group join assigned partitions,
* parses the envelope itself: a message that can never be processed (larger than
  ``MAX_EVENT_BYTES``, not JSON, contract violation, unknown ``schema_version``, or
  anything else decoding raises: decoding is pure, so it would fail the same way on
  every redelivery) goes to ``<topic>.dlq`` with the reason, the service, the group and
  the original topic/partition/offset in headers (the original headers kept beside them)
  and is committed, so the partition moves on;
* reports its group's lag on the topic (:mod:`leadgen_common.consumer_lag`),
* retries a transient failure with exponential backoff, then dead-letters it
  (``retries_exhausted``) rather than blocking the partition forever; a dependency that
  is down (Postgres restarting, Redis unreachable: :mod:`leadgen_common.unavailable`)
  is waited for instead, uncounted, since the message itself is fine.

:meth:`EventBus.subscribe_batch` does the same for handlers that take many envelopes at
once (scoring embeds a whole batch in one model run): poison records of the batch are
dead-lettered one by one, the rest go to the handler together, and if that call fails
the batch falls back to one message at a time, so retries and dead letters stay per
message and one bad message never takes the others down with it.

Every record consumed and every event published is traced (``process <topic>`` and
``send <topic>`` spans, trace context in the ``traceparent`` header, per message even in
batches: :mod:`leadgen_common.kafka_tracing`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRebalanceListener
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.message import StreamMessage

from . import kafka_tracing, metrics
from . import logging as log_ctx
from .consumer_lag import ConsumerLagExporter, Subscription
from .contracts import Envelope, PoisonMessage, decode, encode, message_key
from .settings import ServiceSettings
from .unavailable import is_unavailable

logger = logging.getLogger(__name__)

Handler = Callable[[Envelope[Any]], Awaitable[None]]
BatchHandler = Callable[[list[Envelope[Any]]], Awaitable[None]]

#: Header names on dead letters (documented in docs/architecture.md).
DLQ_HEADERS = (
    "x-dlq-reason",
    "x-dlq-error",
    "x-dlq-service",
    "x-dlq-group",
    "x-original-topic",
    "x-original-partition",
    "x-original-offset",
    "x-dlq-at",
)
#: Headers a dead letter gets instead of the original's (a replayed message that fails
#: again is dead-lettered with fresh ones).
_DLQ_PREFIXES = ("x-dlq-", "x-original-")
#: Room kept in a produce request for the record and batch framing around key, value and
#: headers, when a dead letter's body must be cut to fit ``KAFKA_MAX_REQUEST_BYTES``.
_FRAMING_BYTES = 1024


class EventTooLarge(ValueError):
    """An event larger than ``MAX_EVENT_BYTES``: consumers would dead-letter it, so it is
    never published."""

    def __init__(self, topic: str, size: int, limit: int) -> None:
        super().__init__(f"{topic} event of {size} bytes exceeds the {limit}-byte limit")
        self.topic = topic
        self.size = size
        self.limit = limit


class _AssignmentListener(ConsumerRebalanceListener):
    def __init__(self) -> None:
        self.joined = asyncio.Event()
        self.partitions: set[Any] = set()

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.partitions.difference_update(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.partitions.update(assigned)
        self.joined.set()


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    """Decoder that hands the handler the undecoded bytes: parsing is ours, so a
    malformed body becomes a dead letter instead of a redelivery loop."""
    return message.body


class EventBus:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.service = settings.service_name
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=f"leadgen-{self.service}",
            logger=logging.getLogger(f"leadgen.{self.service}.broker"),
            enable_idempotence=False,  # tansu (dev broker) has no idempotent producers
            acks="all",
            max_request_size=settings.kafka_max_request_bytes,
            # On stop, messages being handled get this long to finish (and commit) before
            # the consumers close: half the grace, so the process still exits within it.
            graceful_timeout=settings.shutdown_grace_s / 2,
        )
        self._listeners: dict[str, _AssignmentListener] = {}
        self.subscriptions: set[Subscription] = set()
        self._lag: ConsumerLagExporter | None = None
        self.stopping = False

    # ------------------------------------------------------------ subscribing
    def subscribe(
        self, topic: str, *, group_id: str, ack_policy: AckPolicy
    ) -> Callable[[Handler], Handler]:
        """Register ``handler(envelope)`` for ``topic`` in consumer group ``group_id``."""
        options = self._subscriber_options(topic, group_id, ack_policy)

        def register(handler: Handler) -> Handler:
            async def consume(body: bytes, message: KafkaMessage) -> None:
                with metrics.HANDLER_SECONDS.labels(topic, group_id).time():
                    outcome = await self._dispatch(
                        topic, group_id, body, message.raw_message, handler
                    )
                metrics.MESSAGES_CONSUMED.labels(topic, group_id, outcome).inc()

            consume.__name__ = f"{handler.__name__}_{topic.replace('.', '_')}"
            self.broker.subscriber(topic, description=handler.__doc__, **options)(consume)
            return handler

        return register

    def _subscriber_options(
        self, topic: str, group_id: str, ack_policy: AckPolicy
    ) -> dict[str, Any]:
        """What every subscriber gets: its named group and ack policy (never ACK_FIRST),
        earliest offset for a new group, readiness on assignment, our own decoding."""
        if ack_policy is AckPolicy.ACK_FIRST:
            raise ValueError("ACK_FIRST loses messages on crash; name a post-processing policy")
        metrics.MESSAGES_CONSUMED.labels(topic, group_id, "ok")  # visible at 0 from the start
        self.subscriptions.add((group_id, topic))
        return {
            "group_id": group_id,
            "ack_policy": ack_policy,
            "auto_offset_reset": "earliest",
            "listener": self._listeners.setdefault(f"{group_id}:{topic}", _AssignmentListener()),
            "decoder": _raw_body,
            "session_timeout_ms": self.settings.kafka_session_timeout_ms,
            "heartbeat_interval_ms": self.settings.kafka_heartbeat_interval_ms,
            "max_poll_records": self.settings.kafka_max_poll_records,
            "title": f"{self.service}:{topic}",
        }

    def subscribe_batch(
        self,
        topic: str,
        *,
        group_id: str,
        ack_policy: AckPolicy,
        max_records: int,
        wait_ms: int = 200,
    ) -> Callable[[BatchHandler], BatchHandler]:
        """Register ``handler(envelopes)`` for ``topic``: each call gets up to
        ``max_records`` envelopes, as many as the consumer had fetched (waiting at most
        ``wait_ms`` when it had none). Offsets are committed after the whole batch."""
        if max_records < 1:
            raise ValueError("a batch holds at least one record")
        options = self._subscriber_options(topic, group_id, ack_policy)

        def register(handler: BatchHandler) -> BatchHandler:
            async def consume(bodies: list[bytes], message: KafkaMessage) -> None:
                records = list(message.raw_message)
                with metrics.HANDLER_SECONDS.labels(topic, group_id).time():
                    outcomes = await self._dispatch_batch(topic, group_id, bodies, records, handler)
                for outcome in outcomes:
                    metrics.MESSAGES_CONSUMED.labels(topic, group_id, outcome).inc()

            consume.__name__ = f"{handler.__name__}_{topic.replace('.', '_')}"
            self.broker.subscriber(
                topic,
                batch=True,
                max_records=max_records,
                batch_timeout_ms=wait_ms,
                description=handler.__doc__,
                **options,
            )(consume)
            return handler

        return register

    def _decode(self, topic: str, body: bytes) -> Envelope[Any]:
        """The envelope, or PoisonMessage: too large, or anything decoding raises."""
        limit = self.settings.max_event_bytes
        if len(body) > limit:
            raise PoisonMessage("too_large", f"{len(body)} bytes; the limit is {limit}")
        try:
            return decode(topic, body)
        except PoisonMessage:
            raise
        except Exception as exc:  # decoding is pure: a redelivery would fail the same way
            raise PoisonMessage("undecodable", f"{type(exc).__name__}: {exc}") from exc

    async def _dispatch(
        self, topic: str, group: str, body: bytes, record: Any, handler: Handler
    ) -> str:
        with kafka_tracing.processing(topic, group, record) as span:
            try:
                envelope = self._decode(topic, body)
            except PoisonMessage as poison:
                kafka_tracing.failed(span, poison.reason)
                await self._dead_letter(topic, group, body, record, poison.reason, poison.detail)
                return "dead_lettered"
            kafka_tracing.identify(span, envelope)
            outcome = await self._with_retries(topic, group, envelope, body, record, handler)
            if outcome == "dead_lettered":
                kafka_tracing.failed(span, outcome)
            return outcome

    async def _with_retries(
        self,
        topic: str,
        group: str,
        envelope: Envelope[Any],
        body: bytes,
        record: Any,
        handler: Handler,
    ) -> str:
        log_ctx.bind(**log_ctx.envelope_ids(envelope))
        delay = self.settings.handler_retry_backoff_s
        attempt, waited = 0, False
        while True:
            try:
                await handler(envelope)
                return "retried" if attempt or waited else "ok"
            except PoisonMessage as poison:
                await self._dead_letter(topic, group, body, record, poison.reason, poison.detail)
                return "dead_lettered"
            except Exception as exc:
                if is_unavailable(exc) and not self.stopping:
                    # A dependency is down (Postgres restarting, Redis gone): the message is
                    # fine, so it waits for it, uncounted, and is never dead-lettered for it.
                    metrics.DEPENDENCY_WAITS.labels(topic, group).inc()
                    logger.warning("dependency unavailable: %r; retrying in %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.settings.handler_max_backoff_s)
                    waited = True
                    continue
                if is_unavailable(exc):
                    raise  # stopping: not committed, so redelivered after the restart
                if attempt == self.settings.handler_retries:
                    logger.exception("handler failed %d times; dead-lettering", attempt + 1)
                    await self._dead_letter(
                        topic, group, body, record, "retries_exhausted", repr(exc)
                    )
                    return "dead_lettered"
                attempt += 1
                logger.warning("handler failed (attempt %d): %r; retrying", attempt, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.handler_max_backoff_s)

    async def _dispatch_batch(
        self,
        topic: str,
        group: str,
        bodies: list[bytes],
        records: list[Any],
        handler: BatchHandler,
    ) -> list[str]:
        """Outcome per record, in order. Poison is dead-lettered alone; the others go to
        ``handler`` together, and one at a time (each with its own retries) if that fails."""
        spans = kafka_tracing.BatchSpans(topic, group, records)
        try:
            return await self._handle_batch(topic, group, bodies, records, handler, spans)
        finally:
            spans.end()

    async def _handle_batch(
        self,
        topic: str,
        group: str,
        bodies: list[bytes],
        records: list[Any],
        handler: BatchHandler,
        spans: kafka_tracing.BatchSpans,
    ) -> list[str]:
        # A batch's lines name what its messages share; none carries an earlier message's.
        log_ctx.bind(
            correlation_id=None, team_id=None, campaign_id=None, prospect_id=None, event_id=None
        )
        outcomes: list[str] = ["dead_lettered"] * len(bodies)
        good: dict[int, Envelope[Any]] = {}
        for index, (body, record) in enumerate(zip(bodies, records, strict=True)):
            try:
                good[index] = self._decode(topic, body)
                kafka_tracing.identify(spans.spans[index], good[index])
            except PoisonMessage as poison:
                kafka_tracing.failed(spans.spans[index], poison.reason)
                await self._dead_letter(topic, group, body, record, poison.reason, poison.detail)
        if not good:
            return outcomes
        ids = [log_ctx.envelope_ids(envelope) for envelope in good.values()]
        log_ctx.bind(
            **{key: ids[0][key] for key in ids[0] if all(i[key] == ids[0][key] for i in ids)}
        )

        async def alone(envelope: Envelope[Any]) -> None:
            await handler([envelope])

        try:
            with spans.batch(good):
                await handler(list(good.values()))
        except Exception as exc:
            logger.warning(
                "batch of %d failed (%r); handling its messages one by one", len(good), exc
            )
            for index, envelope in good.items():
                with spans.alone(index, envelope):
                    outcomes[index] = await self._with_retries(
                        topic, group, envelope, bodies[index], records[index], alone
                    )
                if outcomes[index] == "dead_lettered":
                    kafka_tracing.failed(spans.spans[index], "dead_lettered")
            return outcomes
        for index in good:
            outcomes[index] = "ok"
        return outcomes

    async def _dead_letter(
        self, topic: str, group: str, body: bytes, record: Any, reason: str, detail: str
    ) -> None:
        logger.error(
            "dead-lettering message from %s: %s",
            topic,
            reason,
            extra={"fields": {"dlq_reason": reason, "dlq_detail": detail[:500]}},
        )
        headers = {
            **_original_headers(record),
            "x-dlq-reason": reason,
            "x-dlq-error": _header_text(detail[:2000]),
            "x-dlq-service": self.service,
            "x-dlq-group": group,
            "x-original-topic": topic,
            "x-original-partition": str(getattr(record, "partition", "")),
            "x-original-offset": str(getattr(record, "offset", "")),
            "x-dlq-at": datetime.now(UTC).isoformat(),
        }
        key = getattr(record, "key", None)
        room = self.settings.kafka_max_request_bytes - _FRAMING_BYTES - len(key or b"")
        room -= sum(len(k) + len(v.encode()) for k, v in headers.items())
        if len(body) > room:  # keep the dead letter publishable: the head of the body
            headers["x-dlq-truncated-from"] = str(len(body))
            body = body[: max(room - 64, 0)]
        metrics.DEAD_LETTERS.labels(topic, reason).inc()
        await self.broker.publish(body, topic=f"{topic}.dlq", key=key, headers=headers)

    # ------------------------------------------------------------ publishing
    async def publish(self, envelope: Envelope[Any], headers: dict[str, str] | None = None) -> None:
        """Publish ``envelope`` on its topic; EventTooLarge when consumers would refuse it.

        Its ``send`` span continues the trace of the event that caused it when that one is
        being handled now (``causation_id``), else the current span's."""
        body = encode(envelope)
        if len(body) > self.settings.max_event_bytes:
            raise EventTooLarge(envelope.event_type, len(body), self.settings.max_event_bytes)
        await self.publish_stored(
            envelope.event_type,
            body,
            key=message_key(envelope),
            event_id=envelope.event_id,
            headers={"content-type": "application/json", **(headers or {})},
            parent=kafka_tracing.parent_of(envelope),
        )

    async def publish_stored(
        self,
        topic: str,
        body: bytes,
        *,
        key: bytes | None,
        event_id: Any,
        headers: dict[str, str],
        parent: kafka_tracing.Context | None = None,
    ) -> None:
        """Publish an already encoded event (an outbox row) as it is, under a ``send``
        span whose parent is ``parent``, else the trace context ``headers`` hold (the one
        stored with the row), else the current span."""
        if parent is None and any(name in headers for name in kafka_tracing.TRACE_HEADERS):
            parent = kafka_tracing.extract(headers)
        with kafka_tracing.sending(
            topic,
            key=key,
            event_id=event_id,
            headers=headers,
            parent=parent,
            client_id=f"leadgen-{self.service}",
        ) as traced_headers:
            await self.broker.publish(body, topic=topic, key=key, headers=traced_headers)
        metrics.MESSAGES_PUBLISHED.labels(topic).inc()

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Connect, then start every subscriber at once: each start waits for its group
        join (half the session timeout on tansu), which FastStream would do one by one."""
        await self.broker.connect()
        await asyncio.gather(*(sub.start() for sub in self.broker.subscribers))
        for publisher in self.broker.publishers:
            await publisher.start()
        self.broker.running = True
        if self.subscriptions and self.settings.lag_interval_s > 0:
            self._lag = ConsumerLagExporter(
                self.settings.kafka_bootstrap_servers,
                self.subscriptions,
                interval_s=self.settings.lag_interval_s,
                client_id=f"leadgen-{self.service}-lag",
            )
            self._lag.start()

    async def stop(self) -> None:
        self.stopping = True
        if self._lag is not None:
            await self._lag.stop()
            self._lag = None
        await self.broker.stop()

    def ready(self) -> bool:
        """True once every subscriber's group join assigned its partitions."""
        return not self.stopping and all(lst.joined.is_set() for lst in self._listeners.values())

    async def wait_ready(self, seconds: float) -> None:
        await asyncio.wait_for(
            asyncio.gather(*(lst.joined.wait() for lst in self._listeners.values())), seconds
        )


def _header_text(value: str) -> str:
    """Header values travel as UTF-8: escape what cannot (an unpaired surrogate)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _original_headers(record: Any) -> dict[str, str]:
    """The consumed record's own headers (trace context, content type), minus any earlier
    dead-letter headers, so a replay carries them on."""
    return {
        name: value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        for name, value in (getattr(record, "headers", None) or ())
        if not name.startswith(_DLQ_PREFIXES)
    }
