"""Contact details of lead-writer's rows, which it stores encrypted (leadgen_common.crypto):
the read models decrypt them here, bound to the team and person they were read for."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from leadgen_common.crypto import FieldCipher, PiiCryptoError

logger = logging.getLogger(__name__)

#: Columns of the listings that hold a contact detail (named as the contact_info keys).
CONTACT_COLUMNS = ("email", "phone")


def revealed(
    rows: Iterable[Mapping[str, Any]],
    cipher: FieldCipher,
    team_id: uuid.UUID,
    *,
    person: str,
    columns: Sequence[str] = CONTACT_COLUMNS,
) -> list[dict[str, Any]]:
    """``rows`` with each of ``columns`` decrypted for ``team_id`` and the prospect in the
    row's ``person`` column. A value that does not decrypt (tampered with, or under a key
    this gateway lacks) reads as null and is logged by prospect id, so one bad value does
    not take a listing down."""
    out = []
    for row in rows:
        values = dict(row)
        for name in columns:
            if values.get(name) is None:
                continue
            try:
                values[name] = cipher.reveal(
                    values[name], team_id=team_id, prospect_id=values[person], field=name
                )
            except PiiCryptoError as exc:
                logger.error(
                    "a stored %s does not decrypt: %s",
                    name,
                    type(exc).__name__,
                    extra={"fields": {"prospect_id": str(values[person])}},
                )
                values[name] = None
        out.append(values)
    return out
