"""The route bodies stored resources share: create (one and `/list`), update (one and `/list`), get,
delete (one and many).

A resource module describes itself once as a :class:`Resource` (its schema, its own ``create`` and
``update`` rules, the event prefix) and each of its routes stays an explicit FastAPI function whose body
calls one method here, so paths, parameters and the spec conformance stay visible in the module.

The list endpoints are all or nothing, as Tripletex's: ``POST /x/list`` removes what it inserted when an
item fails; ``PUT /x/list`` checks every id, version (and the module's change check) before updating any,
and puts the updated items back when a later one is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import Ctx
from txbridge.sandbox.state import Row

REQUIRED = "Kan ikke være null. Cannot be null."

Create = Callable[[Ctx, Row], Row]
"""Validate a body, insert it (``ctx.insert``) and return the stored row; raise before inserting."""
Update = Callable[[Ctx, int, Row], Row]
"""Apply a (partial) body to the stored row with this id and return it."""
ChangeCheck = Callable[[Ctx, Row, Row], object]
"""``check(ctx, stored_row, body)``: raise if the change may not be made (run before any update)."""
RowCheck = Callable[[Ctx, Row, int | None], None]
"""``check(ctx, complete_row, own_id)``: the rules for a whole row, as modules write them."""
ListCheck = Callable[[Ctx, list[Row]], None]
"""Checks across a whole `/list` body, run under the lock before any item is created."""
DeleteCheck = Callable[[Ctx, int], None]
"""Raise if the existing object with this id may not be deleted (e.g. still in use)."""


def merged(check: RowCheck) -> ChangeCheck:
    """A change check that runs a whole-row ``check`` on the stored row with the body applied."""

    def check_change(ctx: Ctx, row: Row, body: Row) -> None:
        check(ctx, {**row, **body}, row["id"])

    return check_change


def checked_update(schema: str, check: RowCheck, derive: Callable[[Row], None]) -> Update:
    """The usual update rule: the whole-row ``check`` on the stored row with the body applied, then
    ``ctx.update`` (version check and stamp) and ``derive`` for the computed fields."""

    def update(ctx: Ctx, object_id: int, body: Row) -> Row:
        row = ctx.get(schema, object_id)
        check(ctx, {**row, **body}, object_id)
        ctx.update(schema, row, body)
        derive(row)
        return row

    return update


def require(row: Row, names: Iterable[str]) -> None:
    """Every missing required field named in one 422/15000 (a name ``x.id`` asks for the reference
    ``x``), not the first only — Tripletex reports a request's failing fields together (public logs
    of real answers, 2026-03)."""
    missing = [name for name in names if row.get(name.removesuffix(".id")) in (None, "")]
    if missing:
        raise errors.validations(
            [errors.ValidationMessage(name, REQUIRED) for name in missing], errors.VALUE_VALIDATION
        )


def check_unique_in_list(bodies: list[Row], field: str, message: str) -> None:
    """A value (e.g. a number) given twice in one `/list` body is refused before anything is created."""
    values = [b[field] for b in bodies if b.get(field)]
    if len(values) != len(set(values)):
        raise errors.validation(field, message)


@dataclass(frozen=True, slots=True)
class Resource:
    """One stored resource: its schema, the module's own rules, and its event prefix.

    ``event`` ``"customer"`` emits ``customer.create`` / ``customer.update`` / ``customer.delete``;
    ``None`` emits nothing (resources Tripletex has no webhook events for).
    """

    schema: str
    create: Create | None = None
    update: Update | None = None
    event: str | None = None
    check_change: ChangeCheck | None = None
    check_delete: DeleteCheck | None = None

    # --- create ---------------------------------------------------------------------------------
    async def create_one(self, ctx: Ctx) -> Response:
        """``POST /x``: body → create under the lock → ``x.create`` → 201 with the row."""
        create = self._create()
        body = await ctx.body(self.schema)
        with ctx.state.lock:
            row = create(ctx, body)
        self._emit(ctx, "create", [row])
        return ctx.single(row, self.schema, status=201)

    async def create_list(
        self, ctx: Ctx, *, precheck: ListCheck | None = None, create: Create | None = None
    ) -> Response:
        """``POST /x/list``: all or nothing; ``create`` overrides the resource's own for this call."""
        make = create or self._create()
        bodies = await ctx.body_list(self.schema)
        with ctx.state.lock:
            if precheck is not None:
                precheck(ctx, bodies)
            rows = self.insert_all(ctx, bodies, make)
        self._emit(ctx, "create", rows)
        return ctx.created_list(rows, self.schema)

    def insert_all(self, ctx: Ctx, bodies: Iterable[Row], create: Create) -> list[Row]:
        """Create each body in turn; on an error remove the ones already inserted, then re-raise.

        Call under ``ctx.state.lock``.
        """
        rows: list[Row] = []
        try:
            for body in bodies:
                rows.append(create(ctx, body))
        except errors.TripletexError:
            table = ctx.company.table(self.schema)
            for row in rows:
                del table[row["id"]]
            raise
        return rows

    # --- update ---------------------------------------------------------------------------------
    async def update_one(self, ctx: Ctx, object_id: int) -> Response:
        """``PUT /x/{id}``: body → update under the lock → ``x.update`` → 200 with the row."""
        update = self._update()
        body = await ctx.body(self.schema)
        with ctx.state.lock:
            row = update(ctx, object_id, body)
        self._emit(ctx, "update", [row])
        return ctx.single(row, self.schema)

    async def update_list(self, ctx: Ctx) -> Response:
        """``PUT /x/list``: every item needs an existing id and its current version (if sent) and must
        pass the change check before any is updated; then each is updated and ``x.update`` emitted."""
        update = self._update()
        bodies = await ctx.body_list(self.schema)
        with ctx.state.lock:
            for body in bodies:
                if not isinstance(body.get("id"), int):
                    raise errors.validation("id", REQUIRED, errors.VALUE_VALIDATION)
                row = ctx.get(self.schema, body["id"])
                if body.get("version") is not None and body["version"] != row["version"]:
                    raise errors.stale_version(self.schema, row["id"], body["version"], row["version"])
                if self.check_change is not None:
                    self.check_change(ctx, row, body)
            rows = self._update_all(ctx, bodies, update)
        self._emit(ctx, "update", rows)
        return ctx.created_list(rows, self.schema, status=200)

    def _update_all(self, ctx: Ctx, bodies: list[Row], update: Update) -> list[Row]:
        """Update each body in turn; a rule that fails on a later item (a module's own check in its
        update) puts the earlier items back as they were, then re-raises. Call under the lock."""
        table = ctx.company.table(self.schema)
        before = [dict(table[body["id"]]) for body in bodies]
        try:
            return [update(ctx, body.pop("id"), body) for body in bodies]
        except errors.TripletexError:
            for saved in before:
                row = table[saved["id"]]
                row.clear()
                row.update(saved)
            raise

    # --- read -----------------------------------------------------------------------------------
    def get_one(self, ctx: Ctx, object_id: int) -> Response:
        """``GET /x/{id}``: the row or 404."""
        return ctx.single(ctx.get(self.schema, object_id), self.schema)

    # --- delete ---------------------------------------------------------------------------------
    def delete_all(self, ctx: Ctx, ids: Iterable[int]) -> Response:
        """``DELETE /x/{id}`` and the list deletes: every id must exist and pass the delete check
        before any is removed; then ``x.delete`` for each and 204."""
        wanted = list(ids)
        with ctx.state.lock:
            for object_id in wanted:
                ctx.get(self.schema, object_id)
                if self.check_delete is not None:
                    self.check_delete(ctx, object_id)
            table = ctx.company.table(self.schema)
            for object_id in wanted:
                del table[object_id]
        if self.event is not None:
            for object_id in wanted:
                ctx.emit(f"{self.event}.delete", self.schema, None, object_id)
        return Response(status_code=204)

    # --- internals ------------------------------------------------------------------------------
    def _emit(self, ctx: Ctx, verb: str, rows: list[Row]) -> None:
        if self.event is None:
            return
        name = f"{self.event}.{verb}"
        for row in rows:
            ctx.emit(name, self.schema, row)

    def _create(self) -> Create:
        if self.create is None:
            raise TypeError(f"{self.schema} has no create rule")
        return self.create

    def _update(self) -> Update:
        if self.update is None:
            raise TypeError(f"{self.schema} has no update rule")
        return self.update
