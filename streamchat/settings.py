"""Configuration, read once from environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    """Every setting of the site, with a safe default for a local run.

    Variables carry the ``STREAMCHAT_`` prefix, except ``DATABASE_URL`` and
    ``REDIS_URL``, which are also accepted under their usual bare names.
    """

    model_config = SettingsConfigDict(
        env_prefix="STREAMCHAT_", env_file=".env", extra="ignore"
    )

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'streamchat.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "STREAMCHAT_DATABASE_URL"),
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "STREAMCHAT_REDIS_URL"),
    )
    # Connections each backend worker keeps open to PostgreSQL, and how many
    # more it may open under load. Every worker of every process has its own
    # pool, so processes x workers x (size + overflow) must stay below the
    # server's max_connections (100 by default).
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    media_dir: Path = DEFAULT_DATA_DIR / "media"
    # The largest video file accepted, in bytes, counted on the bytes received.
    max_upload_bytes: int = Field(default=2 * 1024**3, ge=1)

    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    session_days: int = Field(default=30, ge=1)
    cookie_name: str = "streamchat_session"

    # Rate limits use the notation of the `limits` package ("5 per minute").
    # An empty string turns that limit off.
    rate_limits_enabled: bool = True
    login_failures_per_account: str = "5 per 5 minutes"
    # Every login attempt from one address counts, successful ones included,
    # because a count taken before the password check is what stops parallel
    # guessing.
    login_attempts_per_address: str = "30 per 5 minutes"
    registrations_per_address: str = "10 per hour"
    chat_messages_per_user: str = "5 per 10 seconds"

    # Live broadcast. A broadcaster whose socket closed may reconnect and
    # resume within the grace period; a broadcaster socket that sends nothing
    # for the silence timeout ends the broadcast. Times are in seconds.
    stream_grace_seconds: float = Field(default=5.0, ge=0)
    stream_silence_seconds: float = Field(default=20.0, gt=0)
    # Frames on /ws/stream above these sizes, in bytes, close that socket with
    # code 1009. Uvicorn closes frames above its own --ws-max-size (16 MiB by
    # default) before they reach this check.
    ws_max_binary_frame: int = Field(default=4 * 1024 * 1024, gt=0)
    ws_max_text_frame: int = Field(default=16 * 1024, gt=0)
    # Media bytes queued for one viewer. A viewer that falls further behind
    # skips ahead to the next key frame, and one that keeps falling behind is
    # disconnected.
    stream_viewer_queue_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    stream_viewer_max_skips: int = Field(default=3, ge=0)

    # The port the site listens on, and the origins its pages are served
    # from. Browsers may call the API and open sockets only from these; when
    # none are set, http://localhost:PORT and http://127.0.0.1:PORT are used.
    port: int = 8000
    origins: list[str] = []
    # How many reverse proxies in front of the site append X-Forwarded-For.
    trusted_proxy_hops: int = Field(default=0, ge=0)

    def allowed_origins(self) -> list[str]:
        """Return the configured origins, or the local ones by default."""
        if self.origins:
            return [origin.rstrip("/") for origin in self.origins]
        return [f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"]


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read from the environment on the first call."""
    return Settings()
