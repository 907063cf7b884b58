"""Helpers for the browser tests: the live site, logging in, TOTP codes and axe-core."""

import base64
import json
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect

HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 10_000  # as the ``context`` fixture: the live server answers in ms
AXE_JS = HERE / "vendor" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


class Site:
    """The live server as the browser sees it."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def path(self, page) -> str:
        url = page.url
        assert url.startswith(self.base_url), url
        return url[len(self.base_url) :]


def login_form(page):
    """The login form itself (the header holds other forms with submit buttons)."""
    return page.locator("main form.utrecht-form")


def submit_login(page, username: str, password: str):
    form = login_form(page)
    form.locator("#id_username").fill(username)
    form.locator("#id_password").fill(password)
    form.locator("button[type=submit]").click()


def log_in(page, site: Site, username: str, password: str, *, check_axe: bool = False):
    """Log in through the real login form; the page ends wherever the app sends it."""
    page.goto(site.url("/accounts/login/"))
    expect(page.locator("#id_username")).to_be_visible()
    if check_axe:
        assert_accessible(page)
    submit_login(page, username, password)
    # A failed login stays on this URL (and this assertion fails after the timeout).
    expect(page).not_to_have_url(site.url("/accounts/login/"))


def totp_code(secret: str, drift: int = 0) -> str:
    """The code an authenticator app shows now for a base32 secret."""
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret), drift=drift):06d}"


def enter_totp(page, code: str):
    page.locator("#id_token").fill(code)
    page.locator("main form button[type=submit]").click()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def assert_accessible(page, *, context: str = "") -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; fail on any
    serious or critical violation. Returns all violations (for the curious)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-
        # Policy does not govern (a <script> tag, add_script_tag, would be refused).
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    where = context or page.url
    if results and not blocking:
        # Minor and moderate findings do not fail the test; show them with -s or -rP.
        print(f"axe: minor/moderate findings on {where}:\n{_describe(results)}")
    assert not blocking, f"axe: serious/critical WCAG violations on {where}:\n" + _describe(
        blocking
    )
    return results


POLICY_HEADERS = ("Content Security Policy", "Permissions-Policy")


def watch_policy_errors(context) -> list[str]:
    """What Chromium reports about the security headers on any page of the context: a
    style, script or resource that the Content-Security-Policy refused (the page would
    look or work differently), or a Permissions-Policy it cannot read. The caller
    asserts the list is empty when the context is done."""
    errors: list[str] = []

    def on_console(message):
        if any(header in message.text for header in POLICY_HEADERS):
            url = message.page.url if message.page else "?"
            errors.append(f"{url}: {message.text}")

    context.on("console", on_console)
    return errors


@contextmanager
def logged_in(browser, site: Site, username: str, password: str):
    """A browser context of its own for one user (like the ``context`` fixture), so
    several users can work side by side in one test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    policy_errors = watch_policy_errors(context)
    try:
        page = context.new_page()
        log_in(page, site, username, password)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        yield page
    finally:
        context.close()
    assert not policy_errors, "\n".join(policy_errors)
