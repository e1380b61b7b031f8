"""Sign-in with the organisation's identity, end to end: a real OpenID Connect provider on loopback
(oidc-provider-mock, with the claims each test user gets), `kb serve` configured by atkb's settings only, and
Debian's Chromium through Playwright; and a trusted proxy's header, honoured from loopback and ignored when the
same header comes from another address."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from kb import KnowledgeBase, Settings

from .test_app_e2e import CHROMIUM, serving

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
UPLOAD_INPUT = "input[type=file]"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def provider() -> Iterator[str]:
    """An OpenID Connect provider on loopback with three people: a researcher, an admin, and one in no mapped
    group; yields its issuer."""
    from oidc_provider_mock import User, run_server_in_thread

    people = [User(sub="u-1001", claims={"preferred_username": "ana", "groups": ["atkb-research", "staff"]}),
              User(sub="u-1002", claims={"preferred_username": "ines", "groups": ["/atkb-admins"]}),
              User(sub="u-1003", claims={"preferred_username": "bob", "groups": ["visitors"],
                                           "email": "bob@elsewhere.example", "email_verified": True})]
    with run_server_in_thread(user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


def _sign_in(browser, base: str, subject: str):
    """A fresh browser signs in at the provider as `subject` and comes back to the app; returns the page."""
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    page.goto(base, wait_until="networkidle")
    page.get_by_role("button", name="Sign in with Test Identity").click(timeout=90000)
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.get_by_role("button", name=subject).click()  # the provider's form: authenticate this person
    page.wait_for_url(f"{base}/**", timeout=30000)
    return page


def test_people_sign_in_at_the_organisations_provider_and_get_their_mapped_roles(browser, provider, tmp_path,
                                                                                  monkeypatch) -> None:
    for name, value in {"OIDC_ISSUER": provider, "OIDC_CLIENT_ID": "atkb-test", "OIDC_CLIENT_SECRET": "t0p-s3cret",
                        "OIDC_PROVIDER_NAME": "Test Identity",
                        "OIDC_ROLE_MAP": "group:atkb-research=researcher, group:atkb-admins=admin"}.items():
        monkeypatch.setenv(f"KB_{name}", value)
    OUTPUT.mkdir(exist_ok=True)
    home = tmp_path / "home"
    with serving(home) as base:
        # ana is in atkb-research: a researcher, who may open the upload page
        ana = _sign_in(browser, base, "u-1001")
        ana.get_by_text("Signed in with Test Identity as").wait_for(timeout=60000)
        assert "ana (researcher)" in ana.locator("[data-testid=stSidebar]").inner_text()
        ana.goto(f"{base}/?view=upload", wait_until="networkidle")
        ana.locator(UPLOAD_INPUT).first.wait_for(state="attached", timeout=60000)
        ana.screenshot(path=str(OUTPUT / "sign-in-oidc-researcher.png"))
        # her identity is an account of the knowledge base now: password-less, made by the provider's sign-in
        with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
            assert [(a["name"], a["role"], a["source"]) for a in kb.accounts.list()] == [("ana", "researcher", "oidc")]
            assert [(e["action"], e["user"], e["via"]) for e in kb.accounts.audit()] == \
                [("account.add", "ana", "oidc")]
            kb.accounts.remove("ana")  # an admin removes the account: her open session ends at its next page
        ana.locator("[data-testid=stSidebar]").get_by_text("Search", exact=True).click()  # her next page
        ana.get_by_text("was removed or disabled: this session was signed out").wait_for(timeout=60000)
        assert "Signed in with" not in ana.locator("[data-testid=stSidebar]").inner_text()
        # a new session with her still signed in at the provider: refused until an admin adds her again
        ana.goto(f"{base}/?view=upload", wait_until="networkidle")
        ana.get_by_text("was removed: ask an admin to add it again").wait_for(timeout=60000)
        assert ana.locator(UPLOAD_INPUT).count() == 0

        # bob is signed in at the provider, but no group of his has a role here: refused, with the reason
        bob = _sign_in(browser, base, "u-1003")
        bob.get_by_text("has no role in this knowledge base").wait_for(timeout=60000)
        sidebar = bob.locator("[data-testid=stSidebar]").inner_text()
        assert "Signed in with" not in sidebar and "bob" in sidebar
        bob.goto(f"{base}/?view=upload", wait_until="networkidle")
        bob.get_by_text("Adding documents is for accounts with the researcher role").wait_for(timeout=60000)
        assert bob.locator(UPLOAD_INPUT).count() == 0
        bob.screenshot(path=str(OUTPUT / "sign-in-oidc-refused.png"))

        # ines is in Keycloak's /atkb-admins path; signing out brings the sign-in button back
        ines = _sign_in(browser, base, "u-1002")
        ines.get_by_text("ines (admin)").wait_for(timeout=60000)
        ines.get_by_role("button", name="Sign out").click()
        ines.wait_for_url("**/end_session**", timeout=30000)  # the provider's own sign-out, then back to the app
        ines.get_by_role("button", name="End session").click()
        ines.get_by_role("button", name="Sign in with Test Identity").wait_for(timeout=60000)
    assert (home / "streamlit-secrets.toml").stat().st_mode & 0o077 == 0


def _outside_address() -> str | None:
    """An address of this machine other than loopback (the one its default route uses), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("198.51.100.1", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def test_the_proxy_header_counts_from_a_trusted_proxy_and_is_ignored_from_anyone_else(browser, tmp_path,
                                                                                      monkeypatch) -> None:
    outside = _outside_address()
    if outside is None:
        pytest.skip("this machine has no address besides loopback")
    for name, value in {"AUTH_HEADER": "X-Remote-User", "AUTH_GROUPS_HEADER": "X-Remote-Groups",
                        "AUTH_HEADER_ROLE_MAP": "group:atkb-research=researcher"}.items():
        monkeypatch.setenv(f"KB_{name}", value)  # trusted_proxies stays the default: loopback only
    forged = {"X-Remote-User": "carla", "X-Remote-Groups": "atkb-research"}
    with serving(tmp_path / "home", host="0.0.0.0") as base:
        port = base.rsplit(":", 1)[1]
        # through loopback, where the trusted proxy would sit (and, like any proxy, says whom it forwards): carla, a
        # researcher
        proxied = browser.new_context(extra_http_headers={**forged, "X-Forwarded-For": "198.51.100.4"}).new_page()
        proxied.goto(f"{base}/?view=upload", wait_until="networkidle")
        proxied.get_by_text("Signed in by the sign-in proxy as").wait_for(timeout=90000)
        assert "carla (researcher)" in proxied.locator("[data-testid=stSidebar]").inner_text()
        proxied.locator(UPLOAD_INPUT).first.wait_for(state="attached", timeout=60000)
        with KnowledgeBase(Settings.load({"home": str(tmp_path / "home")})) as kb:
            assert [(a["name"], a["role"], a["source"]) for a in kb.accounts.list()] == \
                [("carla", "researcher", "proxy")]
            assert [(e["action"], e["via"], e["address"]) for e in kb.accounts.audit()] == \
                [("account.add", "proxy", "198.51.100.4")]

        # the same header sent straight to the server from another address: ignored, an anonymous visitor
        direct = browser.new_context(extra_http_headers=forged).new_page()
        direct.goto(f"http://{outside}:{port}/?view=upload", wait_until="networkidle")
        direct.get_by_text("Adding documents is for accounts with the researcher role").wait_for(timeout=90000)
        assert "carla" not in direct.locator("[data-testid=stSidebar]").inner_text()
        assert direct.locator(UPLOAD_INPUT).count() == 0
