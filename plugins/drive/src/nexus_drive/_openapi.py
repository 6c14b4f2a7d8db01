"""How Drive's routes that answer a file's bytes, or speak tus, are documented."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

__all__ = ("NOT_A_FILE", "NOT_A_FOLDER", "TUS_VERSION_MISSING", "FileOperation")

TUS_VERSION_MISSING = {
    412: ResponseSpec(None, description="Tus-Resumable is missing or not 1.0.0 (tus protocol)")
}
NOT_A_FOLDER = {409: ResponseSpec(None, description="The item is a file: it has no children")}
NOT_A_FILE = {409: ResponseSpec(None, description="The item is a folder: it has no content")}


@dataclass
class FileOperation(Operation):
    """A download's 200 is the file's bytes, in the file's own media type."""

    def __post_init__(self) -> None:
        schema = Schema(
            type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description="The file."
        )
        self.responses = {
            **(self.responses or {}),
            "200": OpenAPIResponse(
                description="The file's content, in its own media type.",
                content={"*/*": OpenAPIMediaType(schema=schema)},
            ),
        }
