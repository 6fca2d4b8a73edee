"""Test helpers for personal data at rest: a session key, and rows of lead-writer's
``prospects`` / ``leads`` read back with their contact details decrypted — after checking
that none of them was stored in clear."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from ..crypto import CONTACT_FIELDS, ENRICHMENT_FIELDS, FieldCipher, Keyring, is_ciphertext, new_key

#: A fresh key per test session (never the public dev placeholder), so a test reads only
#: what the code under test sealed with it.
TEST_KID = "test-k1"
TEST_CIPHER = FieldCipher(Keyring(TEST_KID, {TEST_KID: new_key()}))

_SEALED = (("contact_info", CONTACT_FIELDS), ("enrichment_data", ENRICHMENT_FIELDS))


def stored_in_clear(values: Mapping[str, Any]) -> list[str]:
    """The contact details of a prospects or leads row (column -> value) not encrypted."""
    found = []
    for column, names in _SEALED:
        for name in names:
            value = (values.get(column) or {}).get(name)
            if value is not None and not is_ciphertext(value):
                found.append(f"{column}.{name}")
    return found


def revealed_values(values: Mapping[str, Any], cipher: FieldCipher = TEST_CIPHER) -> dict[str, Any]:
    """``values`` of a prospects row (``id`` is the prospect) or a leads row
    (``prospect_id``) with its contact details in clear; fails if any was stored in clear."""
    clear = stored_in_clear(values)
    assert clear == [], f"personal data stored in clear: {clear}"
    where = {
        "team_id": values["team_id"],
        "prospect_id": values["prospect_id"] if "prospect_id" in values else values["id"],
    }
    out = dict(values)
    for column, names in _SEALED:
        if out.get(column) is not None:
            out[column] = cipher.reveal_fields(out[column], names, **where)
    return out


def revealed(row: Any, cipher: FieldCipher = TEST_CIPHER) -> SimpleNamespace:
    """A SQLAlchemy row of prospects or leads, contact details decrypted (see above)."""
    return SimpleNamespace(**revealed_values(dict(row._mapping), cipher))
