"""The chat: the message list, sending, likes, and live updates from the bus.

Each open page runs one background listener. It subscribes to the bus, then
fetches what the page has not seen yet, and from then on drains every queued
event into one state update. Subscribing before fetching leaves no gap, and
merging by message id leaves no duplicates, also after a reconnect.
"""

import asyncio
import dataclasses
import functools
import logging
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex_base.event import EventSpec

from streamchat import events
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.models import User
from streamchat.realtime import Event, Subscription, get_bus
from streamchat.services import chat
from streamchat.state.auth import AuthState
from streamchat.state.errors import error_keys
from streamchat.state.live import (
    claim_listener,
    client_connected,
    is_current_listener,
    release_listener,
)
from streamchat.state.messages import (
    PAGE_SIZE,
    ChatMessage,
    add_live,
    apply_events,
    ends_session,
    fetch_catch_up,
    from_public,
    merge,
)
from streamchat.state.scroll import restore_scroll_anchor

logger = logging.getLogger(__name__)

# A listener whose tab has gone notices it within this many seconds.
IDLE_CHECK_SECONDS = 15.0
SEND_ERRORS = {
    "muted": "chat.muted",
    "banned": "chat.banned",
    "rate_limited": "chat.rate_limited",
    "not_authenticated": "chat.login_to_chat",
}
ACTION_ERRORS = {"not_found": "chat.not_found", "forbidden": "chat.forbidden"}


def _fetch(**query: Any) -> dict[str, Any]:
    with session_scope() as db:
        return chat.list_messages(db, **query)


def _post(user_id: int, text: str) -> dict[str, Any]:
    with session_scope(write=True) as db:
        return chat.post_message(db, user_id, text)


def _like(user_id: int, message_id: int, action: str) -> dict[str, Any]:
    with session_scope(write=True) as db:
        return chat.set_like(db, user_id, message_id, action)


def _delete(user_id: int, message_id: int) -> None:
    with session_scope(write=True) as db:
        user = db.get(User, user_id)
        if user is None:
            raise AppError(401, "not_authenticated", "Log in to post messages.")
        chat.delete_message(db, user, message_id)


class ChatState(AuthState):
    """The messages this page shows and the chat actions of its user."""

    # The page shows ``history``, the pages loaded from the database, followed
    # by ``messages``, the newer ones that arrived live (at most LIVE_MAX).
    history: list[ChatMessage] = []
    messages: list[ChatMessage] = []
    loaded: bool = False
    has_older: bool = False
    loading_older: bool = False
    # Catalogue keys of the last error, shown next to the input or the list.
    send_error: str = ""
    action_error: str = ""
    _viewer_id: int = 0

    @rx.event
    async def load_chat(self) -> EventSpec:
        """Resolve the user and start this page's listener (also on reconnect)."""
        await self.resolve_user()
        if self.user_id != self._viewer_id:
            # The liked flags belong to another viewer, so load afresh.
            self.history = []
            self.messages = []
            self.loaded = False
            self._viewer_id = self.user_id
        return ChatState.listen

    @rx.event(background=True)
    async def listen(self) -> None:
        """Push bus events to this page until its tab disconnects."""
        token = self.router.session.client_token
        listener_id = claim_listener(token)
        logger.debug("chat listener %d started", listener_id)
        try:
            while await self._listen_once(token, listener_id):
                logger.warning(
                    "chat listener %d fell behind, resubscribing", listener_id
                )
        finally:
            release_listener(token, listener_id)
            logger.debug("chat listener %d stopped", listener_id)

    async def _listen_once(self, token: str, listener_id: int) -> bool:
        """Listen on one subscription; True means it overflowed and must renew."""
        async with get_bus().subscribe() as subscription:
            await self._catch_up()
            while not subscription.overflowed:
                batch = await _next_batch(subscription)
                if not client_connected(token):
                    return False
                if not is_current_listener(token, listener_id):
                    return False
                if batch:
                    async with self:
                        self._apply(batch)
                if any(event.type == events.RESYNC for event in batch):
                    await self._catch_up()
        return True

    async def _catch_up(self) -> None:
        async with self:
            shown = [*self.history[-1:], *self.messages[-1:]]
            last_id = shown[-1].id if self.loaded and shown else None
            fetch = functools.partial(_fetch, viewer_id=self.user_id or None)
        caught_up = await asyncio.to_thread(fetch_catch_up, fetch, last_id)
        async with self:
            if caught_up.replace:
                self.history = caught_up.messages
                self.messages = []
                self.has_older = caught_up.has_older
            else:
                self._show_live(caught_up.messages)
            self.loaded = True

    def _apply(self, batch: list[Event]) -> None:
        for event in batch:
            if ends_session(event, self.user_id, self._session_id):
                self.clear_identity()
                self._viewer_id = 0
        history, live = _unproxied(self.history), _unproxied(self.messages)
        self._assign(history, live, *apply_events(history, live, batch))

    def _show_live(self, new: list[ChatMessage]) -> None:
        history, live = _unproxied(self.history), _unproxied(self.messages)
        self._assign(history, live, *add_live(history, live, new))

    def _assign(
        self,
        old_history: list[ChatMessage],
        old_live: list[ChatMessage],
        history: list[ChatMessage],
        live: list[ChatMessage],
        trimmed: bool,
    ) -> None:
        # An assigned list is resent whole, so only changed lists are assigned.
        if history is not old_history:
            self.history = history
        if live is not old_live:
            self.messages = live
        if trimmed:
            self.has_older = True

    @rx.event
    async def load_older(self) -> AsyncIterator[EventSpec | None]:
        """Prepend the page of messages before the oldest one shown."""
        shown = [*self.history[:1], *self.messages[:1]]
        if not shown or self.loading_older:
            return
        self.loading_older = True
        yield None
        try:
            page = await asyncio.to_thread(
                _fetch,
                limit=PAGE_SIZE,
                before_id=shown[0].id,
                viewer_id=self.user_id or None,
            )
        finally:
            self.loading_older = False
        older = [from_public(message) for message in page["messages"]]
        self.history = merge(self.history, older)
        self.has_older = page["has_more"]
        yield restore_scroll_anchor()

    @rx.event
    async def send_message(self, form: dict[str, Any]) -> Any:
        """Post the text of the chat form; on failure put the text back."""
        text = str(form.get("text", ""))
        await self.resolve_user()
        if not self.is_logged_in:
            self.send_error = "chat.login_to_chat"
            return None
        try:
            posted = await asyncio.to_thread(_post, self.user_id, text)
        except AppError as error:
            self.send_error = error_keys(error, SEND_ERRORS, "text")["text"]
            return rx.set_value("chat-input", text)

        self.send_error = ""
        self._show_live([from_public(posted)])
        return None

    @rx.event
    async def toggle_like(self, message_id: int) -> None:
        """Like the message, or take the like back when already liked."""
        if not self.is_logged_in:
            return
        shown = next(
            (m for m in [*self.history, *self.messages] if m.id == message_id), None
        )
        action = "unlike" if shown is not None and shown.liked else "like"
        try:
            result = await asyncio.to_thread(_like, self.user_id, message_id, action)
        except AppError as error:
            self.action_error = error_keys(error, ACTION_ERRORS, "id")["id"]
            return
        self.action_error = ""
        if any(m.id == message_id for m in self.history):
            self.history = [
                _with_like(m, result) if m.id == message_id else m for m in self.history
            ]
        self.messages = [
            _with_like(m, result) if m.id == message_id else m for m in self.messages
        ]

    @rx.event
    async def delete_message(self, message_id: int) -> None:
        """Delete one of the user's own messages (or any, for an admin)."""
        if not self.is_logged_in:
            return
        try:
            await asyncio.to_thread(_delete, self.user_id, message_id)
        except AppError as error:
            self.action_error = error_keys(error, ACTION_ERRORS, "id")["id"]
            return
        self.action_error = ""
        self.history = [m for m in self.history if m.id != message_id]
        self.messages = [m for m in self.messages if m.id != message_id]


def _unproxied(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Return the list inside Reflex's MutableProxy, for reading only.

    Iterating the proxy of a list var wraps every item in a new proxy
    (Reflex 0.10.1), which the listener would pay per message, per client,
    per update. apply_events builds a new list and never mutates the items.
    """
    return getattr(messages, "__wrapped__", messages)


def _with_like(message: ChatMessage, result: dict[str, Any]) -> ChatMessage:
    return dataclasses.replace(message, likes=result["likes"], liked=result["liked"])


async def _next_batch(subscription: Subscription) -> list[Event]:
    """Wait for events, up to IDLE_CHECK_SECONDS, and take all that queued."""
    if not subscription.queue.empty():
        # Under load events are usually queued already, so no timer is needed.
        return subscription.drain()
    try:
        async with asyncio.timeout(IDLE_CHECK_SECONDS):
            first = await subscription.get()
    except TimeoutError:
        return []
    return [first, *subscription.drain()]
