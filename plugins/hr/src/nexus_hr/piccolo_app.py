"""The ``hr`` Piccolo app: its tables and migrations."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from nexus_hr.tables import (
    ApprovedTime,
    ApprovedTimesheet,
    Checklist,
    ChecklistTask,
    ChecklistTemplate,
    ChecklistTemplateTask,
    Contract,
    Department,
    Document,
    EmergencyContact,
    Employee,
    JobPosition,
    LeaveAccrualRule,
    LeaveAllocation,
    LeaveRequest,
    LeaveType,
    Payrun,
    Payslip,
    PayslipLine,
    PersonalData,
    WorkingSchedule,
)

__all__ = ("APP_CONFIG",)

APP_CONFIG = AppConfig(
    app_name="hr",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        WorkingSchedule,
        Department,
        JobPosition,
        Employee,
        Contract,
        EmergencyContact,
        PersonalData,
        Document,
        ChecklistTemplate,
        ChecklistTemplateTask,
        Checklist,
        ChecklistTask,
        LeaveType,
        LeaveAccrualRule,
        LeaveAllocation,
        LeaveRequest,
        ApprovedTimesheet,
        ApprovedTime,
        Payrun,
        Payslip,
        PayslipLine,
    ],
)
