"""The live list of the chat page: its bound, and the page after a reconnect."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from streamchat.state.messages import LIVE_MAX
from tests.e2e.conftest import register_in_page
from tests.e2e.test_chat_page import OpenPage, message
from tests.factories import register_account

pytestmark = pytest.mark.browser


def shown(page: Page) -> Locator:
    return page.locator(".chat-message")


def test_live_overflow_survives_reconnect(new_page: OpenPage, site_url: str) -> None:
    page = new_page()
    register_in_page(page)
    poster = register_account(site_url)
    poster.say("first live message")
    expect(message(page, "first live message")).to_have_count(1)

    for number in range(LIVE_MAX + 2):
        poster.say(f"overflow {number}")
    expect(message(page, f"overflow {LIVE_MAX + 1}")).to_have_count(1)
    expect(shown(page)).to_have_count(LIVE_MAX)
    expect(message(page, "first live message")).to_have_count(0)
    expect(message(page, "overflow 1")).to_have_count(0)
    expect(message(page, "overflow 2")).to_have_count(1)
    expect(page.locator(".load-older")).to_be_visible()

    page.context.set_offline(True)
    expect(page.locator("#connection-lost")).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#connection-lost")).to_have_count(0)
    poster.say("after the reconnect")
    expect(message(page, "after the reconnect")).to_have_count(1)
    expect(shown(page)).to_have_count(LIVE_MAX)
    expect(message(page, "overflow 2")).to_have_count(0)

    page.locator(".load-older").click()
    expect(message(page, "overflow 2")).to_have_count(1)
    expect(message(page, "overflow 1")).to_have_count(1)
    texts = shown(page).locator(".message-text").all_inner_texts()
    numbers = [int(t.split()[1]) for t in texts if re.fullmatch(r"overflow \d+", t)]
    assert numbers == sorted(set(numbers))
