"""The HR tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant. Personal data (birth date,
national id, private contact details, bank account) lives in its own table,
:class:`PersonalData`, read and changed only with ``hr.personal:*``.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, BigInt, Boolean, Date, Integer, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Checklist",
    "ChecklistTask",
    "ChecklistTemplate",
    "ChecklistTemplateTask",
    "Contract",
    "Department",
    "Document",
    "EmergencyContact",
    "Employee",
    "JobPosition",
    "LeaveAccrualRule",
    "LeaveAllocation",
    "LeaveRequest",
    "LeaveType",
    "PersonalData",
    "WorkingSchedule",
    "ApprovedTime",
    "ApprovedTimesheet",
    "Payrun",
    "Payslip",
    "PayslipLine",
)

_HOURS = (5, 2)
_MONEY = (20, 6)


class WorkingSchedule(TenantOwned, Table, tablename="hr_working_schedule"):
    """A working week: hours per weekday in a time zone; one per tenant is the default."""

    name = Text()
    time_zone = Text(default="UTC")
    monday_hours = Numeric(digits=_HOURS)
    tuesday_hours = Numeric(digits=_HOURS)
    wednesday_hours = Numeric(digits=_HOURS)
    thursday_hours = Numeric(digits=_HOURS)
    friday_hours = Numeric(digits=_HOURS)
    saturday_hours = Numeric(digits=_HOURS)
    sunday_hours = Numeric(digits=_HOURS)
    is_default = Boolean(default=False)
    created_at = Timestamptz()


class Department(TenantOwned, Table, tablename="hr_department"):
    """A department, optionally inside a parent department, with a manager (an employee)."""

    name = Text()
    parent_id = UUID(null=True)
    manager_id = UUID(null=True)
    created_at = Timestamptz()


class JobPosition(TenantOwned, Table, tablename="hr_job_position"):
    """A job position, optionally in a department."""

    name = Text()
    department_id = UUID(null=True)
    description = Text(null=True)
    created_at = Timestamptz()


class Employee(TenantOwned, Table, tablename="hr_employee"):
    """An employee: the employment record (``active`` or ``terminated``), no personal data."""

    name = Text()
    work_email = Text(null=True)
    user_id = UUID(null=True)
    department_id = UUID(null=True)
    position_id = UUID(null=True)
    job_title = Text(null=True)
    manager_id = UUID(null=True)
    hire_date = Date(null=True)
    termination_date = Date(null=True)
    termination_reason = Text(null=True)
    state = Text(default="active")
    country = Text(null=True)
    subdivision = Text(null=True)
    time_zone = Text(default="UTC")
    working_schedule_id = UUID(null=True)
    erased_at = Timestamptz(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Contract(TenantOwned, Table, tablename="hr_contract"):
    """An employment contract; a new one ends the running one, history is kept."""

    employee_id = UUID()
    start_date = Date()
    end_date = Date(null=True)
    contract_type = Text(default="permanent")
    working_schedule_id = UUID(null=True)
    wage = Numeric(digits=_MONEY)
    currency = Text()
    wage_type = Text(default="monthly")
    state = Text(default="running")
    created_at = Timestamptz()
    overtime_rate = Numeric(digits=(6, 4), null=True)


class EmergencyContact(TenantOwned, Table, tablename="hr_emergency_contact"):
    """Someone to call for an employee (personal data)."""

    employee_id = UUID()
    name = Text()
    relationship = Text(null=True)
    phone = Text(null=True)
    email = Text(null=True)
    created_at = Timestamptz()


class PersonalData(TenantOwned, Table, tablename="hr_personal_data"):
    """An employee's personal data, one row per employee (unique per tenant and employee)."""

    employee_id = UUID()
    birth_date = Date(null=True)
    national_id = Text(null=True)
    private_address = Text(null=True)
    private_phone = Text(null=True)
    private_email = Text(null=True)
    bank_account = Text(null=True)
    updated_at = Timestamptz()


class Document(TenantOwned, Table, tablename="hr_document"):
    """A file about an employee, its bytes kept through the files port (``blob_key``)."""

    employee_id = UUID()
    name = Text()
    content_type = Text()
    size = BigInt()
    blob_key = Text()
    created_at = Timestamptz()


class ChecklistTemplate(TenantOwned, Table, tablename="hr_checklist_template"):
    """An onboarding or offboarding checklist template; ``automatic`` ones start on hire/exit."""

    name = Text()
    kind = Text()
    automatic = Boolean(default=True)
    created_at = Timestamptz()


class ChecklistTemplateTask(TenantOwned, Table, tablename="hr_checklist_template_task"):
    """A task of a template: assigned to a role or an employee, due some days after the event."""

    template_id = UUID()
    position = Integer(default=0)
    title = Text()
    assignee_role = Text(null=True)
    assignee_employee_id = UUID(null=True)
    due_offset_days = Integer(default=0)


class Checklist(TenantOwned, Table, tablename="hr_checklist"):
    """A checklist started for one employee (``open`` until every task is done)."""

    employee_id = UUID()
    template_id = UUID(null=True)
    name = Text()
    kind = Text()
    state = Text(default="open")
    created_at = Timestamptz()


class ChecklistTask(TenantOwned, Table, tablename="hr_checklist_task"):
    """A task of a checklist, assigned to someone, with a due date."""

    checklist_id = UUID()
    position = Integer(default=0)
    title = Text()
    assignee_role = Text(null=True)
    assignee_employee_id = UUID(null=True)
    due_date = Date()
    done = Boolean(default=False)
    completed_at = Timestamptz(null=True)
    completed_by = UUID(null=True)


# Leave: types, accrual rules, allocations and requests (migration 2026-12-06T14:00).


class LeaveType(TenantOwned, Table, tablename="hr_leave_type"):
    """A kind of leave: paid or not, counted in days or hours, its approval chain."""

    name = Text()
    code = Text()
    paid = Boolean(default=True)
    unit = Text(default="days")
    requires_allocation = Boolean(default=False)
    approval = Text(default="manager")
    active = Boolean(default=True)
    created_at = Timestamptz()


class LeaveAccrualRule(TenantOwned, Table, tablename="hr_leave_accrual_rule"):
    """Days of a leave type earned per month worked, with a yearly cap and carry-over limit."""

    leave_type_id = UUID()
    name = Text()
    days_per_month = Numeric(digits=(8, 2))
    yearly_cap = Numeric(digits=(8, 2), null=True)
    carry_over_limit = Numeric(digits=(8, 2), null=True)
    active = Boolean(default=True)
    created_at = Timestamptz()


class LeaveAllocation(TenantOwned, Table, tablename="hr_leave_allocation"):
    """Days of a leave type granted to an employee for a period (by hand or by an accrual)."""

    employee_id = UUID()
    leave_type_id = UUID()
    period_start = Date()
    period_end = Date()
    days = Numeric(digits=(8, 2))
    source = Text(default="manual")
    accrual_rule_id = UUID(null=True)
    accrual_period = Text(null=True)
    note = Text(null=True)
    created_at = Timestamptz()


class LeaveRequest(TenantOwned, Table, tablename="hr_leave_request"):
    """A leave request and where it stands in its approval chain."""

    employee_id = UUID()
    leave_type_id = UUID()
    date_from = Date()
    date_to = Date()
    half_day_start = Boolean(default=False)
    half_day_end = Boolean(default=False)
    reason = Text(null=True)
    days = Numeric(digits=(8, 2))
    hours = Numeric(digits=(8, 2))
    approval = Text()
    state = Text(default="pending_manager")
    manager_approved_by = Text(null=True)
    manager_approved_at = Timestamptz(null=True)
    approved_by = Text(null=True)
    approved_at = Timestamptz(null=True)
    rejected_by = Text(null=True)
    rejection_reason = Text(null=True)
    cancelled_by = Text(null=True)
    cancelled_at = Timestamptz(null=True)
    created_by = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ApprovedTimesheet(TenantOwned, Table, tablename="hr_approved_timesheet"):
    """A weekly timesheet Time approved (``time.timesheet.approved.v1``), kept for payroll."""

    employee_id = UUID()
    week_start = Date()
    total_hours = Numeric(digits=(8, 2))
    overtime_hours = Numeric(digits=(8, 2))
    received_at = Timestamptz()


class ApprovedTime(TenantOwned, Table, tablename="hr_approved_time"):
    """The approved hours of one day of an approved timesheet."""

    timesheet_id = UUID()
    employee_id = UUID()
    work_date = Date()
    hours = Numeric(digits=(8, 2))


class Payrun(TenantOwned, Table, tablename="hr_payrun"):
    """A pay run over a period: ``draft`` until approved, then locked and posted."""

    number = Text()
    period_start = Date()
    period_end = Date()
    pay_date = Date()
    currency = Text()
    state = Text(default="draft")
    employees = Integer(default=0)
    gross = Numeric(digits=_MONEY)
    deductions = Numeric(digits=_MONEY)
    net = Numeric(digits=_MONEY)
    employer_costs = Numeric(digits=_MONEY)
    created_at = Timestamptz()
    approved_at = Timestamptz(null=True)


class Payslip(TenantOwned, Table, tablename="hr_payslip"):
    """One employee's pay in a run: gross, deductions, net and employer costs."""

    payrun_id = UUID()
    employee_id = UUID(null=True)
    employee_name = Text()
    country = Text(null=True)
    rule_set = Text()
    currency = Text()
    days_employed = Integer(default=0)
    hours = Numeric(digits=(8, 2))
    overtime_hours = Numeric(digits=(8, 2))
    gross = Numeric(digits=_MONEY)
    deductions = Numeric(digits=_MONEY)
    net = Numeric(digits=_MONEY)
    employer_costs = Numeric(digits=_MONEY)


class PayslipLine(TenantOwned, Table, tablename="hr_payslip_line"):
    """A line of a payslip: an earning, a deduction or an employer cost (with its liability)."""

    payslip_id = UUID()
    position = Integer(default=0)
    kind = Text()
    code = Text()
    label = Text()
    quantity = Numeric(digits=(12, 4), null=True)
    rate = Numeric(digits=_MONEY, null=True)
    amount = Numeric(digits=_MONEY)
    liability = Text(null=True)
