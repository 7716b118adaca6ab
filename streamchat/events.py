"""Wire names of realtime events, shared by the bus, the states and /ws/stream."""

CHAT_MESSAGE = "chat_message"
MESSAGE_DELETED = "message_deleted"
LIKE_UPDATE = "like_update"
NOTIFICATION = "notification"
VIDEO_CHANGED = "video_changed"
STREAM_STARTED = "stream_started"
STREAM_ENDED = "stream_ended"
VIEWERS = "viewers"
WELCOME = "welcome"
ERROR = "error"
# Sent by the bus after it lost events (Redis was unreachable): a subscriber
# reloads what it shows from the database.
RESYNC = "resync"
# Between backend processes only: one process's viewer count, and the stream
# id of the broadcast it holds, if any (see streamchat/live/viewers.py).
VIEWER_REPORT = "viewer_report"

# Events for one user only.
SESSION_ENDED = "session_ended"
USER_BANNED = "user_banned"
