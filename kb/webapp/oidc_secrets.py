"""Streamlit's OpenID Connect sign-in reads its provider from an `[auth]` table of a secrets file: `kb serve` writes
that file (0600, in the data directory) from atkb's settings, so people configure atkb only."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from kb.errors import SettingsError

from .identity import check_settings, oidc_configured

SECRETS_FILE = "streamlit-secrets.toml"
COOKIE_SECRET_FILE = "oidc-cookie-secret"
WELL_KNOWN = "/.well-known/openid-configuration"
CALLBACK = "/oauth2callback"


def metadata_url(issuer: str) -> str:
    """The provider's server metadata address, from its issuer or that address itself."""
    issuer = issuer.strip()
    if not issuer.startswith(("https://", "http://")):
        raise SettingsError(f"setting 'oidc_issuer' is {issuer!r}: give the identity provider's https address, e.g. "
                            "https://login.example.org/realms/staff")
    return issuer if issuer.rstrip("/").endswith(WELL_KNOWN) else issuer.rstrip("/") + WELL_KNOWN


def redirect_uri(settings: Any, host: str, port: int) -> str:
    """Where the provider sends people back: oidc_redirect_uri, or this server's own /oauth2callback."""
    configured = settings.oidc_redirect_uri.strip()
    if configured:
        if not configured.rstrip("/").endswith(CALLBACK):
            raise SettingsError(f"setting 'oidc_redirect_uri' is {configured!r}: it must end in {CALLBACK} (the "
                                "address registered at the identity provider, e.g. https://kb.example.org/oauth2callback)")
        return configured.rstrip("/")
    if host in ("0.0.0.0", "::", ""):
        raise SettingsError("sign-in with oidc_issuer on every interface needs the address people use: set "
                            "oidc_redirect_uri, e.g. https://kb.example.org/oauth2callback")
    name = f"[{host}]" if ":" in host else host
    return f"http://{name}:{port}{CALLBACK}"


def cookie_secret(settings: Any, home: Path) -> str:
    """oidc_cookie_secret, or one generated the first time and kept 0600 in the data directory."""
    if settings.oidc_cookie_secret:
        return settings.oidc_cookie_secret
    path = home / COOKIE_SECRET_FILE
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if len(kept) >= 32:
            return kept
    value = secrets.token_urlsafe(48)
    _write_private(path, value + "\n")
    return value


def write_auth_secrets(settings: Any, host: str, port: int) -> Path | None:
    """Write HOME/streamlit-secrets.toml for Streamlit's st.login, or remove an old one when sign-in with a
    provider is off; the path to hand Streamlit (`--secrets.files`), or None."""
    check_settings(settings)
    home = settings.home_path
    path = home / SECRETS_FILE
    if not oidc_configured(settings):
        path.unlink(missing_ok=True)
        return None
    auth = {
        "redirect_uri": redirect_uri(settings, host, port),
        "cookie_secret": cookie_secret(settings, home),
        "client_id": settings.oidc_client_id,
        "client_secret": settings.oidc_client_secret,
        "server_metadata_url": metadata_url(settings.oidc_issuer),
    }
    lines = ["# Written by `kb serve` from atkb's settings (oidc_*) at every start: change the settings, not this.",
             "[auth]", *(f"{key} = {_toml_string(value)}" for key, value in auth.items()),
             "", "[auth.client_kwargs]", f"scope = {_toml_string(settings.oidc_scope)}", ""]
    _write_private(path, "\n".join(lines))
    return path


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for every character a setting can hold)."""
    return json.dumps(str(value), ensure_ascii=False)


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, replacing any older one whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
