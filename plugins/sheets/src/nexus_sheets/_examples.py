"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "POST /workbooks": {"name": "Budget 2027", "sheets": ["Budget", "Summary"]},
    "POST /workbooks/import-drive": {
        "file_id": "01938f4e-6a1b-7c2d-8e3f-405162738495",
        "name": "Budget 2027",
    },
}


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
