"""Passwords hashed with Argon2id (argon2-cffi's PasswordHasher): never stored, compared or logged in clear."""
from __future__ import annotations

import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import KBError

HASHER = PasswordHasher()  # the library's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes)
MIN_LENGTH = 8
MAX_LENGTH = 1024  # a visitor's input is bounded; Argon2 hashes any length, but no one types more
# A hash of a password no one knows: unknown names are checked against it, so that the time of an answer does
# not tell which names exist.
_DUMMY = HASHER.hash("no account has this password: it only spends the time a real check spends")


def check_new(password: str) -> str:
    """The password when it is acceptable as a new one; a KBError that says why not otherwise."""
    if len(password) < MIN_LENGTH:
        raise KBError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise KBError(f"a password may have at most {MAX_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash (salt and parameters inside) of a new password."""
    return HASHER.hash(check_new(password))


def verify(stored: str | None, given: str) -> bool:
    """Whether `given` matches the stored hash; an account without one (or an unknown name: None) spends the
    same time on a dummy hash and answers False."""
    given = given[:MAX_LENGTH + 1]
    try:
        return HASHER.verify(stored or _DUMMY, given) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return False


def same_text(given: str, expected: str) -> bool:
    """Constant-time comparison of two texts (the shared researcher password of older installs)."""
    return bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
