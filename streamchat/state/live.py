"""Whether a Reflex client is still connected to this backend process."""

import itertools

from reflex_base.registry import RegistrationContext


def client_connected(token: str) -> bool:
    """Tell whether the tab with client ``token`` has a socket on this process.

    A background listener checks this to end itself once its tab is gone.
    """
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return False
    # NOTE: Reflex 0.10.1 offers no public O(1) lookup; token_to_sid copies the
    # whole mapping on every call, so the token manager's own dict is read.
    manager = namespace._token_manager
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


# The newest listener of each tab in this process. A tab that reconnects
# starts a new listener, and the older one stops at its next wake-up.
_current_listeners: dict[str, int] = {}
_listener_ids = itertools.count(1)


def claim_listener(token: str) -> int:
    """Register a new listener for tab ``token`` and return its id."""
    listener_id = next(_listener_ids)
    _current_listeners[token] = listener_id
    return listener_id


def is_current_listener(token: str, listener_id: int) -> bool:
    """Tell whether ``listener_id`` is still the newest listener of the tab."""
    return _current_listeners.get(token) == listener_id


def release_listener(token: str, listener_id: int) -> None:
    """Forget the listener when it stops, unless a newer one replaced it."""
    if _current_listeners.get(token) == listener_id:
        del _current_listeners[token]
