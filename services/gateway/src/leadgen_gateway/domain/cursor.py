"""Opaque keyset cursors: the sort key of the last item of a page, base64url JSON.

A client treats the string as opaque; the server decodes it back into the values the
next page starts after, so a page never skips or repeats rows when others are added.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


class BadCursor(ValueError):
    pass


def encode_cursor(*key: Any) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """The key values, or BadCursor when the string is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor("cursor is not valid") from exc
    if not isinstance(key, list) or len(key) != arity:
        raise BadCursor("cursor is not valid")
    return key
