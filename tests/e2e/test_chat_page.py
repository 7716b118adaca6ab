"""The main page in Chromium: login, live chat, likes, logout, language."""

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import register_in_page, send_in_page
from tests.factories import register_account

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]


def message(page: Page, text: str) -> Locator:
    """Locate the chat message whose text is exactly ``text``."""
    return page.locator(".chat-message").filter(
        has=page.locator(".message-text", has_text=re.compile(f"^{re.escape(text)}$"))
    )


def test_message_and_like_go_live(new_page: OpenPage) -> None:
    alice = new_page()
    bob = new_page()
    alice_name = register_in_page(alice)
    register_in_page(bob)

    send_in_page(alice, "hello from alice")
    expect(alice.locator("#chat-input")).to_have_value("")
    in_bob = message(bob, "hello from alice")
    expect(in_bob).to_have_count(1)
    expect(in_bob.locator(".author")).to_have_text(alice_name)
    expect(in_bob.locator("img.avatar")).to_have_attribute("src", re.compile(r"\S"))

    in_bob.locator(".like-button").click()
    expect(in_bob.locator(".like-button")).to_have_class(re.compile(r"\bliked\b"))
    expect(message(alice, "hello from alice").locator(".like-count")).to_have_text("1")


def test_html_in_message_stays_text(new_page: OpenPage) -> None:
    author = new_page()
    reader = new_page()
    register_in_page(author)
    image = '<img src=x onerror="window.__pwned = 1">'
    script = "<script>window.__pwned = 2</script>"

    send_in_page(author, image)
    send_in_page(author, script)

    for page in (author, reader):
        expect(message(page, image)).to_have_count(1)
        expect(message(page, script)).to_have_count(1)
        assert page.locator(".message-text img").count() == 0
        assert page.locator(".message-text script").count() == 0
        assert page.evaluate("window.__pwned") is None


def test_rest_message_reaches_both_pages(new_page: OpenPage, site_url: str) -> None:
    logged_in = new_page()
    register_in_page(logged_in)
    visitor = new_page()
    script_user = register_account(site_url)

    script_user.say("posted over REST")

    expect(message(logged_in, "posted over REST")).to_have_count(1)
    expect(message(visitor, "posted over REST")).to_have_count(1)


def test_visitor_like_asks_to_log_in(new_page: OpenPage, site_url: str) -> None:
    register_account(site_url).say("like me if you can")
    visitor = new_page()

    row = message(visitor, "like me if you can")
    row.locator(".like-button").click()

    expect(visitor.get_by_role("dialog")).to_be_visible()
    expect(row.locator(".like-count")).to_have_text("0")
    expect(visitor.locator(".chat-input-wrapper")).to_have_count(0)


def test_logout_hides_the_input(new_page: OpenPage) -> None:
    page = new_page()
    register_in_page(page)
    expect(page.locator(".chat-input-wrapper")).to_be_visible()

    page.locator(".logout-btn").click()

    expect(page.locator(".auth-button")).to_be_visible()
    expect(page.locator(".chat-input-wrapper")).to_have_count(0)
    expect(page.locator(".authorized-buttons")).to_have_count(0)


def test_reload_keeps_the_user(new_page: OpenPage) -> None:
    page = new_page()
    name = register_in_page(page)

    page.reload()

    expect(page.locator(".authorized-buttons")).to_contain_text(name)
    expect(page.locator(".chat-input-wrapper")).to_be_visible()


def test_registration_errors_show_by_field(new_page: OpenPage) -> None:
    page = new_page()
    page.locator(".auth-button").click()
    page.get_by_role("tab", name="Sign up").click()
    page.locator("#register-email").fill("not an email")
    page.locator("#register-password").fill("short")
    page.locator(".register-form button[type=submit]").click()

    expect(page.locator("#name-error")).to_have_text("Enter a name.")
    expect(page.locator("#email-error")).to_have_text("Enter a valid email address.")
    expect(page.locator("#password-error")).to_have_attribute("role", "alert")


def test_language_toggle_switches_texts(new_page: OpenPage) -> None:
    page = new_page(locale="en-US")
    expect(page.locator(".auth-button")).to_have_text("Log in / Sign up")

    page.locator(".lang-option", has_text="RU").click()
    expect(page.locator(".auth-button")).to_have_text("Вход / Регистрация")

    page.reload()
    expect(page.locator(".auth-button")).to_have_text("Вход / Регистрация")


def test_russian_browser_gets_russian(new_page: OpenPage) -> None:
    page = new_page(locale="ru-RU")

    expect(page.locator(".auth-button")).to_have_text("Вход / Регистрация")


def test_reconnect_shows_missed_once(new_page: OpenPage, site_url: str) -> None:
    page = new_page()
    register_in_page(page)
    poster = register_account(site_url)
    poster.say("before the drop")
    expect(message(page, "before the drop")).to_have_count(1)

    page.context.set_offline(True)
    # Reflex's own notice proves that the page's websocket really dropped.
    expect(page.get_by_text("Cannot connect to server")).to_be_visible()
    poster.say("while offline")
    page.context.set_offline(False)

    expect(message(page, "while offline")).to_have_count(1)
    poster.say("after the drop")
    expect(message(page, "after the drop")).to_have_count(1)
    expect(message(page, "while offline")).to_have_count(1)
    expect(message(page, "before the drop")).to_have_count(1)


def test_ended_session_logs_page_out(new_page: OpenPage, site_url: str) -> None:
    page = new_page()
    register_in_page(page)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}

    response = httpx.get(f"{site_url}/logout", cookies=cookies)

    assert response.status_code == 200
    expect(page.locator(".auth-button")).to_be_visible()
    expect(page.locator(".chat-input-wrapper")).to_have_count(0)
