"""Receivers of callbacks from other systems (no session, no CSRF: each checks its own signature)."""

from fastapi import APIRouter

from txbridge.web.webhooks import tripletex

router = APIRouter()
router.include_router(tripletex.router)

__all__ = ["router"]
