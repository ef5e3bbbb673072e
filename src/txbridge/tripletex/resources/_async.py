"""Resources of the async client: the same loops as ``_sync`` with ``await`` (same operations)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import models as m
from .._base import Operation
from .._envelope import NotModified, Page, is_last_page
from .._exceptions import TooManyResultsError, TripletexError
from ..models import TripletexModel
from . import _ops
from . import _specs as specs
from ._ops import Body, Bound

if TYPE_CHECKING:
    from .._client import AsyncTripletex

T = TypeVar("T", bound=TripletexModel)


class Resource(Generic[T]):
    def __init__(self, client: AsyncTripletex, spec: specs.ResourceSpec[T]) -> None:
        self._client = client
        self.spec = spec

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.path}>"

    async def get(self, id: int, *, fields: str | None = None) -> T:
        return await self._client._execute(_ops.get(self.spec, id, fields))

    async def list(
        self,
        *,
        fields: str | None = None,
        sorting: str | None = None,
        from_: int = 0,
        count: int | None = None,
        **search: Any,
    ) -> Page[T]:
        """One page. Search parameters use the spec's names (``customerId``) or snake_case."""
        op = _ops.list_page(
            self.spec,
            from_=from_,
            count=count or self._client.config.page_size,
            fields=fields,
            sorting=sorting,
            search=search,
        )
        return await self._client._execute(op)

    async def list_if_changed(
        self,
        version_digest: str | None,
        *,
        fields: str | None = None,
        sorting: str | None = None,
        from_: int = 0,
        count: int | None = None,
        **search: Any,
    ) -> Page[T] | NotModified:
        """Checksum read: NotModified (a 304, nothing parsed) while the data still has this digest."""
        op = _ops.list_page(
            self.spec,
            from_=from_,
            count=count or self._client.config.page_size,
            fields=fields,
            sorting=sorting,
            search=search,
            if_none_match=version_digest,
        )
        return await self._client._execute_conditional(op)

    async def iter(
        self,
        *,
        fields: str | None = None,
        sorting: str | None = None,
        page_size: int | None = None,
        **search: Any,
    ) -> AsyncIterator[T]:
        """Every match, page by page, fetched lazily; stops on a short page.

        On resources with a required date window, a window that passes the 10,000-row cap is split
        and read in halves for the caller."""
        window = _ops.date_window(self.spec, search)
        if window is not None:
            async for item in self.iter_windowed(
                window[0], window[1], fields=fields, sorting=sorting, page_size=page_size, **search
            ):
                yield item
            return
        async for item in self._pages(fields, sorting, page_size, search):
            yield item

    async def _pages(
        self, fields: str | None, sorting: str | None, page_size: int | None, search: Mapping[str, Any]
    ) -> AsyncIterator[T]:
        size = page_size or self._client.config.page_size
        start = 0
        while True:
            op = _ops.list_page(
                self.spec, from_=start, count=size, fields=fields, sorting=sorting, search=search
            )
            page = await self._client._execute(op)
            for value in page.values:
                yield value
            if is_last_page(len(page.values), size):
                return
            start += len(page.values)
            _ops.check_within_cap(self.spec, start)

    async def iter_windowed(
        self,
        start: Bound,
        end: Bound,
        *,
        step: timedelta | int | None = None,
        params: tuple[str, str] | None = None,
        fields: str | None = None,
        sorting: str | None = None,
        page_size: int | None = None,
        **search: Any,
    ) -> AsyncIterator[T]:
        """Read [start, end) in windows (dates or ids/numbers), halving any window refused with 23000."""
        names = params or self.spec.date_range
        if names is None:
            raise _ops.UnsupportedOperationError(f"{self.spec.path}: say which parameters bound the window")
        start, end = _ops.as_bound(start), _ops.as_bound(end)
        if isinstance(start, date) != isinstance(end, date):
            raise TypeError("start and end must both be dates or both be numbers")
        todo = list(_ops.windows(start, end, step or (end - start)))
        todo.reverse()
        while todo:
            a, b = todo.pop()
            yielded = False
            try:
                async for item in self._pages(
                    fields, sorting, page_size, {**search, names[0]: a, names[1]: b}
                ):
                    yielded = True
                    yield item
            except TooManyResultsError:
                halves = None if yielded else _ops.split(a, b)
                if halves is None:
                    raise
                todo.append(halves[1])
                todo.append(halves[0])

    async def create(self, obj: Body, **params: Any) -> T:
        return await self._client._execute(_ops.create(self.spec, obj, params))

    async def update(self, obj: Body, *, id: int | None = None, version: int | None = None) -> T:
        return await self._client._execute(_ops.update(self.spec, obj, id=id, version=version))

    async def delete(self, id: int) -> None:
        await self._client._execute(_ops.delete(self.spec, id))

    async def create_many(
        self, objs: Sequence[Body], *, chunk: int | None = None, **params: Any
    ) -> builtins.list[T]:
        """Bulk create through ``{path}/list``, chunked. If a chunk fails, the error's ``completed``
        holds what the earlier chunks created."""
        return await self._create_chunks(_ops.create_many(self.spec, objs, chunk, params))

    async def _create_chunks(self, ops: Sequence[Operation[builtins.list[T]]]) -> builtins.list[T]:
        created: list[T] = []
        for op in ops:
            try:
                batch = await self._client._execute(op)
                created.extend(batch)
            except TripletexError as exc:
                exc.completed = list(created)
                raise
        return created


class Accounts(Resource[m.Account]):
    async def by_number(self, number: int, *, fields: str | None = None) -> m.Account:
        """The account with this number (ids differ per company; numbers are the business key)."""
        found = (await self.list(number=number, fields=fields, count=1)).values
        return _ops.pick_by_number(found, number, "account")

    async def by_numbers(self, numbers: Sequence[int], *, fields: str | None = None) -> dict[int, m.Account]:
        """Several accounts in one call, keyed by number (missing numbers are simply absent)."""
        if not numbers:
            return {}
        page = await self.list(number=list(numbers), fields=fields, count=max(len(numbers), 1))
        return {a.number: a for a in page.values if a.number is not None}


class VatTypes(Resource[m.VatType]):
    async def by_number(self, number: int | str, *, fields: str | None = None) -> m.VatType:
        """The VAT type with this VAT *number* (its id differs per company and from the number)."""
        found = (await self.list(number=str(number), fields=fields)).values
        return _ops.pick_by_number(found, number, "VAT type")


class Invoices(Resource[m.Invoice]):
    async def create(self, obj: Body, *, send_to_customer: bool = False, **params: Any) -> m.Invoice:
        """Create an invoice; *not* sent to the customer unless asked (Tripletex' default is to send)."""
        return await super().create(obj, sendToCustomer=send_to_customer, **params)

    async def create_many(
        self, objs: Sequence[Body], *, chunk: int | None = None, send_to_customer: bool = False, **params: Any
    ) -> builtins.list[m.Invoice]:
        return await super().create_many(objs, chunk=chunk, sendToCustomer=send_to_customer, **params)


class Orders(Resource[m.Order]):
    async def invoice(
        self, order_id: int, *, invoice_date: date, send_to_customer: bool = False, **params: Any
    ) -> m.Invoice:
        """``PUT /order/{id}/:invoice``: a write with side effects, never retried blindly."""
        action = {"invoiceDate": invoice_date, "sendToCustomer": send_to_customer, **params}
        return await self._client._execute(_ops.invoice_orders(int(order_id), action))

    async def invoice_multiple(
        self, order_ids: Sequence[int], *, invoice_date: date, send_to_customer: bool = False, **params: Any
    ) -> m.Invoice:
        """``PUT /order/:invoiceMultipleOrders``: one collective invoice for several orders of a customer."""
        action = {"invoiceDate": invoice_date, "sendToCustomer": send_to_customer, **params}
        return await self._client._execute(_ops.invoice_orders(list(order_ids), action))


class Vouchers(Resource[m.Voucher]):
    async def create(self, obj: Body, *, send_to_ledger: bool = True, **params: Any) -> m.Voucher:
        return await super().create(obj, sendToLedger=send_to_ledger, **params)

    async def create_many(
        self, objs: Sequence[Body], *, chunk: int | None = None, send_to_ledger: bool = True, **params: Any
    ) -> builtins.list[m.Voucher]:
        """``PUT /ledger/voucher/list`` (a PUT that creates: never retried blindly)."""
        return await self._create_chunks(
            _ops.create_vouchers(objs, chunk, {"sendToLedger": send_to_ledger, **params})
        )

    async def by_external_number(self, number: str, *, fields: str | None = None) -> builtins.list[m.Voucher]:
        """Vouchers with this ``externalVoucherNumber`` (the never-twice key of day sales)."""
        return await self._client._execute(_ops.vouchers_by_external_number(number, fields))

    async def reverse(self, voucher_id: int, *, day: date) -> m.Voucher:
        """Reverse a voucher with a new voucher dated ``day``; returns the reversing voucher."""
        return await self._client._execute(_ops.reverse_voucher(voucher_id, day))


class PostingRules:
    def __init__(self, client: AsyncTripletex) -> None:
        self._client = client

    async def get(self, *, fields: str | None = None) -> m.PostingRules:
        return await self._client._execute(
            _ops.single("/ledger/postingRules", m.PostingRules, {"fields": fields})
        )


class Companies(Resource[m.Company]):
    async def with_login_access(self, *, fields: str | None = None) -> builtins.list[m.Company]:
        """Client companies an accountant's employee token may act for (``for_company(id)``)."""
        clients = Resource(self._client, specs.LOGIN_ACCESS)
        return [c async for c in clients._pages(fields, None, None, {})]


class Ledger:
    def __init__(self, client: AsyncTripletex) -> None:
        self.accounts = Accounts(client, specs.ACCOUNTS)
        self.vat_types = VatTypes(client, specs.VAT_TYPES)
        self.vouchers = Vouchers(client, specs.VOUCHERS)
        self.postings = Resource(client, specs.POSTINGS)
        self.posting_rules = PostingRules(client)
        self.accounting_periods = Resource(client, specs.ACCOUNTING_PERIODS)
