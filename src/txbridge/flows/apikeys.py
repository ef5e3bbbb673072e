"""API keys of vendor systems: made by an administrator, shown once, kept only as a hash, scoped to
connections and to what they may do.

    made = create_key(db, "nettbutikk", connection_ids=[1], scopes={"read", "intake"}, created_by="ada")
    made.secret          # «txb_<prefix>_<secret>»: shown once, never stored
    key = authenticate(db, made.secret)   # the key's ApiKeyInfo, or ApiKeyError (api_key_invalid)

The key is ``txb_`` + a lookup prefix (8 characters) + ``_`` + 43 characters of a 256-bit random
secret. The store keeps the prefix and a SHA-256 of the whole key; the hash is compared in constant
time. A keyed or slow hash buys nothing against a 256-bit secret, and SHA-256 keeps a call cheap."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from txbridge.catalog import Bilingual, Message, render
from txbridge.store import ApiKey, ApiKeyConnection, Connection, Database
from txbridge.store.models import utcnow

#: What a key may do: read back, send host data, close and export batches, administrator actions.
SCOPES: tuple[str, ...] = ("read", "intake", "export", "admin")
DEFAULT_SCOPES: frozenset[str] = frozenset({"read", "intake", "export"})
KEY_PREFIX = "txb_"
_KEY = re.compile(r"^txb_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$")
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: The hash of no key: compared against when the prefix is unknown, so both cases take as long.
_NO_KEY_HASH = hashlib.sha256(b"no such key").hexdigest()


class ApiKeyError(Exception):
    """An API key action that could not be done, or a key that does not authenticate."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """A key as callers see it: never the secret, never its hash."""

    id: int
    name: str
    prefix: str
    scopes: frozenset[str]
    connection_ids: tuple[int, ...]
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def label(self) -> str:
        """How logs and jobs name the key (``api:nettbutikk``)."""
        return f"api:{self.name}"

    def allows(self, connection_id: int) -> bool:
        return connection_id in self.connection_ids


@dataclass(frozen=True, slots=True)
class NewApiKey:
    info: ApiKeyInfo
    #: The whole key: shown to the administrator once, then gone.
    secret: str

    def __repr__(self) -> str:
        return f"NewApiKey(info={self.info!r}, secret='txb_{self.info.prefix}_…')"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _info(key: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=frozenset(key.scopes.split()),
        connection_ids=tuple(sorted(link.connection_id for link in key.connections)),
        created_by=key.created_by,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


def _invalid(nb: str, en: str) -> ApiKeyError:
    return ApiKeyError(render("apikey_invalid", reason=Bilingual(nb, en)))


def create_key(
    db: Database,
    name: str,
    *,
    connection_ids: Iterable[int],
    scopes: Iterable[str] = DEFAULT_SCOPES,
    created_by: str | None = None,
) -> NewApiKey:
    """Make a key for a vendor system; the returned secret is the only copy there will ever be."""
    name = name.strip()
    wanted_scopes = frozenset(scopes)
    wanted_connections = sorted(set(connection_ids))
    if not 1 <= len(name) <= 100:
        raise _invalid("navnet må ha 1–100 tegn", "the name must have 1–100 characters")
    unknown = wanted_scopes - set(SCOPES)
    if unknown or not wanted_scopes:
        shown = ", ".join(sorted(unknown)) or "-"
        raise _invalid(f"ukjent tillatelse ({shown})", f"unknown scope ({shown})")
    if not wanted_connections:
        raise _invalid("ingen tilkobling valgt", "no connection chosen")
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with db.transaction() as session:
            found = set(session.scalars(select(Connection.id).where(Connection.id.in_(wanted_connections))))
            missing = [str(c) for c in wanted_connections if c not in found]
            if missing:
                raise ApiKeyError(render("connection_not_found", connection=", ".join(missing)))
            key = ApiKey(
                name=name,
                prefix=prefix,
                secret_hash=_hash(secret),
                scopes=" ".join(s for s in SCOPES if s in wanted_scopes),
                created_by=created_by,
                created_at=utcnow(),
                connections=[ApiKeyConnection(connection_id=c) for c in wanted_connections],
            )
            session.add(key)
            session.flush()
            info = _info(key)
    except IntegrityError:
        raise _invalid(f"navnet {name} er brukt før", f"the name {name} is taken") from None
    return NewApiKey(info, secret)


def list_keys(db: Database) -> list[ApiKeyInfo]:
    """Every key, active and revoked, by name."""
    with db.reading() as session:
        return [_info(key) for key in session.scalars(select(ApiKey).order_by(ApiKey.name))]


def revoke_key(db: Database, name_or_prefix: str) -> ApiKeyInfo:
    """The key stops working at once (its answers kept for idempotency go with it later)."""
    with db.transaction() as session:
        key = session.scalars(
            select(ApiKey).where(or_(ApiKey.name == name_or_prefix, ApiKey.prefix == name_or_prefix))
        ).first()
        if key is None:
            raise ApiKeyError(render("apikey_not_found", key=name_or_prefix))
        if key.revoked_at is None:
            key.revoked_at = utcnow()
        return _info(key)


def authenticate(db: Database, presented: str) -> ApiKeyInfo:
    """The active key ``presented`` is, or ApiKeyError(api_key_invalid). Constant-time comparison of
    the hash; an unknown prefix costs the same comparison."""
    match = _KEY.match(presented.strip())
    with db.reading() as session:
        key = (
            session.scalars(select(ApiKey).where(ApiKey.prefix == match.group(1))).first()
            if match is not None
            else None
        )
        stored = key.secret_hash if key is not None else _NO_KEY_HASH
        matches = hmac.compare_digest(stored, _hash(presented.strip()))
        if key is None or not matches or key.revoked_at is not None:
            raise ApiKeyError(render("api_key_invalid"))
        return _info(key)


#: ``last_used_at`` is written at most this often, to keep writes off every request.
TOUCH_EVERY_SECONDS = 60


def needs_touch(key: ApiKeyInfo, *, at: datetime | None = None) -> bool:
    moment = at or utcnow()
    return key.last_used_at is None or (moment - key.last_used_at).total_seconds() > TOUCH_EVERY_SECONDS


def touch(db: Database, key_id: int, *, at: datetime | None = None) -> None:
    """Note when a key was last used."""
    with db.transaction() as session:
        key = session.get(ApiKey, key_id)
        if key is not None:
            key.last_used_at = at or utcnow()
