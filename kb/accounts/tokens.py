"""API tokens: 32 random bytes shown once, stored only as their SHA-256 (a token is too random to guess, so a
plain fast hash is enough and lets a request find its token by one index lookup)."""
from __future__ import annotations

import hashlib
import secrets

PREFIX = "atkb_"


def new_token() -> str:
    """A fresh token as the user sees it once."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored and looked up for a token."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
