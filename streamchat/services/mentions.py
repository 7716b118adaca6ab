"""Finding the users a chat message mentions with @name."""

import sqlalchemy as sa
from sqlmodel import Session, col, select

from streamchat.models import User

# At most this many @ signs of one message are looked up.
MAX_MENTIONS = 10
NAME_KEY_MAX = 50


def _ends_name(text: str, end: int) -> bool:
    # A name ends at the end of the text or before a character that cannot
    # continue a word, so "@anna," names anna but "@annabel" does not.
    return end == len(text) or not (text[end].isalnum() or text[end] in "_-")


def mentioned_user_ids(db: Session, text: str, author_key: str) -> list[int]:
    """Return the ids of the users named by ``@name`` in ``text``.

    Names may contain spaces and punctuation, so each ``@`` is matched
    against the longest registered name that the following text starts with.
    """
    folded = text.casefold()
    found: set[int] = set()
    starts = [i + 1 for i, char in enumerate(folded) if char == "@"]
    for start in starts[:MAX_MENTIONS]:
        candidate = folded[start : start + NAME_KEY_MAX]
        prefix = sa.func.substr(sa.literal(candidate), 1, sa.func.length(User.name_key))
        rows = db.exec(
            select(User.id, User.name_key).where(prefix == col(User.name_key))
        ).all()
        matches = [row for row in rows if _ends_name(candidate, len(row[1]))]
        if matches:
            user_id, key = max(matches, key=lambda row: len(row[1]))
            if key != author_key and user_id is not None:
                found.add(user_id)
    return sorted(found)
