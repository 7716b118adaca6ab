"""How the chat shows messages: touch screens, long text, paging, bidi text."""

import os
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import register_in_page, send_in_page
from tests.factories import register_account

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
_numbers = count(1)


@pytest.fixture
def phone(browser: Browser, site_url: str) -> Iterator[Page]:
    """A 375 px wide touch screen, which has no hover."""
    context: BrowserContext = browser.new_context(
        base_url=site_url,
        locale="en-US",
        viewport={"width": 375, "height": 740},
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


def test_delete_button_shows_on_touch(phone: Page) -> None:
    assert phone.evaluate("matchMedia('(hover: none)').matches")
    expect(phone.locator(".chat-empty, .chat-message").first).to_be_visible()
    register_in_page(phone)
    text = f"delete me on a phone {next(_numbers)}x{os.getpid()}"
    send_in_page(phone, text)

    row = phone.locator(".chat-message", has_text=text)
    delete = row.locator(".delete-button")
    expect(delete).to_have_css("opacity", "1")
    expect(delete).to_have_accessible_name("Delete message")


def test_message_of_500_emoji_is_kept(new_page: OpenPage) -> None:
    page = new_page()
    register_in_page(page)
    text = "😀" * 500

    page.locator("#chat-input").fill(text)
    expect(page.locator("#chat-input")).to_have_value(text)
    page.locator("#chat-input").press("Enter")

    shown = page.locator(".message-text").filter(has_text=text)
    expect(shown).to_have_count(1)


def test_load_older_keeps_reading_place(new_page: OpenPage, site_url: str) -> None:
    poster = register_account(site_url)
    for number in range(60):
        poster.say(f"paging message {number}")
    page = new_page()
    rows = page.locator(".chat-message")
    page.locator("#chat-messages").evaluate("list => { list.scrollTop = 0; }")
    first_id = rows.first.get_attribute("id")
    assert first_id is not None

    page.locator(".load-older").click()

    expect(rows.first).not_to_have_id(first_id)
    expect(page.locator(f"#{first_id}")).to_be_in_viewport()
    scroll_top = page.locator("#chat-messages").evaluate("list => list.scrollTop")
    assert scroll_top > 0


def test_user_text_is_bidi_isolated(new_page: OpenPage) -> None:
    page = new_page()
    register_in_page(page)
    text = f"isolated text {next(_numbers)}x{os.getpid()}"
    send_in_page(page, text)

    row = page.locator(".chat-message", has_text=text)
    expect(row.locator(".message-text")).to_have_css("unicode-bidi", "plaintext")
    expect(row.locator(".author")).to_have_css("unicode-bidi", "isolate")
