"""Invoicing from the POS (seed 002): a sale paid «by invoice» to a Tripletex customer becomes an
order and an invoice; with the POS set-up's collective invoice on, the orders of a customer are
collected and invoiced together at the end of the period. Customers live in Tripletex: the POS lists
and searches them from a cached list refreshed with Tripletex's checksum."""

from txbridge.flows.posinvoice.batches import close_collective_invoices, close_pos_orders
from txbridge.flows.posinvoice.customers import PosCustomer, list_customers, search_customers
from txbridge.flows.posinvoice.errors import PosInvoiceError
from txbridge.flows.posinvoice.sales import InvoiceSale, SaleLine, SaleRecorded, record_sale
from txbridge.flows.posinvoice.setup import set_collective_invoice, set_invoicing

__all__ = [
    "InvoiceSale",
    "PosCustomer",
    "PosInvoiceError",
    "SaleLine",
    "SaleRecorded",
    "close_collective_invoices",
    "close_pos_orders",
    "list_customers",
    "record_sale",
    "search_customers",
    "set_collective_invoice",
    "set_invoicing",
]
