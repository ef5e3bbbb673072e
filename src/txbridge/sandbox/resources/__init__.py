"""The emulated Tripletex resources, one module each.

How a resource module plugs in:

- it exposes ``router: fastapi.APIRouter`` with paths as in the spec *without* ``/v2``
  (``@router.get("/customer/{id}")``); the app mounts every router under ``/v2``;
- its name is listed in :data:`ROUTER_MODULES` below (append yours; order matters only when two
  routers could match the same path — put literal paths such as ``/customer/list`` before ``/{id}``
  inside one module);
- a route takes ``ctx: CtxDep`` (:mod:`txbridge.sandbox.context`): the caller's
  ``ctx.company`` (tables keyed by spec schema name: ``ctx.company.table("Customer")``), then
  ``await ctx.body("Customer")`` (unknown field → 422/16000, read-only fields dropped),
  ``ctx.insert`` / ``ctx.update`` (version stamping, 409/8000) / ``ctx.get`` (404/6000), and answers
  with ``ctx.single(row, "Customer", status=201)`` or ``ctx.listing(rows, "Customer")`` (fields,
  sorting, paging, changedSince, versionDigest/304, 23000);
- errors are raised as :class:`txbridge.sandbox.errors.TripletexError` (helpers in that module);
  the middleware renders the envelope with ``requestId``;
- ``ctx.emit("customer.create", "Customer", row)`` feeds the webhook listeners
  (``state.event_listeners``);
- mutate under ``with ctx.state.lock:`` (routes are ``async def`` and never await while holding it).

The usual routes (create one, all-or-nothing ``/list`` create and update, get, delete) are one line
each through a :class:`txbridge.sandbox.crud.Resource` that the module declares once with its own
``_create``/``_update``; :mod:`txbridge.sandbox.resources.customer` is the worked pattern.
"""

ROUTER_MODULES: list[str] = [
    "token",
    "company",
    "customer",
    "product",
    "ledger",
    "order",
    "invoice",
    "open_post",  # before "voucher": /ledger/posting/openPost is not /ledger/posting/{id}
    "voucher",
    "employee",
    "department",
    "project",
    "activity",
    "timesheet",
    "event",
    "currency",
    "country",
    "voucher_type",
    "contact",
    "supplier",
    "timesheet_month",
    "bank",
    "salary",
    "vat_term",
    "accounting_period",
]
