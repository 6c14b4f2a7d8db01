"""Disaster recovery with pgBackRest: configuration, backups, their verification, PITR.

``nexus dr configure|backup|verify|restore`` call these. pgBackRest does the work (WAL
archiving, backups to S3 or a directory, restores to a point in time) as a subprocess; this
package writes its configuration from ``NEXUS_DR_*`` settings, runs it with one-line
errors, and starts and checks the restored PostgreSQL.
"""

from __future__ import annotations

from nexus.dr._config import Configured, postgresql_lines, render_config, write_config
from nexus.dr._operations import Restored, Verified, backup, restore, verify
from nexus.dr._pgbackrest import BackupInfo, latest_backup
from nexus.dr._settings import DrError, DrSettings
from nexus.dr._system import find_pg_bin, give_to_os_user, os_user

__all__ = (
    "BackupInfo",
    "Configured",
    "DrError",
    "DrSettings",
    "Restored",
    "Verified",
    "backup",
    "find_pg_bin",
    "give_to_os_user",
    "latest_backup",
    "os_user",
    "postgresql_lines",
    "render_config",
    "restore",
    "verify",
    "write_config",
)
