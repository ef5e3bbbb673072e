"""The admin UI's routes, one module per resource. Every route but sign-in needs a session, and every
POST a CSRF token (:func:`txbridge.web.deps.csrf_protect`, added to each router here)."""

from fastapi import APIRouter, Depends

from txbridge.web.deps import csrf_protect
from txbridge.web.ui import apikeys, auth, batches, connections, firm, lookup, pos, pos_invoicing, sync, users

router = APIRouter()
router.include_router(auth.public)
for module in (auth, connections, batches, lookup, users, apikeys, pos, pos_invoicing, firm, sync):
    router.include_router(module.router, dependencies=[Depends(csrf_protect)])

__all__ = ["router"]
