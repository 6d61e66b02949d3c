"""Password hashing and token digests (no database)."""

from __future__ import annotations

from siaga.core.security import (
    dummy_password_hash,
    new_token,
    token_digest,
    verify_password,
)
from tests.auth.support import PASSWORD, WRONG_PASSWORD, password_hash


class TestPasswordHashing:
    def test_uses_argon2id(self) -> None:
        assert password_hash().startswith("$argon2id$")
        assert PASSWORD not in password_hash()

    def test_verifies_only_the_right_password(self) -> None:
        assert verify_password(PASSWORD, password_hash())
        assert not verify_password(WRONG_PASSWORD, password_hash())

    def test_malformed_stored_hash_never_matches(self) -> None:
        for stored in ("", "!unusable", "$argon2id$garbage", PASSWORD):
            assert not verify_password(PASSWORD, stored)

    def test_dummy_hash_is_argon2id_and_matches_nothing_guessable(self) -> None:
        assert dummy_password_hash().startswith("$argon2id$")
        assert not verify_password("", dummy_password_hash())


class TestTokens:
    def test_new_tokens_are_long_and_distinct(self) -> None:
        tokens = {new_token() for _ in range(100)}
        assert len(tokens) == 100
        assert min(len(t) for t in tokens) >= 43  # 256 bits in URL-safe base64

    def test_digest_is_keyed_and_purpose_bound(self) -> None:
        token = new_token()
        digest = token_digest("kunci-a", token)
        assert len(digest) == 64 and token not in digest
        assert digest == token_digest("kunci-a", token)
        assert digest != token_digest("kunci-b", token)
        assert digest != token_digest("kunci-a", token, purpose="api_key")
