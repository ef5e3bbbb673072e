"""Which failures a job tries again, and when.

Transient failures (Tripletex down, 5xx, network, rate limit, a write whose outcome is not known yet,
another process holding the batch) are tried again with exponential backoff; everything else in the
catalog needs a person (a token, an approval, data) and is not retried: the job fails with the message
that says what to do. A connection that keeps failing reaches the error state through the flows' own
rule, whose message is not transient, so the job stops instead of looping."""

from __future__ import annotations

import random
from dataclasses import dataclass

from txbridge.catalog import Message

#: Catalog ids that mean «try again later, nothing for a person to do».
TRANSIENT_IDS = frozenset(
    {
        "api_unreachable",
        "tripletex_server_error",
        "too_many_requests",
        "outcome_unknown",
        "tripletex_retry",
        "rate_limit_pause",
        "export_already_running",
        "job_still_running",
        "sync_webhook_retry",
        "stats_clients_busy",
    }
)


def is_transient(message: Message | None) -> bool:
    return message is not None and message.id in TRANSIENT_IDS


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` runs; the n-th retry waits ``base_seconds * 2**(n-1)`` (capped, ±20 %)."""

    max_attempts: int = 6
    base_seconds: float = 10.0
    cap_seconds: float = 600.0

    def should_retry(self, message: Message | None, attempts: int) -> bool:
        return is_transient(message) and attempts < self.max_attempts

    def delay(self, attempts: int) -> float:
        wait = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        # Jitter keeps many connections failing together from coming back together.
        return float(wait * random.uniform(0.8, 1.2))
