"""Sign-in with the organisation's identity, the pure part: role maps, trusted proxies, claims and headers to an
actor or a refusal, and the secrets file `kb serve` writes for Streamlit's OpenID Connect sign-in."""
from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from kb import Settings
from kb.errors import SettingsError
from kb.permissions import Actor, allowed
from kb.webapp.identity import (Refusal, RoleRule, check_settings, client_address, is_trusted, oidc_identity,
                                parse_networks, parse_role_map, proxy_identity, role_for)
from kb.webapp.oidc_secrets import COOKIE_SECRET_FILE, SECRETS_FILE, metadata_url, write_auth_secrets

MAP = "group:atkb-admins=admin, group:atkb-research=researcher, domain:ngo.example=reader"


def _settings(tmp_path: Path, **values: str) -> Settings:
    return Settings.load({"home": str(tmp_path / "home"), **values}, environ={})


def test_role_map_rules_and_the_highest_matching_role() -> None:
    rules = parse_role_map(MAP)
    assert rules == (RoleRule("group", "atkb-admins", "admin"), RoleRule("group", "atkb-research", "researcher"),
                     RoleRule("domain", "ngo.example", "reader"))
    assert role_for(["atkb-research", "atkb-admins"], None, rules, None) == "admin"
    assert role_for(["/atkb-research"], None, rules, None) == "researcher"   # Keycloak's full group path
    assert role_for([], "Ana@NGO.example", rules, None) == "reader"
    assert role_for(["atkb-research"], "ana@ngo.example", rules, None) == "researcher"
    assert role_for(["others"], "ana@elsewhere.example", rules, None) is None
    assert role_for(["others"], None, rules, "reader") == "reader"


def test_role_map_with_commas_inside_group_names_uses_semicolons() -> None:
    rules = parse_role_map("group:cn=atkb-admins,ou=groups,dc=ngo=admin; group:cn=staff,ou=groups,dc=ngo=reader")
    assert role_for(["cn=atkb-admins,ou=groups,dc=ngo"], None, rules, None) == "admin"
    assert role_for(["cn=staff,ou=groups,dc=ngo"], None, rules, None) == "reader"


@pytest.mark.parametrize("text, named", [("group:a=owner", "owner"), ("atkb-admins=admin", "atkb-admins"),
                                         ("group:=admin", "group:=admin"), ("team:x=reader", "team:x")])
def test_a_bad_role_map_names_the_setting_and_the_entry(text: str, named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        parse_role_map(text, "oidc_role_map")
    assert "oidc_role_map" in str(raised.value) and named in str(raised.value)


def test_oidc_claims_become_an_actor_with_the_mapped_role(tmp_path: Path) -> None:
    settings = _settings(tmp_path, oidc_role_map=MAP, oidc_provider_name="Keycloak")
    actor = oidc_identity({"sub": "f81d4fae", "preferred_username": "ana", "groups": ["/atkb-research"]}, settings,
                          "10.1.2.3")
    assert actor == Actor("ana", "researcher", "oidc", "10.1.2.3")
    assert allowed(actor, "ingest") and not allowed(actor, "accounts")
    # no username claim: the e-mail address, then the subject names the account
    assert oidc_identity({"sub": "x1", "email": "bo@ngo.example", "email_verified": True}, settings).name \
        == "bo@ngo.example"
    assert oidc_identity({"sub": "x1", "groups": "atkb-admins"}, settings).name == "x1"


def test_an_e_mail_domain_counts_only_when_the_provider_verified_the_address(tmp_path: Path) -> None:
    settings = _settings(tmp_path, oidc_role_map=MAP)
    claims = {"sub": "1", "preferred_username": "eve", "email": "eve@ngo.example"}
    assert isinstance(oidc_identity(claims, settings), Refusal)
    assert isinstance(oidc_identity({**claims, "email_verified": False}, settings), Refusal)
    assert oidc_identity({**claims, "email_verified": True}, settings).role == "reader"


def test_an_identity_matching_no_rule_is_refused_unless_there_is_a_default_role(tmp_path: Path) -> None:
    claims = {"sub": "2", "preferred_username": "bob", "groups": ["visitors"]}
    refused = oidc_identity(claims, _settings(tmp_path, oidc_role_map=MAP, oidc_provider_name="Entra ID"))
    assert isinstance(refused, Refusal)
    assert "bob" in refused.reason and "Entra ID" in refused.reason and "no role" in refused.reason
    assert oidc_identity(claims, _settings(tmp_path, oidc_role_map=MAP, oidc_default_role="reader")).role == "reader"


def test_unusable_names_are_refused_not_cut(tmp_path: Path) -> None:
    settings = _settings(tmp_path, oidc_default_role="reader")
    assert isinstance(oidc_identity({"sub": "a\nb"}, settings), Refusal)
    assert isinstance(oidc_identity({"sub": "x" * 201}, settings), Refusal)
    assert isinstance(oidc_identity({"preferred_username": ["ana"]}, settings), Refusal)


def test_trusted_proxies_and_the_peer() -> None:
    loopback = parse_networks("127.0.0.1/32, ::1/128")
    assert is_trusted("127.0.0.1", loopback) and is_trusted("::1", loopback)
    assert is_trusted(None, loopback)  # Streamlit reports a loopback peer as no address
    assert is_trusted("::ffff:127.0.0.1", loopback)
    assert not is_trusted("192.0.2.7", loopback) and not is_trusted("not-an-address", loopback)
    lan = parse_networks("10.0.0.0/8 192.0.2.1")
    assert is_trusted("10.20.30.40", lan) and is_trusted("192.0.2.1", lan) and not is_trusted(None, lan)
    assert client_address("10.0.0.5", "203.0.113.9, 10.9.9.9", lan) == "10.9.9.9"
    assert client_address("203.0.113.9", "10.9.9.9", lan) == "203.0.113.9"
    with pytest.raises(SettingsError, match="trusted_proxies"):
        parse_networks("localhost")


def _proxy(tmp_path: Path, **values: str) -> Settings:
    return _settings(tmp_path, auth_header="X-Remote-User", auth_groups_header="X-Remote-Groups",
                     auth_header_role_map="group:atkb-research=researcher", **values)


def test_the_proxy_header_is_honoured_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    settings = _proxy(tmp_path)
    headers = {"x-remote-user": ["carla"], "x-remote-groups": ["staff, atkb-research"],
               "x-forwarded-for": ["198.51.100.4"]}
    assert proxy_identity(headers, "127.0.0.1", settings) == Actor("carla", "researcher", "proxy", "198.51.100.4")
    assert proxy_identity(headers, None, settings).name == "carla"
    assert proxy_identity(headers, "198.51.100.4", settings) is None  # a visitor sending the header itself
    assert proxy_identity(headers, "127.0.0.1", _proxy(tmp_path, trusted_proxies="10.0.0.0/8")) is None
    assert proxy_identity(headers, "127.0.0.1", _settings(tmp_path)) is None  # auth_header off
    assert proxy_identity({"X-Remote-User": "dan"}, "::1", settings) == Actor("dan", "reader", "proxy", "::1")
    assert proxy_identity({}, "127.0.0.1", settings) is None


def test_a_doubled_header_or_a_user_matching_nothing_is_refused(tmp_path: Path) -> None:
    doubled = proxy_identity({"x-remote-user": ["mallory", "carla"]}, "127.0.0.1", _proxy(tmp_path))
    assert isinstance(doubled, Refusal) and "more than one X-Remote-User" in doubled.reason
    forged_groups = proxy_identity({"x-remote-user": ["carla"], "x-remote-groups": ["atkb-research", "staff"]},
                                   "127.0.0.1", _proxy(tmp_path))
    assert isinstance(forged_groups, Refusal)
    nobody = proxy_identity({"x-remote-user": ["dan"]}, "127.0.0.1", _proxy(tmp_path, auth_header_role=""))
    assert isinstance(nobody, Refusal) and "dan" in nobody.reason


def test_settings_that_cannot_work_are_named(tmp_path: Path) -> None:
    check_settings(_settings(tmp_path))
    for values, named in [({"oidc_default_role": "boss"}, "oidc_default_role"),
                          ({"auth_header_role_map": "group:x"}, "auth_header_role_map"),
                          ({"oidc_issuer": "https://idp.example/realms/staff"}, "oidc_client_secret"),
                          ({"auth_header": "X Remote User"}, "auth_header")]:
        with pytest.raises(SettingsError, match=named):
            check_settings(_settings(tmp_path, **values))


def test_kb_serve_writes_streamlits_auth_secrets_from_the_settings(tmp_path: Path) -> None:
    settings = _settings(tmp_path, oidc_issuer="https://idp.example/realms/staff", oidc_client_id="atkb",
                         oidc_client_secret='s3"cret\\x', oidc_scope="openid email profile groups")
    path = write_auth_secrets(settings, "127.0.0.1", 8601)
    assert path == settings.home_path / SECRETS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    auth = tomllib.loads(path.read_text())["auth"]
    assert auth["server_metadata_url"] == "https://idp.example/realms/staff/.well-known/openid-configuration"
    assert auth["redirect_uri"] == "http://127.0.0.1:8601/oauth2callback"
    assert auth["client_id"] == "atkb" and auth["client_secret"] == 's3"cret\\x'
    assert auth["client_kwargs"] == {"scope": "openid email profile groups"}
    # the cookie key is generated once, kept 0600, and the same at the next start
    kept = settings.home_path / COOKIE_SECRET_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and len(auth["cookie_secret"]) >= 32
    write_auth_secrets(settings, "127.0.0.1", 8601)
    assert tomllib.loads(path.read_text())["auth"]["cookie_secret"] == auth["cookie_secret"]
    # sign-in turned off: the file goes, so no stale provider stays configured
    assert write_auth_secrets(_settings(tmp_path), "127.0.0.1", 8601) is None and not path.exists()


def test_the_redirect_address_on_every_interface_must_be_given(tmp_path: Path) -> None:
    values = {"oidc_issuer": "https://idp.example", "oidc_client_id": "atkb", "oidc_client_secret": "s"}
    with pytest.raises(SettingsError, match="oidc_redirect_uri"):
        write_auth_secrets(_settings(tmp_path, **values), "0.0.0.0", 8501)
    with pytest.raises(SettingsError, match="/oauth2callback"):
        write_auth_secrets(_settings(tmp_path, oidc_redirect_uri="https://kb.example.org/", **values), "0.0.0.0", 1)
    path = write_auth_secrets(_settings(tmp_path, oidc_redirect_uri="https://kb.example.org/oauth2callback",
                                        **values), "0.0.0.0", 8501)
    assert tomllib.loads(path.read_text())["auth"]["redirect_uri"] == "https://kb.example.org/oauth2callback"
    assert metadata_url("https://login.example/t/v2.0/.well-known/openid-configuration") \
        == "https://login.example/t/v2.0/.well-known/openid-configuration"


def test_a_sign_in_older_than_the_session_hours_must_be_renewed(tmp_path: Path) -> None:
    settings = _settings(tmp_path, oidc_role_map=MAP, oidc_session_hours="12")
    claims = {"sub": "1", "preferred_username": "ana", "groups": ["atkb-research"], "iat": 1_000_000}
    assert oidc_identity(claims, settings, now=1_000_000 + 11 * 3600).role == "researcher"
    stale = oidc_identity(claims, settings, now=1_000_000 + 13 * 3600)
    assert isinstance(stale, Refusal) and stale.sign_in_again and "sign in again" in stale.reason
    assert oidc_identity(claims, _settings(tmp_path, oidc_role_map=MAP, oidc_session_hours="0"),
                         now=1_000_000 + 900 * 3600).role == "researcher"


def test_the_app_started_without_kb_serve_says_why_there_is_no_sign_in_button(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KB_OIDC_ISSUER", "https://login.ngo.example/realms/staff")
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "kb" / "webapp" / "page.py"),
                           default_timeout=120)
    at.query_params["view"] = "upload"
    at.run()
    assert not at.exception
    assert any("not started with `kb serve`" in c.value for c in at.sidebar.caption)
    assert not [b for b in at.sidebar.button if b.label.startswith("Sign in with")]
    assert any("for accounts with the researcher role: sign in in the sidebar" in i.value for i in at.info)


def test_header_names_match_whatever_their_case() -> None:
    from kb.webapp.identity import header_value

    assert header_value({"X-Forwarded-For": ["10.0.0.1", "10.0.0.2"]}, "x-forwarded-for") == "10.0.0.2"
    assert header_value({"x-remote-user": "ana"}, "X-Remote-User") == "ana"
    assert header_value({}, "X-Remote-User") is None


def test_a_closed_server_with_a_provider_offers_both_ways_to_sign_in(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KB_PUBLIC_ACCESS", "none")
    monkeypatch.setenv("KB_OIDC_ISSUER", "https://login.ngo.example/realms/staff")
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "kb" / "webapp" / "page.py"),
                           default_timeout=120)
    at.query_params["view"] = "upload"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["atkb — sign in"]
    assert any("not started with `kb serve`" in c.value for c in at.caption)  # the provider's way, once served
    assert [t.label for t in at.text_input] == ["Name", "Password"]  # accounts with a password
