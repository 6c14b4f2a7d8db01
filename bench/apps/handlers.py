"""What the kernel and the baselines share: paths, the constant handler, the SELECTs."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from litestar import get
from nexus_crm._contacts import SELECT as CRM_CONTACT_COLUMNS

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler

__all__ = (
    "BENCH_TENANT_ID",
    "CONSTANT_BODY",
    "CONSTANT_PATH",
    "CRM_PREFIX",
    "PREFIX",
    "READ_PATH",
    "RECORD_ID",
    "SELECT_CONTACT",
    "SELECT_RECORD",
    "constant",
    "constant_route",
    "record_body",
)

PREFIX = "/api/v1/bench"
"""Where the kernel mounts the bench plugin; the baselines use the same prefix."""

CONSTANT_PATH = f"{PREFIX}/constant"
RECORD_ID = 42
READ_PATH = f"{PREFIX}/records/{RECORD_ID}"

BENCH_TENANT_ID = UUID("0193a5b0-0000-7000-8000-00000000be4c")
"""The tenant the read benchmark acts as when the kernel has no auth gate to name one."""

SELECT_RECORD = "select id, tenant_id, name, amount from bench_record where id = $1"

CRM_PREFIX = "/api/v1/crm"
"""Where the kernel mounts the CRM plugin; the ``crm_read`` baseline uses the same prefix."""

SELECT_CONTACT = f"{CRM_CONTACT_COLUMNS} where c.id = $1"
"""The CRM's own contact SELECT (``nexus_crm._contacts.load_contact``), taken from it so the
baseline runs the very statement the plugin sends: every column, the tags as an array."""

CONSTANT_BODY = {"hello": "world"}


def record_body(record_id: int, tenant_id: UUID) -> dict[str, object]:
    """Return the JSON body both apps answer for record ``record_id`` of ``tenant_id``."""
    return {
        "id": record_id,
        "tenant_id": str(tenant_id),
        "name": f"record {record_id}",
        "amount": record_id * 100,
    }


def constant() -> dict[str, str]:
    """Return a constant: the handler of the gate benchmark, in the kernel and bare."""
    return {"hello": "world"}


def constant_route() -> HTTPRouteHandler:
    """Return a fresh ``GET /constant`` route handler for :func:`constant`."""
    return get("/constant", sync_to_thread=False)(constant)
