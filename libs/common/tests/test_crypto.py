"""leadgen_common.crypto: AES-256-GCM values bound to team, person and field; key ids,
rotation, reloading keys files, and clear errors for what cannot be read."""

from __future__ import annotations

import base64
import json
import os
import uuid

import pytest
from leadgen_common.crypto import (
    DEV_PLACEHOLDER_KEYRING,
    PREFIX,
    DecryptionFailed,
    FieldCipher,
    KeyConfigError,
    Keyring,
    KeysFile,
    MalformedCiphertext,
    PiiKeySettings,
    UnknownKey,
    is_ciphertext,
    kid_of,
    new_key,
    write_keys_file,
)
from leadgen_common.settings import ServiceSettings
from pydantic import ValidationError

TEAM, OTHER_TEAM = uuid.uuid4(), uuid.uuid4()
PERSON, OTHER_PERSON = uuid.uuid4(), uuid.uuid4()
WHERE = {"team_id": TEAM, "prospect_id": PERSON, "field": "email"}
EMAIL = "ann.smith@acme.example"


@pytest.fixture
def ring() -> Keyring:
    return Keyring("k1", {"k1": new_key()})


@pytest.fixture
def cipher(ring: Keyring) -> FieldCipher:
    return FieldCipher(ring)


def _swap(token: str, index: int, value: str) -> str:
    parts = token.split(":")
    parts[index] = value
    return ":".join(parts)


def _flip_last_byte(b64: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)))
    raw[-1] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_round_trip_and_stored_form(cipher):
    token = cipher.encrypt(EMAIL, **WHERE)
    assert token.startswith(f"{PREFIX}k1:") and EMAIL not in token
    assert is_ciphertext(token) and kid_of(token) == "k1"
    _, _, kid, nonce, sealed = token.split(":")
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 12  # 96-bit nonce
    assert cipher.decrypt(token, **WHERE) == EMAIL


def test_every_encryption_uses_a_new_nonce(cipher):
    tokens = {cipher.encrypt(EMAIL, **WHERE) for _ in range(50)}
    assert len(tokens) == 50
    assert len({t.split(":")[3] for t in tokens}) == 50


def test_unicode_and_empty_values(cipher):
    for value in ("", "Zoë Ünlü <zoe@例え.jp>", "+49 30 1234567"):
        assert cipher.decrypt(cipher.encrypt(value, **WHERE), **WHERE) == value


@pytest.mark.parametrize("part", [3, 4])
def test_a_changed_nonce_or_ciphertext_is_refused(cipher, part):
    token = cipher.encrypt(EMAIL, **WHERE)
    tampered = _swap(token, part, _flip_last_byte(token.split(":")[part]))
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(tampered, **WHERE)


def test_a_truncated_ciphertext_is_refused(cipher):
    token = cipher.encrypt(EMAIL, **WHERE)
    sealed = base64.urlsafe_b64decode(token.split(":")[4] + "==")
    shorter = base64.urlsafe_b64encode(sealed[:-1]).rstrip(b"=").decode()
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(_swap(token, 4, shorter), **WHERE)


@pytest.mark.parametrize(
    "elsewhere",
    [
        {"team_id": OTHER_TEAM},  # another team's row
        {"prospect_id": OTHER_PERSON},  # another person of the same team
        {"field": "phone"},  # another field of the same person
    ],
)
def test_a_value_does_not_decrypt_for_another_team_person_or_field(cipher, elsewhere):
    token = cipher.encrypt(EMAIL, **WHERE)
    with pytest.raises(DecryptionFailed, match="tampered with, or not this team's"):
        cipher.decrypt(token, **{**WHERE, **elsewhere})


def test_a_key_id_swapped_in_the_header_is_refused(ring):
    both = ring.rotated("k2")
    token = FieldCipher(Keyring("k1", both.keys)).encrypt(EMAIL, **WHERE)
    with pytest.raises(DecryptionFailed):
        FieldCipher(both).decrypt(_swap(token, 2, "k2"), **WHERE)


def test_an_unknown_key_id_is_named(cipher):
    stranger = FieldCipher(Keyring("k9", {"k9": new_key()}))
    token = stranger.encrypt(EMAIL, **WHERE)
    with pytest.raises(UnknownKey) as caught:
        cipher.decrypt(token, **WHERE)
    assert caught.value.kid == "k9" and "unknown key id 'k9'" in str(caught.value)


@pytest.mark.parametrize(
    "token",
    [
        "enc:v1:k1",
        "enc:v1:k1:abc",
        "enc:v1:k1:a:b:c",
        "enc:v1:k 1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA",
        "enc:v1:k1:!!!:AAAAAAAAAAAAAAAAAAAAAA",
        "enc:v1:k1:AAAA:AAAAAAAAAAAAAAAAAAAAAA",  # 3-byte nonce
        "enc:v1:k1:AAAAAAAAAAAAAAAA:AAAA",  # shorter than the tag
        "ann@acme.example",  # no header at all
    ],
)
def test_malformed_values_are_refused_by_decrypt(cipher, token):
    with pytest.raises(MalformedCiphertext):
        cipher.decrypt(token, **WHERE)


def test_rotation_old_values_still_decrypt_new_ones_use_the_new_key(ring):
    old = FieldCipher(ring)
    before = old.encrypt(EMAIL, **WHERE)
    rotated = ring.rotated("k2")
    new = FieldCipher(rotated)
    assert new.current_kid == "k2"
    assert new.decrypt(before, **WHERE) == EMAIL  # the old key stays in the ring
    after = new.rekey(before, **WHERE)
    assert kid_of(after) == "k2" and new.decrypt(after, **WHERE) == EMAIL
    # once the old key is retired, only re-encrypted values read
    retired = FieldCipher(rotated.without(["k1"]))
    assert retired.decrypt(after, **WHERE) == EMAIL
    with pytest.raises(UnknownKey):
        retired.decrypt(before, **WHERE)
    with pytest.raises(KeyConfigError):
        rotated.rotated("k2")  # a kid is never reused


def test_tolerant_forms_pass_none_and_legacy_clear_text(cipher):
    assert cipher.reveal(None, **WHERE) is None
    assert cipher.reveal("legacy@acme.example", **WHERE) == "legacy@acme.example"
    assert cipher.seal(None, **WHERE) is None
    sealed = cipher.seal(EMAIL, **WHERE)
    assert is_ciphertext(sealed) and cipher.seal(sealed, **WHERE) == sealed  # not twice
    assert kid_of(cipher.rekey("legacy@acme.example", **WHERE)) == "k1"
    where = {"team_id": TEAM, "prospect_id": PERSON}
    stored = cipher.seal_fields(
        {"email": EMAIL, "email_status": "valid", "phone": None}, ("email", "phone"), **where
    )
    assert is_ciphertext(stored["email"]) and stored["email_status"] == "valid"
    assert stored["phone"] is None
    assert cipher.reveal_fields(stored, ("email", "phone"), **where) == {
        "email": EMAIL,
        "email_status": "valid",
        "phone": None,
    }


def test_keyring_json_round_trip_and_validation(ring):
    assert Keyring.from_json(ring.to_json()) == ring
    urlsafe = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    assert Keyring.from_map(json.dumps({"a": urlsafe}), "a").current == "a"
    for keys, current in (
        ('{"a": "c2hvcnQ="}', "a"),  # 5 bytes
        ('{"a": "not base64 !"}', "a"),
        ("[]", "a"),
        ("{}", "a"),
        ("nope", "a"),
        (json.dumps({"a": base64.b64encode(os.urandom(32)).decode()}), "b"),  # unknown current
        (json.dumps({"a b": base64.b64encode(os.urandom(32)).decode()}), "a b"),  # bad kid
    ):
        with pytest.raises(KeyConfigError):
            Keyring.from_map(keys, current)


def test_keys_file_is_reloaded_when_it_changes(tmp_path, ring):
    path = tmp_path / "pii-keys.json"
    write_keys_file(path, ring)
    assert path.stat().st_mode & 0o777 == 0o600
    now = [0.0]
    source = KeysFile(path, reload_s=5.0, clock=lambda: now[0])
    cipher = FieldCipher(source)
    assert cipher.current_kid == "k1"
    old_token = cipher.encrypt(EMAIL, **WHERE)

    rotated = ring.rotated("k2")
    write_keys_file(path, rotated)
    assert cipher.current_kid == "k1"  # not looked at again yet
    now[0] = 5.0
    assert cipher.current_kid == "k2"
    assert cipher.decrypt(old_token, **WHERE) == EMAIL

    # a value under a key this process has not seen yet makes it look at once
    newer = rotated.rotated("k3")
    write_keys_file(path, newer)
    token = FieldCipher(newer).encrypt(EMAIL, **WHERE)
    assert cipher.decrypt(token, **WHERE) == EMAIL

    path.write_text("{half")  # a broken file keeps the last good keys
    now[0] = 20.0
    assert cipher.current_kid == "k3"


def test_settings_map_file_placeholder_and_prod(tmp_path, ring, monkeypatch):
    class Settings(ServiceSettings, PiiKeySettings):
        pass

    key = base64.b64encode(ring.keys["k1"]).decode()
    configured = Settings(pii_keys=json.dumps({"k1": key}), pii_key_id="k1")
    token = configured.pii_cipher().encrypt(EMAIL, **WHERE)
    assert FieldCipher(ring).decrypt(token, **WHERE) == EMAIL

    path = tmp_path / "keys.json"
    write_keys_file(path, ring)
    assert Settings(pii_keys_file=path).pii_cipher().decrypt(token, **WHERE) == EMAIL

    assert Settings().pii_cipher().current_kid == DEV_PLACEHOLDER_KEYRING.current  # dev
    with pytest.raises(ValidationError, match="must be set in prod"):
        Settings(environment="prod", jwt_secret="a-real-secret")
    assert Settings(environment="prod", jwt_secret="x", pii_keys_file=path).pii_keys_file
    with pytest.raises(ValidationError, match="go together"):
        Settings(pii_keys=json.dumps({"k1": key}))
    with pytest.raises(ValidationError, match="32"):
        Settings(pii_keys='{"k1": "c2hvcnQ="}', pii_key_id="k1")
    monkeypatch.setenv("PII_KEYS", json.dumps({"k1": key}))
    monkeypatch.setenv("PII_KEY_ID", "k1")
    assert Settings().pii_cipher().decrypt(token, **WHERE) == EMAIL
