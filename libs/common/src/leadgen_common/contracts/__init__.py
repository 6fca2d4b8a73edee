"""leadgen event contracts: the envelope, one payload model per topic, the ICP model."""

from .codec import (
    PoisonMessage,
    decode,
    encode,
    envelope_for,
    message_key,
    reaction_to,
    topic_of,
)
from .envelope import Envelope, utcnow
from .events import *  # noqa: F403
from .icp import Behaviors, Demographics, Firmographics, Icp, IcpDefinition, Psychographics
from .ids import NAMESPACE, lead_id_for, prospect_id_for, team_id_for
from .platforms import Platform
from .topics import TOPICS, Topic, all_topic_names

__all__ = [
    "NAMESPACE",
    "TOPICS",
    "Behaviors",
    "Demographics",
    "Envelope",
    "Firmographics",
    "Icp",
    "IcpDefinition",
    "Platform",
    "PoisonMessage",
    "Psychographics",
    "Topic",
    "all_topic_names",
    "decode",
    "encode",
    "envelope_for",
    "lead_id_for",
    "message_key",
    "reaction_to",
    "prospect_id_for",
    "team_id_for",
    "topic_of",
    "utcnow",
]
