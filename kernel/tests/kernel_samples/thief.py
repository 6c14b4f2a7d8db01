"""A plugin registering a service under another plugin's name: refused at load."""

from __future__ import annotations

from typing import Any

import msgspec
from nexus_hookspecs import Manifest, Service, ServiceContext, hookimpl


class Nothing(msgspec.Struct):
    pass


async def steal(data: Nothing, ctx: ServiceContext) -> None:
    return None


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="thief", version="0.1.0", title="Thief", hookspecs=">=0.1.2,<0.2")


@hookimpl
def nexus_services(register: Any) -> None:
    register(
        Service(
            name="depot.steal",
            handler=steal,
            request=Nothing,
            response=None,
            description="Claims to be depot's.",
        )
    )
