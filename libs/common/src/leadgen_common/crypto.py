"""Personal data at rest: AES-256-GCM field encryption with key ids and rotation.

A value is stored as one compact string (it fits wherever the clear text went, e.g. a
jsonb key or a text column)::

    enc:v1:<kid>:<nonce>:<ciphertext>

``kid`` names the key in the :class:`Keyring` (letters, digits, ``_`` and ``-``); nonce
(96 random bits, new for every value) and ciphertext (with GCM's 128-bit tag) are
base64url without padding. The associated data binds the value to its team, its person
(the prospect id) and its field name, plus the version and key id of the header: a
ciphertext copied to another team's row, to another person or into another field does not
decrypt (:class:`DecryptionFailed`), and neither does one whose bytes were changed.

Keys come from settings (:class:`PiiKeySettings`): a JSON map ``kid -> base64 key`` plus
the current kid, or a JSON file ``{"current": kid, "keys": {...}}`` that is re-read when it
changes (a mounted secret; ``leadgen keys rotate`` rewrites the dev stack's). New values
are encrypted with the current key; any known key decrypts. Rotation adds a key as current
and re-encrypts what is stored (lead-writer's ``rekey`` job); the old key stays in the
ring until nothing names it.

Values written before encryption was introduced are clear text: :meth:`FieldCipher.reveal`
passes a string without the ``enc:`` header through unchanged, and the rekey job encrypts it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Header of every stored ciphertext (format version 1).
PREFIX = "enc:v1:"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, GCM's native nonce size
_KID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_AAD_DOMAIN = b"leadgen:pii:v1"
_SEP = b"\x1f"  # unit separator: never inside a kid, a UUID or a field name

#: Fields of lead-writer's rows that hold contact details and are stored encrypted:
#: ``contact_info`` of prospects and leads, and the email inside ``enrichment_data``.
CONTACT_FIELDS = ("email", "phone")
ENRICHMENT_FIELDS = ("email",)


class PiiCryptoError(Exception):
    """A stored personal value cannot be read (or a key configuration is unusable)."""


class KeyConfigError(PiiCryptoError, ValueError):
    """The configured keys are unusable (bad JSON, not 32 bytes, unknown current kid)."""


class MalformedCiphertext(PiiCryptoError):
    """The value has the ``enc:`` header but not the shape of a version 1 ciphertext."""


class UnknownKey(PiiCryptoError):
    """The value names a key id this process does not know (not in the keyring)."""

    def __init__(self, kid: str) -> None:
        super().__init__(f"personal data encrypted with unknown key id {kid!r}")
        self.kid = kid


class DecryptionFailed(PiiCryptoError):
    """Authentication failed: the value was tampered with, or it belongs to another team,
    person or field than the one it is read for (the associated data differs)."""


# ---------------------------------------------------------------------------- keys
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_bytes(kid: str, encoded: str) -> bytes:
    text = encoded.strip().rstrip("=").replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyConfigError(f"key {kid!r} is not base64") from exc
    if len(key) != KEY_BYTES:
        raise KeyConfigError(f"key {kid!r} is {len(key)} bytes, AES-256 needs {KEY_BYTES}")
    return key


def new_kid(now: datetime | None = None) -> str:
    """A fresh key id: its creation time (sortable) and a random suffix."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    return f"k{moment}{secrets.token_hex(2)}"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


@dataclass(frozen=True)
class Keyring:
    """Every key that may decrypt (by id) and the id of the one that encrypts."""

    current: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        for kid, key in self.keys.items():
            if not _KID.fullmatch(kid):
                raise KeyConfigError(f"key id {kid!r} must be 1-40 of [A-Za-z0-9_-]")
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f"key {kid!r} is {len(key)} bytes, needs {KEY_BYTES}")
        if self.current not in self.keys:
            raise KeyConfigError(f"the current key id {self.current!r} is not in the keyring")

    @classmethod
    def from_map(cls, keys_json: str, current: str) -> Keyring:
        """From ``{"kid": "<base64 key>", ...}`` (PII_KEYS) and the current kid (PII_KEY_ID)."""
        try:
            raw = json.loads(keys_json)
        except json.JSONDecodeError as exc:
            raise KeyConfigError("the keys are not a JSON object") from exc
        if not isinstance(raw, dict) or not raw:
            raise KeyConfigError('the keys must be a JSON object {"kid": "<base64 key>"}')
        if not all(isinstance(v, str) for v in raw.values()):
            raise KeyConfigError("every key must be a base64 string")
        return cls(current, {str(kid): _key_bytes(str(kid), value) for kid, value in raw.items()})

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """From a keys file: ``{"current": "<kid>", "keys": {"<kid>": "<base64 key>"}}``."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KeyConfigError("the keys file is not JSON") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("current"), str):
            raise KeyConfigError('a keys file is {"current": "<kid>", "keys": {...}}')
        return cls.from_map(json.dumps(raw.get("keys")), raw["current"])

    def to_json(self) -> str:
        keys = {kid: base64.b64encode(key).decode("ascii") for kid, key in self.keys.items()}
        return json.dumps({"current": self.current, "keys": keys}, indent=2) + "\n"

    def rotated(self, kid: str | None = None, key: bytes | None = None) -> Keyring:
        """This ring plus a new key (fresh unless given) that becomes the current one."""
        kid = kid or new_kid()
        if kid in self.keys:
            raise KeyConfigError(f"key id {kid!r} is already in the keyring")
        return Keyring(kid, {**self.keys, kid: key if key is not None else new_key()})

    def without(self, kids: Iterable[str]) -> Keyring:
        """The ring without retired keys (never the current one)."""
        drop = set(kids) - {self.current}
        return Keyring(self.current, {k: v for k, v in self.keys.items() if k not in drop})


#: Development and tests only: a fixed, public key; production refuses it.
DEV_PLACEHOLDER_KEYRING = Keyring(
    "dev-insecure", {"dev-insecure": hashlib.sha256(b"leadgen dev-only insecure pii key").digest()}
)


class KeySource(Protocol):
    def keyring(self) -> Keyring:
        """The keys to use now."""
        ...

    def refresh(self) -> bool:
        """Read the keys again now; True when they changed."""
        ...


@dataclass
class StaticKeys:
    """Keys fixed for the process lifetime (PII_KEYS / PII_KEY_ID, tests)."""

    ring: Keyring

    def keyring(self) -> Keyring:
        return self.ring

    def refresh(self) -> bool:
        return False


@dataclass
class KeysFile:
    """Keys in a JSON file, re-read when its modification time or size changes, looked
    at no more often than every ``reload_s`` (and at once when a value names an unknown
    key). A file that became unreadable keeps the last good keys."""

    path: Path
    reload_s: float = 2.0
    clock: Callable[[], float] = time.monotonic
    _ring: Keyring | None = field(default=None, init=False, repr=False)
    _stamp: tuple[int, int] | None = field(default=None, init=False, repr=False)
    _checked: float = field(default=float("-inf"), init=False, repr=False)

    def __post_init__(self) -> None:
        self._reload(only_if_changed=False)
        if self._ring is None:
            raise KeyConfigError(f"no usable keys in {self.path}")

    def keyring(self) -> Keyring:
        if self.clock() - self._checked >= self.reload_s:
            self._reload(only_if_changed=True)
        assert self._ring is not None
        return self._ring

    def refresh(self) -> bool:
        return self._reload(only_if_changed=False)

    def _reload(self, *, only_if_changed: bool) -> bool:
        self._checked = self.clock()
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if only_if_changed and stamp == self._stamp:
                return False
            ring = Keyring.from_json(self.path.read_text())
        except (OSError, KeyConfigError):
            if self._ring is None:
                raise
            return False  # a half-written or removed file: keep what worked
        changed = ring != self._ring
        self._ring, self._stamp = ring, stamp
        return changed


def write_keys_file(path: Path, ring: Keyring) -> None:
    """Replace ``path`` atomically, readable by its owner only (readers never see half)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(ring.to_json())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- values
def is_ciphertext(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def kid_of(value: object) -> str | None:
    """The key id a stored ciphertext names; None for anything else."""
    if not is_ciphertext(value):
        return None
    assert isinstance(value, str)
    kid, _, _ = value[len(PREFIX) :].partition(":")
    return kid


def _aad(kid: str, team_id: uuid.UUID, prospect_id: uuid.UUID, field_name: str) -> bytes:
    parts = (_AAD_DOMAIN, kid.encode(), str(team_id).encode(), str(prospect_id).encode())
    return _SEP.join((*parts, field_name.encode()))


class FieldCipher:
    """Encrypts and decrypts single personal values of one person of one team."""

    def __init__(self, keys: Keyring | KeySource) -> None:
        self.source: KeySource = StaticKeys(keys) if isinstance(keys, Keyring) else keys
        self._aeads: dict[tuple[str, bytes], AESGCM] = {}

    @property
    def current_kid(self) -> str:
        return self.source.keyring().current

    def _aead(self, kid: str, key: bytes) -> AESGCM:
        aead = self._aeads.get((kid, key))
        if aead is None:
            aead = self._aeads[(kid, key)] = AESGCM(key)
        return aead

    def encrypt(
        self, plaintext: str, *, team_id: uuid.UUID, prospect_id: uuid.UUID, field: str
    ) -> str:
        ring = self.source.keyring()
        kid = ring.current
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead(kid, ring.keys[kid]).encrypt(
            nonce, plaintext.encode("utf-8"), _aad(kid, team_id, prospect_id, field)
        )
        return f"{PREFIX}{kid}:{_b64(nonce)}:{_b64(sealed)}"

    def decrypt(self, token: str, *, team_id: uuid.UUID, prospect_id: uuid.UUID, field: str) -> str:
        if not is_ciphertext(token):
            raise MalformedCiphertext("not an encrypted value (no enc:v1: header)")
        parts = token[len(PREFIX) :].split(":")
        if len(parts) != 3 or not _KID.fullmatch(parts[0]):
            raise MalformedCiphertext("an encrypted value is enc:v1:<kid>:<nonce>:<ciphertext>")
        kid, nonce_b64, sealed_b64 = parts
        try:
            nonce, sealed = _unb64(nonce_b64), _unb64(sealed_b64)
        except (binascii.Error, ValueError) as exc:
            raise MalformedCiphertext("nonce or ciphertext is not base64url") from exc
        if len(nonce) != NONCE_BYTES or len(sealed) < 16:
            raise MalformedCiphertext("nonce or ciphertext has the wrong length")
        key = self.source.keyring().keys.get(kid)
        if key is None and self.source.refresh():  # rotated since we last looked
            key = self.source.keyring().keys.get(kid)
        if key is None:
            raise UnknownKey(kid)
        try:
            clear = self._aead(kid, key).decrypt(
                nonce, sealed, _aad(kid, team_id, prospect_id, field)
            )
        except InvalidTag as exc:
            raise DecryptionFailed(
                f"the {field} value does not authenticate: tampered with, or not this "
                "team's, person's or field's"
            ) from exc
        return clear.decode("utf-8")

    # ------------------------------------------------------------------ tolerant forms
    def seal(self, value: Any, *, team_id: uuid.UUID, prospect_id: uuid.UUID, field: str) -> Any:
        """``value`` encrypted if it is clear text; None, non-strings and values already
        encrypted pass unchanged."""
        if not isinstance(value, str) or is_ciphertext(value):
            return value
        return self.encrypt(value, team_id=team_id, prospect_id=prospect_id, field=field)

    def reveal(self, value: Any, *, team_id: uuid.UUID, prospect_id: uuid.UUID, field: str) -> Any:
        """``value`` decrypted if it is a ciphertext; anything else (None, clear text stored
        before encryption) unchanged."""
        if not is_ciphertext(value):
            return value
        return self.decrypt(value, team_id=team_id, prospect_id=prospect_id, field=field)

    def rekey(self, value: Any, *, team_id: uuid.UUID, prospect_id: uuid.UUID, field: str) -> Any:
        """``value`` under the current key: decrypted with whatever key it names (or taken
        as clear text) and encrypted again; None stays None."""
        clear = self.reveal(value, team_id=team_id, prospect_id=prospect_id, field=field)
        if not isinstance(clear, str):
            return clear
        return self.encrypt(clear, team_id=team_id, prospect_id=prospect_id, field=field)

    def seal_fields(
        self,
        data: Mapping[str, Any] | None,
        fields: Iterable[str],
        *,
        team_id: uuid.UUID,
        prospect_id: uuid.UUID,
    ) -> dict[str, Any]:
        """A copy of ``data`` with each of ``fields`` present sealed."""
        return _each_field(data, fields, self.seal, team_id=team_id, prospect_id=prospect_id)

    def reveal_fields(
        self,
        data: Mapping[str, Any] | None,
        fields: Iterable[str],
        *,
        team_id: uuid.UUID,
        prospect_id: uuid.UUID,
    ) -> dict[str, Any]:
        """A copy of ``data`` with each of ``fields`` present revealed."""
        return _each_field(data, fields, self.reveal, team_id=team_id, prospect_id=prospect_id)


def _each_field(
    data: Mapping[str, Any] | None,
    fields: Iterable[str],
    transform: Callable[..., Any],
    *,
    team_id: uuid.UUID,
    prospect_id: uuid.UUID,
) -> dict[str, Any]:
    out = dict(data or {})
    for name in fields:
        if name in out:
            out[name] = transform(out[name], team_id=team_id, prospect_id=prospect_id, field=name)
    return out


# ---------------------------------------------------------------------------- settings
class PiiKeySettings(BaseSettings):
    """The keys of personal data at rest, for the services that encrypt or decrypt it
    (lead-writer, gateway, enrichment, discovery)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    pii_keys: SecretStr | None = Field(
        default=None,
        description='Keys of personal data at rest: JSON {"<kid>": "<base64 32-byte key>"}; '
        "every key decrypts, PII_KEY_ID encrypts. Unset in dev/test: a public placeholder "
        "key (prod refuses to start).",
    )
    pii_key_id: str | None = Field(
        default=None, description="The key id in PII_KEYS that encrypts new values."
    )
    pii_keys_file: Path | None = Field(
        default=None,
        description='Instead of PII_KEYS: a JSON file {"current": "<kid>", "keys": {...}}, '
        "re-read when it changes (a mounted secret; `leadgen keys rotate` rewrites the dev "
        "stack's).",
    )
    pii_keys_reload_s: float = Field(
        default=2.0,
        gt=0,
        description="How often PII_KEYS_FILE is checked for a change (an unknown key id "
        "checks at once).",
    )

    @model_validator(mode="after")
    def _usable_keys(self) -> PiiKeySettings:
        if self.pii_keys_file is not None and self.pii_keys is not None:
            raise ValueError("set PII_KEYS_FILE or PII_KEYS, not both")
        if (self.pii_keys is None) != (self.pii_key_id is None):
            raise ValueError("PII_KEYS and PII_KEY_ID go together")
        if self.pii_keys is not None:
            assert self.pii_key_id is not None
            Keyring.from_map(self.pii_keys.get_secret_value(), self.pii_key_id)
        elif self.pii_keys_file is None and getattr(self, "environment", "prod") == "prod":
            raise ValueError("PII_KEYS (or PII_KEYS_FILE) must be set in prod")
        return self

    def pii_key_source(self) -> KeySource:
        if self.pii_keys_file is not None:
            return KeysFile(self.pii_keys_file, reload_s=self.pii_keys_reload_s)
        if self.pii_keys is not None:
            assert self.pii_key_id is not None
            return StaticKeys(Keyring.from_map(self.pii_keys.get_secret_value(), self.pii_key_id))
        return StaticKeys(DEV_PLACEHOLDER_KEYRING)

    def pii_cipher(self) -> FieldCipher:
        return FieldCipher(self.pii_key_source())
