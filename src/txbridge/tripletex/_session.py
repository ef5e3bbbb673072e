"""The session token: created lazily, reused, renewed before it dies, deleted on close.

A session token dies at midnight (Norwegian time) at the start of its ``expirationDate``, so the date
is always at least tomorrow and we renew ``RENEW_MARGIN`` before that midnight. One manager is shared
by a client and the clients it makes for accountant companies; a thread lock (sync) or an asyncio lock
(async) makes sure only one caller creates a session at a time."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
#: Renew this long before the session's midnight, so no call is sent with a token about to die.
RENEW_MARGIN = timedelta(hours=1)
CREATE_PATH = "/token/session/:create"
DELETE_PATH = "/token/session/{token}"


@dataclass(frozen=True)
class Session:
    token: str
    expiration_date: date
    #: Renew from this instant on (computed once: this is checked before every call).
    renew_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "renew_at", self.dies_at - RENEW_MARGIN)

    @property
    def dies_at(self) -> datetime:
        return datetime.combine(self.expiration_date, time(0), tzinfo=OSLO)

    def usable(self, now: datetime) -> bool:
        return now < self.renew_at

    def __repr__(self) -> str:
        return f"Session(token='**********', expiration_date={self.expiration_date.isoformat()})"


class SessionManager:
    def __init__(self, expiration_days: int = 3) -> None:
        if expiration_days < 1:
            raise ValueError("expiration_days must be at least 1: a same-day session is already dead")
        self.expiration_days = expiration_days
        self._session: Session | None = None
        self.thread_lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    @property
    def async_lock(self) -> asyncio.Lock:
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        return self._async_lock

    def expiration_date(self, now: datetime) -> date:
        return now.astimezone(OSLO).date() + timedelta(days=self.expiration_days)

    def current(self, now: datetime) -> str | None:
        """The token to use now, or None when a new session is needed."""
        session = self._session
        return session.token if session is not None and session.usable(now) else None

    def accept(self, token: str, expiration_date: date) -> None:
        self._session = Session(token, expiration_date)

    def invalidate(self, stale_token: str) -> None:
        """Forget the token a 401 came back for — unless someone already replaced it."""
        if self._session is not None and self._session.token == stale_token:
            self._session = None

    def take(self) -> Session | None:
        """Hand over the session for deletion on close, leaving none behind."""
        session, self._session = self._session, None
        return session

    @property
    def session(self) -> Session | None:
        return self._session

    def __repr__(self) -> str:
        return f"SessionManager(session={self._session!r})"
