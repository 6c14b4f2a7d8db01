"""Nexus HR: employees, departments, positions, contracts, schedules and checklists.

The hook implementations, and nothing else. Hiring, changing and terminating an employee
publish ``hr.employee.hired.v1`` / ``updated`` / ``terminated`` in the same transaction;
personal data sits in its own table behind ``hr.personal:*``. See README.md for the
routes, settings, features and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Feature, Manifest, Permission, hookimpl

from nexus_hr._ai_tools import nexus_ai_tools
from nexus_hr._events import (
    EMPLOYEE_ERASED,
    EMPLOYEE_HIRED,
    EMPLOYEE_TERMINATED,
    EMPLOYEE_UPDATED,
    LEAVE_EVENTS,
    PAYRUN_POSTED,
)
from nexus_hr._examples import EXAMPLES
from nexus_hr._handlers import (
    TIMESHEET_APPROVED,
    TIMESHEET_REOPENED,
    USER_PROVISIONED,
    link_user,
    on_timesheet_approved,
    on_timesheet_reopened,
)
from nexus_hr._keys import (
    CHECKLISTS_READ,
    CHECKLISTS_WRITE,
    CONTRACTS_READ,
    CONTRACTS_WRITE,
    DEPARTMENTS_READ,
    DEPARTMENTS_WRITE,
    DOCUMENTS_READ,
    DOCUMENTS_WRITE,
    EMPLOYEES_READ,
    EMPLOYEES_WRITE,
    PAYROLL_READ,
    PAYROLL_WRITE,
    PERSONAL_READ,
    PERSONAL_WRITE,
    SCHEDULES_READ,
    SCHEDULES_WRITE,
)
from nexus_hr._leave import seed_leave_types
from nexus_hr._payslip_mail import PAYSLIP_RENDERED, on_payrun_approved
from nexus_hr._routes_checklists import ChecklistController, ChecklistTemplateController
from nexus_hr._routes_contracts import ContractController
from nexus_hr._routes_departments import DepartmentController, PositionController
from nexus_hr._routes_documents import DocumentController
from nexus_hr._routes_employees import EmployeeController
from nexus_hr._routes_leave import LEAVE_CONTROLLERS, LEAVE_PERMISSIONS
from nexus_hr._routes_org_chart import OrgChartController
from nexus_hr._routes_payroll import PayrunController, RuleSetController
from nexus_hr._routes_payslip_mail import PayslipMailController
from nexus_hr._routes_personal import PersonalController
from nexus_hr._routes_schedules import ScheduleController
from nexus_hr._schedules import seed_default_schedule
from nexus_hr._settings import HrSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, EventHandler, TenantRef

__all__ = (
    "HrSettings",
    "nexus_ai_tools",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "hr_working_schedule",
    "hr_department",
    "hr_job_position",
    "hr_employee",
    "hr_contract",
    "hr_emergency_contact",
    "hr_personal_data",
    "hr_document",
    "hr_checklist_template",
    "hr_checklist_template_task",
    "hr_checklist",
    "hr_checklist_task",
    # Leave
    "hr_leave_type",
    "hr_leave_accrual_rule",
    "hr_leave_allocation",
    "hr_leave_request",
    # Payroll
    "hr_approved_timesheet",
    "hr_approved_time",
    "hr_payrun",
    "hr_payslip",
    "hr_payslip_line",
)

CONTROLLERS: tuple[Any, ...] = (
    EmployeeController,
    OrgChartController,
    DepartmentController,
    PositionController,
    ScheduleController,
    ContractController,
    PersonalController,
    DocumentController,
    ChecklistTemplateController,
    ChecklistController,
)
CONTROLLERS += LEAVE_CONTROLLERS
CONTROLLERS += (PayrunController, RuleSetController, PayslipMailController)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="hr",
        version="0.1.0",
        title="HR",
        summary=(
            "Employees, departments, positions, contracts, working schedules, documents "
            "and onboarding/offboarding checklists."
        ),
        hookspecs=">=0.1.7,<0.2",
        features=(
            Feature(
                key="documents",
                title="Employee documents",
                description="Upload, list, download and delete files about an employee.",
            ),
            Feature(
                key="checklists",
                title="Onboarding and offboarding checklists",
                description="Templates of tasks started on hire and termination.",
            ),
        ),
        permissions=(
            Permission(
                key=EMPLOYEES_READ,
                description="List and show employees (without personal data) and the org chart.",
                roles=_MEMBERS,
            ),
            Permission(
                key=EMPLOYEES_WRITE,
                description="Create, change, terminate, rehire and delete employees.",
            ),
            Permission(
                key=DEPARTMENTS_READ,
                description="List and show departments and job positions.",
                roles=_MEMBERS,
            ),
            Permission(
                key=DEPARTMENTS_WRITE,
                description="Create, change and delete departments and job positions.",
            ),
            Permission(
                key=SCHEDULES_READ, description="List and show working schedules.", roles=_MEMBERS
            ),
            Permission(
                key=SCHEDULES_WRITE, description="Create, change and delete working schedules."
            ),
            Permission(
                key=CONTRACTS_READ, description="List and show employment contracts and wages."
            ),
            Permission(key=CONTRACTS_WRITE, description="Create and end employment contracts."),
            Permission(
                key=PERSONAL_READ,
                description=(
                    "See personal data and emergency contacts; export an employee's data "
                    "(data-subject access)."
                ),
            ),
            Permission(
                key=PERSONAL_WRITE,
                description=(
                    "Change personal data and emergency contacts; erase an employee's "
                    "personal data (data-subject erasure)."
                ),
            ),
            Permission(key=DOCUMENTS_READ, description="List and download employee documents."),
            Permission(key=DOCUMENTS_WRITE, description="Upload and delete employee documents."),
            Permission(
                key=CHECKLISTS_READ,
                description="List checklist templates, checklists and their tasks.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CHECKLISTS_WRITE,
                description="Create templates, start checklists and complete tasks.",
            ),
            *LEAVE_PERMISSIONS,
            Permission(
                key=PAYROLL_READ,
                description="List and show pay runs, payslips and their PDFs, and the payroll "
                "rule sets.",
            ),
            Permission(
                key=PAYROLL_WRITE,
                description="Draft, delete and approve pay runs (approving posts the payroll "
                "journal to Finance).",
            ),
        ),
        settings=HrSettings,
        profile_settings={
            "country": "country",
            "currency": "currency",
            "time_zone": "timezone",
            "head_count": "employees",
        },
        events=(
            EMPLOYEE_HIRED,
            EMPLOYEE_UPDATED,
            EMPLOYEE_TERMINATED,
            EMPLOYEE_ERASED,
            *LEAVE_EVENTS,
            PAYRUN_POSTED,
            PAYSLIP_RENDERED,
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the HR routes under ``/api/v1/hr/``."""
    for controller in CONTROLLERS:
        register(controller)


@hookimpl
def nexus_event_handlers(register: Callable[[str, EventHandler], None]) -> None:
    """Link hired employees to their provisioned users; keep Time's approved timesheets.

    HR also handles its own ``hr.payrun.posted.v1``: each payslip's PDF goes to the files
    store and ``hr.payslip.rendered.v1`` follows.
    """
    register(USER_PROVISIONED, link_user)
    register(TIMESHEET_APPROVED, on_timesheet_approved)
    register(TIMESHEET_REOPENED, on_timesheet_reopened)
    register(PAYRUN_POSTED.type, on_payrun_approved)


@hookimpl
def nexus_piccolo_app() -> str:
    """The HR tables and migrations."""
    return "nexus_hr.piccolo_app"


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: Any, conn: Connection) -> None:
    """Seed the default working schedule and leave types.

    The schedule is "Standard 40h" (Monday to Friday, 8 hours); the leave types Paid, Sick
    and Unpaid leave.
    """
    del tenant
    found = settings if isinstance(settings, HrSettings) else HrSettings()
    await seed_default_schedule(conn, time_zone=found.time_zone)
    await seed_leave_types(conn)
