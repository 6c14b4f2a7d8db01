"""Provisioning: a JSON business profile in, a working tenant out.

The seven provisioning steps (:data:`STEPS`) run one transaction each, recorded in
``nexus_provisioning_run`` and ``nexus_provisioning_step``; a crashed or failed run is
resumed from its first incomplete step by provisioning the same slug again.
:func:`deprovision` undoes them all. See ``docs/provisioning.md``.

Example::

    provisioner = Provisioner(database=database, registry=registry)
    outcome = await provisioner.provision(decode_profile(Path("acme.json").read_bytes()))
    print(outcome.tenant_id, outcome.admin.api_key)
"""

from __future__ import annotations

from nexus.provisioning._deprovision import Deprovisioned, deprovision
from nexus.provisioning._examples import DEMO_PROFILE, example_profiles
from nexus.provisioning._pipeline import (
    TENANT_PROVISIONED,
    TENANT_PROVISIONED_EVENT,
    AdminCredentials,
    Outcome,
    Provisioner,
    ProvisioningFailed,
    RunInProgress,
    RunTicket,
    SlugTaken,
)
from nexus.provisioning._plan import Plan, make_plan, pick_preset
from nexus.provisioning._profile import (
    AdminContact,
    BusinessProfile,
    FieldError,
    ProfileError,
    decode_profile,
    profile_json_schema,
)
from nexus.provisioning._routes import ProvisioningController, provisioning_routes
from nexus.provisioning._service import ProvisioningService
from nexus.provisioning._steps import FAULT_VARIABLE, STEPS, Step
from nexus.provisioning._store import RunStatus, RunView, StepStatus, StepView, get_run

__all__ = (
    "DEMO_PROFILE",
    "FAULT_VARIABLE",
    "STEPS",
    "TENANT_PROVISIONED",
    "TENANT_PROVISIONED_EVENT",
    "AdminContact",
    "AdminCredentials",
    "BusinessProfile",
    "Deprovisioned",
    "FieldError",
    "Outcome",
    "Plan",
    "ProfileError",
    "Provisioner",
    "ProvisioningController",
    "ProvisioningFailed",
    "ProvisioningService",
    "RunInProgress",
    "RunStatus",
    "RunTicket",
    "RunView",
    "SlugTaken",
    "Step",
    "StepStatus",
    "StepView",
    "decode_profile",
    "deprovision",
    "example_profiles",
    "get_run",
    "make_plan",
    "pick_preset",
    "profile_json_schema",
    "provisioning_routes",
)
