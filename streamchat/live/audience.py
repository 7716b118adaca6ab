"""The viewers of this process and the broadcast's media as it reaches them.

The media arrives from the bus (see media_channel.py), whichever process
the broadcaster is connected to. WebMParser cuts it into pieces, and the Audience keeps
the initialization segment and the media since the newest Cluster that
starts with a key frame, so a viewer who joins late can start playing at
once. Each viewer has its own bounded Outbox, so a slow viewer never delays
the others.
"""

import json
import logging
from dataclasses import dataclass, field

from streamchat.live.media_channel import MediaChunk, decode_chunk
from streamchat.live.outbox import Outbox
from streamchat.services.webm import Piece, WebMError, WebMParser

logger = logging.getLogger(__name__)

# The media kept for late joiners, in bytes. A longer gap between key frames
# makes late viewers wait for the next one.
MAX_JOIN_BYTES = 16 * 1024 * 1024
MEDIA_RESET = json.dumps({"type": "media_reset"})


@dataclass
class Feed:
    """One byte stream of a broadcast, parsed for this process's viewers."""

    stream_id: int
    next_number: int = 1
    parser: WebMParser = field(default_factory=WebMParser)
    init: bytes = b""
    join_pieces: list[bytes] | None = None  # from the newest key Cluster on
    join_bytes: int = 0
    ended: bool = False


class Audience:
    """The viewers of this process and the media they are sent."""

    def __init__(self) -> None:
        self.viewers: set[Outbox] = set()
        self.feed: Feed | None = None

    def add(self, viewer: Outbox) -> None:
        """Add a viewer; it gets the newest key Cluster on, or waits for one."""
        self.viewers.add(viewer)
        feed = self.feed
        if feed is not None and feed.init and feed.join_pieces:
            self._send_init(viewer, feed)
            for data in feed.join_pieces:
                viewer.put_media(data)

    def remove(self, viewer: Outbox) -> None:
        self.viewers.discard(viewer)

    def receive(self, raw: bytes) -> None:
        """Parse a media chunk from the bus and pass it to the viewers."""
        chunk = decode_chunk(raw)
        if chunk is None:
            return
        feed = self.feed
        if chunk.start:
            feed = self.feed = Feed(chunk.stream_id)
        elif feed is None or feed.stream_id != chunk.stream_id:
            return  # the broadcast began before this process listened
        elif chunk.number != feed.next_number:
            self._lose(feed, chunk)
            return
        feed.next_number = chunk.number + 1
        try:
            pieces = feed.parser.feed(chunk.data)
        except WebMError as error:
            logger.warning("broadcast %s: invalid media: %s", chunk.stream_id, error)
            self.feed = None
            return
        for piece in pieces:
            self._pass_on(feed, piece)

    def end(self, stream_id: object) -> None:
        """Keep late joiners out of a broadcast that ended.

        Chunks still on their way reach the viewers already watching.
        """
        feed = self.feed
        if feed is not None and feed.stream_id == stream_id:
            feed.ended, feed.join_pieces = True, None

    def _lose(self, feed: Feed, chunk: MediaChunk) -> None:
        # NOTE: after a lost chunk (a full bus queue, Redis unreachable) the
        # viewers here get no media until the broadcaster starts a new byte
        # stream, which happens only when it reconnects.
        logger.warning(
            "broadcast %s: expected media chunk %d, got %d; waiting for a reconnect",
            chunk.stream_id,
            feed.next_number,
            chunk.number,
        )
        self.feed = None

    def _pass_on(self, feed: Feed, piece: Piece) -> None:
        if piece.kind == "init":
            feed.init, feed.join_pieces = piece.data, None
            for viewer in self.viewers:
                viewer.waiting_for_key = True
            return
        if piece.kind == "cluster" and piece.keyframe:
            feed.join_pieces = None if feed.ended else []
            feed.join_bytes = 0
            for viewer in self.viewers:
                if viewer.waiting_for_key:
                    self._send_init(viewer, feed)
        if feed.join_pieces is not None:
            feed.join_pieces.append(piece.data)
            feed.join_bytes += len(piece.data)
            if feed.join_bytes > MAX_JOIN_BYTES:
                feed.join_pieces = None
        for viewer in self.viewers:
            viewer.put_media(piece.data)

    @staticmethod
    def _send_init(viewer: Outbox, feed: Feed) -> None:
        viewer.put_text(MEDIA_RESET)
        viewer.waiting_for_key = False
        viewer.put_media(feed.init)
