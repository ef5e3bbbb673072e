"""People who use the admin web app: users (argon2-hashed passwords, role, language), sign-in with
throttling, the sessions of signed-in browsers, and the log line every administrator action leaves.

Sign-in throttling: every failed sign-in counts against the username *and* the client address. The
first :data:`FREE_FAILURES` failures cost nothing; after that each key is blocked for a time that
doubles with every further failure (30 s, 60 s, …, at most 15 minutes). The counters live in the store,
so every web process sees the same ones. A successful sign-in clears the counters of its username
and address.

Sessions: the browser's cookie holds a random token; the store keeps only its SHA-256, so a copy of
the database signs nobody in. A session ends after :attr:`SessionPolicy.idle` without a request or
:attr:`SessionPolicy.lifetime` after sign-in, whichever comes first."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from txbridge.catalog import Bilingual, Message, render
from txbridge.store import Database, LogLevel, SignInThrottle, UserAccount, UserRole, WebSession
from txbridge.store import queries as q
from txbridge.store.models import utcnow

PASSWORD_MIN_LENGTH = 10
FREE_FAILURES = 5
FIRST_BLOCK_SECONDS = 30
MAX_BLOCK_SECONDS = 15 * 60
#: Failures older than this are forgotten (the counter starts again).
FORGET_FAILURES = timedelta(days=1)
LANGUAGES = ("nb", "en")
#: How often a session's ``last_seen_at`` is written (not on every request).
_SEEN_RESOLUTION = timedelta(seconds=60)


class AccountError(Exception):
    """A user or sign-in action that could not be done; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    role: UserRole
    language: str
    active: bool
    last_sign_in_at: datetime | None
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: ``token`` goes into the cookie (and nowhere else), ``csrf_token`` into forms."""

    user: UserInfo
    token: str
    csrf_token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"SignedIn(user={self.user.username!r}, expires_at={self.expires_at!r})"


@dataclass(frozen=True, slots=True)
class CurrentSession:
    user: UserInfo
    csrf_token: str
    session_id: int


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = timedelta(hours=2)
    lifetime: timedelta = timedelta(hours=12)


#: argon2id with the library's defaults (RFC 9106's low-memory profile). Tests swap in a cheap one.
PASSWORD_HASHER = PasswordHasher()


def _hasher() -> PasswordHasher:
    return PASSWORD_HASHER


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked against when the user does not exist, so an unknown name takes as long as a wrong password.
    return _hasher().hash(secrets.token_urlsafe(16))


def _info(user: UserAccount) -> UserInfo:
    return UserInfo(
        user.id, user.username, user.role, user.language, user.active, user.last_sign_in_at, user.created_at
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid(nb: str, en: str) -> AccountError:
    return AccountError(render("user_invalid", reason=Bilingual(nb, en), min_length=PASSWORD_MIN_LENGTH))


def _check_new(username: str, password: str) -> None:
    if not username or len(username) > 100 or any(ch.isspace() for ch in username):
        raise _invalid("ugyldig brukernavn", "invalid username")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise _invalid(
            f"passordet er kortere enn {PASSWORD_MIN_LENGTH} tegn",
            f"the password is shorter than {PASSWORD_MIN_LENGTH} characters",
        )


def add_user(
    db: Database,
    username: str,
    password: str,
    *,
    role: UserRole = UserRole.SUPPORT,
    language: str = "nb",
    replace_password: bool = False,
) -> UserInfo:
    """Make a user (or, with ``replace_password``, give an existing one a new password and role)."""
    username = username.strip()
    _check_new(username, password)
    if language not in LANGUAGES:
        raise _invalid(f"ukjent språk {language!r}", f"unknown language {language!r}")
    hashed = _hasher().hash(password)
    with db.transaction() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one_or_none()
        if user is not None and not replace_password:
            raise AccountError(render("user_exists", username=username))
        if user is None:
            user = UserAccount(username=username, language=language)
            session.add(user)
        user.password_hash = hashed
        user.role = role
        user.active = True
        session.flush()
        if replace_password:
            # A new password ends every session signed in with the old one.
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        return _info(user)


def list_users(db: Database) -> list[UserInfo]:
    with db.reading() as session:
        return [_info(u) for u in session.scalars(select(UserAccount).order_by(UserAccount.username))]


def set_language(db: Database, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise _invalid(f"ukjent språk {language!r}", f"unknown language {language!r}")
    with db.transaction() as session:
        user = session.get(UserAccount, user_id)
        if user is None:
            raise AccountError(render("user_not_found", username=user_id))
        user.language = language


def set_active(db: Database, user_id: int, active: bool, *, by: UserInfo) -> UserInfo:
    """Let a user sign in again, or not any more (their open sessions end at once). Nobody switches
    themselves off, so there is always an administrator left who can switch others back on."""
    if user_id == by.id and not active:
        raise _invalid("du kan ikke deaktivere deg selv", "you cannot deactivate yourself")
    with db.transaction() as session:
        user = session.get(UserAccount, user_id)
        if user is None:
            raise AccountError(render("user_not_found", username=user_id))
        user.active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        return _info(user)


# --------------------------------------------------------------------------------------------------
# Sign-in
# --------------------------------------------------------------------------------------------------


def block_seconds(failures: int) -> int:
    """How long a key is blocked after ``failures`` failures in a row (0 for the first few)."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(FIRST_BLOCK_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_BLOCK_SECONDS))


def _throttle_keys(username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:150]}"]
    if address:
        keys.append(f"ip:{address[:150]}")
    return keys


def sign_in(
    db: Database,
    username: str,
    password: str,
    *,
    address: str | None = None,
    policy: SessionPolicy | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password and open a session. Raises :class:`AccountError` with ``sign_in_failed``
    (the same for an unknown user and a wrong password) or ``sign_in_throttled``."""
    moment = now or utcnow()
    policy = policy or SessionPolicy()
    keys = _throttle_keys(username, address)
    with db.transaction() as session:
        rows = session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))).all()
        waits = [(r.blocked_until - moment).total_seconds() for r in rows if r.blocked_until]
        if waits and max(waits) > 0:
            raise AccountError(render("sign_in_throttled", seconds=int(max(waits)) + 1))
        user = session.scalars(
            select(UserAccount).where(UserAccount.username == username.strip())
        ).one_or_none()
    if not _password_matches(user, password):
        _count_failure(db, keys, moment)
        raise AccountError(render("sign_in_failed"))
    assert user is not None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = moment + policy.lifetime
    with db.transaction() as session:
        session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))
        stored = session.get(UserAccount, user.id)
        assert stored is not None
        if _hasher().check_needs_rehash(stored.password_hash):
            stored.password_hash = _hasher().hash(password)
        stored.last_sign_in_at = moment
        # Sessions that ran out, and failures nobody followed up for a day, are cleaned up here rather
        # than by a timer.
        session.execute(delete(WebSession).where(WebSession.expires_at < moment))
        session.execute(
            delete(SignInThrottle).where(SignInThrottle.last_failure_at < moment - FORGET_FAILURES)
        )
        session.add(
            WebSession(
                token_hash=_token_hash(token),
                user_id=stored.id,
                csrf_token=csrf,
                created_at=moment,
                last_seen_at=moment,
                expires_at=expires,
            )
        )
        return SignedIn(_info(stored), token, csrf, expires)


def _password_matches(user: UserAccount | None, password: str) -> bool:
    hashed = user.password_hash if user is not None and user.active else _dummy_hash()
    try:
        _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None and user.active


def _count_failure(db: Database, keys: list[str], moment: datetime) -> None:
    with db.transaction() as session:
        for key in keys:
            row = session.get(SignInThrottle, key)
            if row is None:
                row = SignInThrottle(key=key, failures=0)
                session.add(row)
            row.failures += 1
            row.last_failure_at = moment
            wait = block_seconds(row.failures)
            row.blocked_until = moment + timedelta(seconds=wait) if wait else None


def current_session(
    db: Database, token: str | None, *, policy: SessionPolicy | None = None, now: datetime | None = None
) -> CurrentSession | None:
    """The signed-in user of a session cookie, or None when there is none or it has run out."""
    if not token:
        return None
    moment = now or utcnow()
    policy = policy or SessionPolicy()
    with db.reading() as session:
        found = session.scalars(
            select(WebSession).where(WebSession.token_hash == _token_hash(token))
        ).one_or_none()
        if found is None:
            return None
        user = found.user
        if found.expires_at <= moment or found.last_seen_at + policy.idle <= moment or not user.active:
            return None
        result = CurrentSession(_info(user), found.csrf_token, found.id)
        stale = moment - found.last_seen_at > _SEEN_RESOLUTION
    if stale:
        with db.transaction() as session:
            row = session.get(WebSession, result.session_id)
            if row is not None:
                row.last_seen_at = moment
    return result


def sign_out(db: Database, token: str | None) -> None:
    if not token:
        return
    with db.transaction() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


# --------------------------------------------------------------------------------------------------
# The administrator's trail
# --------------------------------------------------------------------------------------------------


def log_action(
    db: Database,
    actor: UserInfo,
    *,
    nb: str,
    en: str,
    connection_id: int | None = None,
    object_type: str | None = None,
    object_key: str | None = None,
) -> None:
    """One line in the integration log naming who did an action in the web app (never a secret):
    the catalog's ``web_action``, bokmål as the message and English as the detail, so the log's read
    model gives the actor back."""
    message = render("web_action", action=Bilingual(nb, en), administrator=actor.username)
    with db.transaction() as session:
        q.add_log(
            session,
            connection_id,
            message.nb,
            level=LogLevel.INFO,
            message_id=message.id,
            object_type=object_type,
            object_key=object_key,
            detail=message.en,
        )
