"""The seven provisioning steps, by name, in order; and the test-only fault switch."""

from __future__ import annotations

import os

import msgspec

__all__ = ("FAULT_VARIABLE", "STEPS", "Step", "inject_fault")


class Step(msgspec.Struct, frozen=True):
    """One step of provisioning: its name (as recorded) and what it does."""

    name: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("validate", "Validate the profile"),
    Step("plan", "Plan plugins, features and settings"),
    Step("create_tenant", "Create the tenant (status provisioning)"),
    Step("prepare_data", "Prepare data (placement checks)"),
    Step("provision_resources", "Provision resources (plugins' hooks)"),
    Step("seed", "Seed each enabled plugin"),
    Step("activate", "Activate: admin user and API key"),
)
"""The seven provisioning steps (``docs/provisioning.md``). Plugins add work to step 5
(``nexus_provision_resources``) and step 6 (``nexus_tenant_enable``)."""

FAULT_VARIABLE = "NEXUS_PROVISION_FAULT"
"""Test-only: ``<step>:exit`` ends the process, ``<step>:raise`` fails the step, each in the
middle of that step (its work done, its transaction not yet committed)."""


def inject_fault(step: str) -> None:
    """Fail here if ``NEXUS_PROVISION_FAULT`` names ``step`` (crash-and-resume tests)."""
    fault = os.environ.get(FAULT_VARIABLE)
    if not fault:
        return
    name, _, mode = fault.partition(":")
    if name != step:
        return
    if mode == "exit":
        os._exit(97)
    raise RuntimeError(f"fault injected in step {step} ({FAULT_VARIABLE})")
