"""Who signs in from outside: an OpenID Connect identity's claims, or a trusted proxy's header, turned into an
`Actor` (or the reason it is refused) by the role maps of the settings. Pure logic, no Streamlit: the app's
sign-in (external_sign_in.py) and `kb serve` ask it.
"""
from __future__ import annotations

import ipaddress
import re
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from kb.errors import SettingsError
from kb.permissions import ROLES, Actor, has_role

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_NAME_CHARS = 200       # an account name longer than this is refused, not cut
MAX_GROUPS = 1000          # groups read from one claim or header; the rest are ignored
MAX_GROUP_CHARS = 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RULE_KINDS = ("group", "domain")


@dataclass(frozen=True)
class RoleRule:
    """One rule of a role map: a group name or an e-mail domain, and the role it gives."""

    kind: str    # group | domain
    value: str
    role: str


@dataclass(frozen=True)
class Refusal:
    """An identity that was proven but is not let in, with the sentence the visitor reads."""

    reason: str
    sign_in_again: bool = False   # a sign-in that is only too old: signing in afresh lets the person in


def parse_role_map(text: str, setting: str = "oidc_role_map") -> tuple[RoleRule, ...]:
    """Rules `group:NAME=ROLE` and `domain:DOMAIN=ROLE`, separated by commas, or by semicolons or new lines when
    the text has any (group names such as LDAP DNs hold commas); SettingsError names the bad entry."""
    separators = r"[;\n]" if re.search(r"[;\n]", text) else ","
    rules = []
    for entry in (part.strip() for part in re.split(separators, text)):
        if not entry:
            continue
        kind, colon, rest = entry.partition(":")
        value, equals, role = rest.rpartition("=")
        kind, value, role = kind.strip().lower(), value.strip(), role.strip().lower()
        if not colon or kind not in _RULE_KINDS or not equals or not value:
            raise SettingsError(f"setting {setting!r}: {entry!r} is not a rule; write group:NAME=ROLE or "
                                f"domain:DOMAIN=ROLE, e.g. \"group:atkb-admins=admin, domain:ngo.example=reader\"")
        if role not in ROLES:
            raise SettingsError(f"setting {setting!r}: {entry!r} gives the role {role!r}; roles are "
                                f"{', '.join(ROLES)}")
        rules.append(RoleRule(kind, value.lower().lstrip("@") if kind == "domain" else _group(value), role))
    return tuple(rules)


def check_role(value: str, setting: str) -> str | None:
    """A configured default role: one of ROLES, or None for empty (refused)."""
    role = value.strip().lower()
    if not role:
        return None
    if role not in ROLES:
        raise SettingsError(f"setting {setting!r} is {value!r}; use one of {', '.join(ROLES)}, or leave it empty")
    return role


def parse_networks(text: str, setting: str = "trusted_proxies") -> tuple[Network, ...]:
    """Addresses and networks, comma- or space-separated; a bare address is its own /32 or /128."""
    networks = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(f"setting {setting!r}: {item!r} is not an address or network (write e.g. "
                                f"127.0.0.1/32, 10.0.0.0/8, ::1/128)") from None
    return tuple(networks)


def is_trusted(peer: str | None, networks: Iterable[Network]) -> bool:
    """True when the direct peer's address lies in a trusted network. Streamlit reports a loopback peer as no
    address (None): it counts as 127.0.0.1 or ::1."""
    networks = tuple(networks)
    candidates = ["127.0.0.1", "::1"] if peer in (None, "") else [peer]
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate.split("%")[0])
        except (ValueError, AttributeError):
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if any(address.version == net.version and address in net for net in networks):
            return True
    return False


def client_address(peer: str | None, forwarded: str, networks: Iterable[Network]) -> str:
    """The visitor's address as far as the server can tell: the peer, or behind a trusted proxy the last address
    that proxy put in X-Forwarded-For."""
    networks = tuple(networks)
    if is_trusted(peer, networks):
        last = forwarded.split(",")[-1].strip()[:64]
        if last:
            return last
    return peer or "127.0.0.1"


def role_for(groups: Iterable[str], email: str | None, rules: Iterable[RoleRule], default: str | None) -> str | None:
    """The highest role among the rules matching a group or the e-mail's domain; `default` when none match."""
    wanted = {_group(g) for g in groups}
    domain = email.rpartition("@")[2].lower() if email and "@" in email else None
    matched = [r.role for r in rules
               if (r.kind == "group" and r.value in wanted) or (r.kind == "domain" and r.value == domain)]
    if not matched:
        return default
    return max(matched, key=ROLES.index)


def oidc_identity(claims: Mapping[str, Any], settings: Any, address: str = "", now: float | None = None
                  ) -> Actor | Refusal:
    """The actor for a signed-in OpenID Connect identity (st.user's claims, those of its ID token), or why it is
    refused. Claims are read at sign-in and kept in the browser's cookie, so a sign-in older than
    oidc_session_hours (by the token's iat) must be renewed: group changes at the provider then take effect."""
    provider = settings.oidc_provider_name
    issued = claims.get("iat")
    hours = settings.oidc_session_hours
    if hours > 0 and isinstance(issued, (int, float)) and not isinstance(issued, bool) \
            and (time.time() if now is None else now) - issued > hours * 3600:
        return Refusal(f"Your sign-in with {provider} is more than {hours:g} hours old: sign in again.",
                       sign_in_again=True)
    name = _name(claims, settings.oidc_name_claim)
    if name is None:
        return Refusal(f"{provider} did not say who you are (no usable {settings.oidc_name_claim}, email or sub "
                       f"claim). Ask the people who run this server to check the identity provider's claims.")
    verified = claims.get("email_verified") in (True, "true", "True")
    email = _text(claims.get("email")) if verified else None
    rules = parse_role_map(settings.oidc_role_map, "oidc_role_map")
    role = role_for(_groups(claims.get(settings.oidc_groups_claim)), email, rules,
                    check_role(settings.oidc_default_role, "oidc_default_role"))
    if role is None:
        return Refusal(f"You are signed in at {provider} as {name}, but that account has no role in this knowledge "
                       f"base. Ask the people who run this server to give one of your groups a role "
                       f"(oidc_role_map), then sign in again.")
    return Actor(name, role, "oidc", address)


def proxy_identity(headers: Mapping[str, str | list[str]], peer: str | None, settings: Any) -> Actor | Refusal | None:
    """The actor named by a trusted proxy's auth_header, why it is refused, or None when the header is off,
    absent, or sent by an address that is not a trusted proxy (then it is ignored: anyone can send it). A header
    may come as the list of its values."""
    header = settings.auth_header.strip()
    if not header:
        return None
    networks = parse_networks(settings.trusted_proxies)
    if not is_trusted(peer, networks):
        return None
    raw = header_value(headers, header)
    if raw is None or not raw.strip():
        return None
    groups_header = settings.auth_groups_header.strip()
    for checked in filter(None, (header, groups_header)):
        values = _values(headers, checked)
        if isinstance(values, list) and len(values) > 1:
            return Refusal(f"The sign-in proxy passed on more than one {checked} header: it must replace the one a "
                           f"browser sends, not add to it. Ask the people who run this server to fix the proxy.")
    name = _text(raw)
    if name is None:
        return Refusal(f"The sign-in proxy sent a user name this server cannot use (header {header}: empty, over "
                       f"{MAX_NAME_CHARS} characters, or with control characters).")
    groups = _groups(re.split(r"[,;]", header_value(headers, groups_header) or "")) if groups_header else []
    email = name if "@" in name else None
    rules = parse_role_map(settings.auth_header_role_map, "auth_header_role_map")
    role = role_for(groups, email, rules, check_role(settings.auth_header_role, "auth_header_role"))
    if role is None:
        return Refusal(f"You are signed in as {name}, but that account has no role in this knowledge base. Ask the "
                       f"people who run this server to give one of your groups a role (auth_header_role_map).")
    address = client_address(peer, header_value(headers, "X-Forwarded-For") or "", networks)
    return Actor(name, role, "proxy", address)


def oidc_configured(settings: Any) -> bool:
    """True when the settings turn on sign-in with an OpenID Connect provider."""
    return bool(settings.oidc_issuer.strip())


def check_settings(settings: Any) -> None:
    """SettingsError, naming the setting, for any sign-in setting that cannot work."""
    parse_role_map(settings.oidc_role_map, "oidc_role_map")
    parse_role_map(settings.auth_header_role_map, "auth_header_role_map")
    check_role(settings.oidc_default_role, "oidc_default_role")
    check_role(settings.auth_header_role, "auth_header_role")
    parse_networks(settings.trusted_proxies)
    if oidc_configured(settings):
        missing = [name for name in ("oidc_client_id", "oidc_client_secret") if not getattr(settings, name)]
        if missing:
            raise SettingsError(f"oidc_issuer is set but {' and '.join(missing)} not: register the app at the "
                                f"identity provider and set them (the secret also as KB_OIDC_CLIENT_SECRET)")
    header = settings.auth_header.strip()
    if header and not re.fullmatch(r"[A-Za-z0-9-]{1,100}", header):
        raise SettingsError(f"setting 'auth_header' is {header!r}: a header name has letters, digits and dashes")


def may(actor: Actor | Refusal | None, role: str) -> bool:
    """True when an external sign-in gave an actor with at least this role."""
    return isinstance(actor, Actor) and actor.signed_in and has_role(actor, role)


def _name(claims: Mapping[str, Any], preferred: str) -> str | None:
    for claim in (preferred, "email", "sub"):
        name = _text(claims.get(claim))
        if name is not None:
            return name
    return None


def _text(value: Any) -> str | None:
    """A usable name: a non-empty string without control characters, at most MAX_NAME_CHARS long."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_NAME_CHARS or _CONTROL.search(value):
        return None
    return value


def _groups(value: Any) -> list[str]:
    """Group names from a claim: a list of strings, or one string."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [g for g in value[:MAX_GROUPS] if isinstance(g, str) and 0 < len(g) <= MAX_GROUP_CHARS]


def _group(name: str) -> str:
    """Keycloak sends full group paths (/atkb-admins): a rule for atkb-admins matches both."""
    return name.strip().lstrip("/")


def _values(headers: Mapping[str, str | list[str]], name: str) -> str | list[str] | None:
    """A header's value or values, whatever the case of its name."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def header_value(headers: Mapping[str, str | list[str]], name: str) -> str | None:
    """A header's value, whatever the case of its name (its last, when it came more than once)."""
    value = _values(headers, name)
    if isinstance(value, list):
        return value[-1] if value else None
    return value
