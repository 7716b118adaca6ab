"""Keyboard use of the main page: focus after dialogs close, the skip link."""

import os
from collections.abc import Callable
from itertools import count

import pytest
from playwright.sync_api import Page, expect

from tests.factories import register_account

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
_numbers = count(1)


def log_in_by_request(page: Page) -> str:
    """Register a user with the page's own cookies and reload the page."""
    name = f"keys{next(_numbers)}x{os.getpid()}"
    response = page.request.post(
        "/register",
        data={"name": name, "email": f"{name}@example.com", "password": "secret123"},
    )
    assert response.status == 201
    page.reload()
    expect(page.locator(".authorized-buttons")).to_contain_text(name)
    return name


def test_escape_focuses_login_button(new_page: OpenPage) -> None:
    page = new_page()
    opener = page.locator(".auth-button")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()


def test_escape_focuses_visitor_like_button(new_page: OpenPage, site_url: str) -> None:
    register_account(site_url).say("focus comes back here")
    page = new_page()
    row = page.locator(".chat-message", has_text="focus comes back here")
    opener = row.locator(".like-button")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()


def test_escape_focuses_upload_button(new_page: OpenPage) -> None:
    page = new_page()
    log_in_by_request(page)
    opener = page.get_by_role("button", name="Upload video")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()


def test_skip_link_focuses_chat_input(new_page: OpenPage) -> None:
    page = new_page()
    log_in_by_request(page)

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to chat")
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("#chat-input")).to_be_focused()


def test_skip_link_reaches_visitor_prompt(new_page: OpenPage) -> None:
    page = new_page(locale="ru-RU")

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_have_text("Перейти к чату")
    page.keyboard.press("Enter")

    expect(page.locator("#chat-login")).to_be_focused()
