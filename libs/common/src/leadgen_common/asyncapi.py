"""The AsyncAPI document of every topic, generated from the contract models.

``python -m leadgen_common.asyncapi`` rewrites docs/asyncapi.json; a test fails
when the committed file and the code drift apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from .contracts import TOPICS, Envelope

DOCUMENT = Path(__file__).resolve().parents[4] / "docs" / "asyncapi.json"


def build() -> dict[str, Any]:
    broker = KafkaBroker("kafka:9092", description="Apache Kafka (tansu in the dev stack)")
    for topic in TOPICS.values():
        broker.publisher(
            topic.name,
            title=topic.name,
            description=(
                f"{topic.description} Producer: {topic.producer}. Key: {topic.key}. "
                f"Accepted schema_version: {sorted(topic.versions)}. "
                f"Unprocessable messages go to {topic.dlq}."
            ),
            schema=Envelope[topic.payload],  # type: ignore[name-defined]
        )
    spec = AsyncAPI(
        broker,
        title="leadgen events",
        version="1.0.0",
        description=(
            "Every message is a JSON envelope (event_id, event_type, schema_version, "
            "occurred_at, team_id, campaign_id, correlation_id, causation_id, payload). "
            "Delivery is at-least-once: consumers dedupe on event_id."
        ),
    )
    return spec.to_specification().to_jsonable()


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCUMENT
    target.write_text(render())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
