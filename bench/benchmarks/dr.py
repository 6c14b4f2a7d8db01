"""``dr``: the disaster-recovery drill's RPO and RTO (``nexus.testing.run_dr_drill``).

A dedicated PostgreSQL cluster archives its WAL with pgBackRest into S3 (moto behind TLS);
the CRM holds a generated dataset for one tenant; after a full backup, one row is written
every 50 ms (``nexus dr verify`` runs meanwhile) until the cluster is killed and its PGDATA
deleted; ``nexus dr restore --latest`` brings it back and the app serves the tenant again.
RPO: the last acknowledged write minus the last one present; RTO: the destruction to the
first 200. The same scenario as ``tests/test_dr_pitr.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import nexus_crm
from nexus.testing import dr_drill_missing, run_dr_drill

from bench._context import say
from bench._results import Goal, row

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

RPO_GOAL = Goal("<", 300, "s", label="< 5 min")
RTO_GOAL = Goal("<", 900, "s", label="< 15 min")

FILL = """
insert into crm_contact (tenant_id, id, first_name, last_name, email, notes, created_at,
                         updated_at)
select $1, gen_random_uuid(), 'First' || i, 'Last' || i, 'contact' || i || '@example.com',
       repeat('a note on the contact. ', 10), now(), now()
  from generate_series(1, $2::int) as i
"""
COUNT = "select count(*) from crm_contact where tenant_id = $1"


def run(ctx: Context) -> list[Row]:
    """Run the drill once; report RPO, RTO and the steps' times."""
    missing = dr_drill_missing()
    if missing:
        return [
            row("dr", "RPO", None, "s", goal=RPO_GOAL, note=f"not measured: {missing}"),
            row("dr", "RTO", None, "s", goal=RTO_GOAL, note=f"not measured: {missing}"),
        ]
    # Quick: the test's size and a short archive_timeout; full: the shipped archive_timeout
    # (60 s) and a larger tenant, writing long enough for several segment switches.
    contacts, write_s, timeout = (20_000, 20.0, 10) if ctx.config.quick else (100_000, 150.0, 60)
    result = run_dr_drill(
        plugins=[nexus_crm],
        fill_sql=FILL,
        rows=contacts,
        count_sql=COUNT,
        route="/api/v1/crm/contacts?limit=1",
        write_s=write_s,
        archive_timeout_s=timeout,
        say=lambda message: say(f"dr: {message}"),
    )
    ctx.conditions["dr"] = f"PostgreSQL {result.postgres}, {result.pgbackrest}"
    size = (
        f"{result.dataset_rows} CRM contacts, database {result.database_mb:.0f} MB, "
        f"archive_timeout {result.archive_timeout_s} s"
    )
    detail = result.as_dict()
    return [
        row("dr", "RPO (last acknowledged write to last restored)", result.rpo_s, "s",
            goal=RPO_GOAL, note=f"{result.writes_lost} of {result.writes_acknowledged} "
            f"writes lost; {size}", detail=detail),
        row("dr", "RTO (destruction to first 200 on a tenant route)", result.rto_s, "s",
            goal=RTO_GOAL, note=f"nexus dr restore --latest took {result.restore_s:.1f} s"),
        row("dr", "full backup (nexus dr backup)", result.backup_s, "s", note=size),
        row("dr", "verification (nexus dr verify, under writes)", result.verify_s, "s",
            note="pgbackrest verify, restore into scratch, start, every row read back"),
        row("dr", "restore to a time between two writes keeps exactly those before",
            1.0 if result.pitr_exact else 0.0, "bool", goal=Goal(">=", 1, label="yes")),
    ]  # fmt: skip
