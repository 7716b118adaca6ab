"""The login modal when the account's failed logins hit the rate limit."""

import os
from collections.abc import Callable
from itertools import count

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
# The default limit of failed logins per account is 5 per 5 minutes.
FAILURES_ALLOWED = 5
_numbers = count(1)


def use_up_failed_logins(site_url: str) -> str:
    """Fail the login of a fresh email until its limit is used up."""
    email = f"limited{next(_numbers)}x{os.getpid()}@example.com"
    for _ in range(FAILURES_ALLOWED):
        response = httpx.post(
            f"{site_url}/login", json={"email": email, "password": "wrong one"}
        )
        assert response.status_code == 401
    return email


def try_login_in_modal(page: Page, email: str, tab: str) -> None:
    page.locator(".auth-button").click()
    page.get_by_role("tab", name=tab).click()
    page.locator("#login-email").fill(email)
    page.locator("#login-password").fill("wrong again")
    page.locator(".login-form button[type=submit]").click()


def test_limited_login_shows_wait_in_english(new_page: OpenPage, site_url: str) -> None:
    email = use_up_failed_logins(site_url)
    page = new_page()

    try_login_in_modal(page, email, "Log in")

    error = page.locator("#password-error")
    expect(error).to_have_text("Too many failed logins. Try again in 5 minutes.")
    expect(error).to_have_attribute("role", "alert")


def test_limited_login_shows_wait_in_russian(new_page: OpenPage, site_url: str) -> None:
    email = use_up_failed_logins(site_url)
    page = new_page(locale="ru-RU")

    try_login_in_modal(page, email, "Вход")

    expect(page.locator("#password-error")).to_have_text(
        "Слишком много неудачных попыток входа. Попробуйте снова через 5 минут."
    )
