"""The page while its websocket is down: a translated notice, no lost text."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_keyboard import log_in_by_request
from tests.factories import register_account

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]


def test_offline_notice_keeps_typed_text(new_page: OpenPage, site_url: str) -> None:
    page = new_page(locale="ru-RU")
    log_in_by_request(page)
    notice = page.locator("#connection-lost")
    wrapper = page.locator(".chat-input-wrapper")
    send = page.locator(".send-button")
    expect(notice).to_have_count(0)
    expect(send).to_be_enabled()

    page.context.set_offline(True)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Нет связи с сервером")
    expect(page.get_by_text("Cannot connect to server")).to_have_count(0)
    expect(send).to_be_disabled()
    notice_box, input_box = notice.bounding_box(), wrapper.bounding_box()
    assert notice_box is not None
    assert input_box is not None
    assert notice_box["y"] + notice_box["height"] <= input_box["y"]
    page.locator("#chat-input").fill("typed while offline")
    page.locator("#chat-input").press("Enter")
    expect(page.locator("#chat-input")).to_have_value("typed while offline")

    page.context.set_offline(False)
    expect(notice).to_have_count(0)
    expect(send).to_be_enabled()
    # Other tests share the site, so the text must be unique to this test.
    register_account(site_url).say("offline notice test: back online")
    posted = page.locator(".message-text", has_text="offline notice test: back online")
    expect(posted).to_have_count(1)
    expect(page.locator("#chat-input")).to_have_value("typed while offline")
    typed = page.locator(".message-text", has_text=re.compile("^typed while offline$"))
    expect(typed).to_have_count(0)
