"""Tripletex API v2 client: sync (:class:`Tripletex`) and async (:class:`AsyncTripletex`).

Knows HTTP and the Tripletex envelope, nothing about the engine's database."""

from . import models
from ._client import AsyncTripletex, Tripletex
from ._clock import Clock, SystemClock
from ._config import PRODUCTION_URL, TEST_URL, ClientConfig, Environment
from ._envelope import ConnectionInfo, NotModified, Page
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DuplicateEntryError,
    InternalServerError,
    LockedError,
    MappingError,
    NotFoundError,
    ObjectExistsError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    RevisionConflictError,
    TooManyResultsError,
    TransportProblem,
    TripletexError,
    UnprocessableEntityError,
    ValidationMessage,
    make_status_error,
)
from ._observe import RequestStats
from ._ratelimit import RateLimiter, RateLimiterRegistry
from .resources._ops import UnsupportedOperationError
from .webhooks import (
    WebhookEvent,
    WebhookPayloadError,
    WebhookSignatureError,
    compute_signature,
    construct_event,
    parse_event,
    verify_signature,
)

__all__ = [
    "PRODUCTION_URL",
    "TEST_URL",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncTripletex",
    "AuthenticationError",
    "BadRequestError",
    "ClientConfig",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "ConnectionInfo",
    "DuplicateEntryError",
    "Environment",
    "InternalServerError",
    "LockedError",
    "MappingError",
    "NotFoundError",
    "NotModified",
    "ObjectExistsError",
    "OutcomeUnknownError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RateLimiterRegistry",
    "RequestStats",
    "RevisionConflictError",
    "SystemClock",
    "TooManyResultsError",
    "TransportProblem",
    "Tripletex",
    "TripletexError",
    "UnprocessableEntityError",
    "UnsupportedOperationError",
    "ValidationMessage",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "compute_signature",
    "construct_event",
    "make_status_error",
    "models",
    "parse_event",
    "verify_signature",
]
