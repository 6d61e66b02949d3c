from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash


@lru_cache
def password_hasher() -> PasswordHash:
    # pwdlib's recommended hasher is Argon2id with OWASP parameters.
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return password_hasher().verify(password, password_hash)
