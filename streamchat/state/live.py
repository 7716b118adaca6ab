"""Whether a Reflex client is still connected to this backend process."""

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
