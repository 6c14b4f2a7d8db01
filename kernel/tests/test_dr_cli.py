"""``nexus dr``: its configuration from NEXUS_DR_* settings, and one-line refusals of bad input.

The commands that run pgBackRest against a cluster are exercised end to end by
``tests/test_dr_pitr.py``; these need neither pgBackRest nor PostgreSQL.
"""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner
from nexus.cli import cli
from nexus.dr import DrError, DrSettings, render_config


def _run(*args: str, env: dict[str, str]):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _s3_env(tmp_path) -> dict[str, str]:
    return {
        "NEXUS_DR_CONFIG": str(tmp_path / "etc" / "pgbackrest.conf"),
        "NEXUS_DR_PGDATA": "/var/lib/postgresql/15/main",
        "NEXUS_DR_S3_BUCKET": "nexus-backups",
        "NEXUS_DR_S3_ENDPOINT": "https://minio.internal:9000",
        "NEXUS_DR_S3_ACCESS_KEY_ID": "backup",
        "NEXUS_DR_S3_SECRET_ACCESS_KEY": "s3cret",
        "NEXUS_DR_S3_VERIFY_TLS": "false",
        "NEXUS_DR_ARCHIVE_TIMEOUT_S": "30",
    }


def test_configure_writes_a_private_config_and_prints_the_archiving_lines(tmp_path):
    env = _s3_env(tmp_path)
    result = _run("dr", "configure", env=env)
    assert result.exit_code == 0, result.output
    config = tmp_path / "etc" / "pgbackrest.conf"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    for line in (
        "repo1-type=s3",
        "repo1-s3-bucket=nexus-backups",
        "repo1-s3-endpoint=minio.internal",
        "repo1-storage-port=9000",
        "repo1-s3-key-secret=s3cret",
        "repo1-storage-verify-tls=n",
        "repo1-s3-uri-style=path",
        "archive-timeout=600",
        "[nexus]",
        "pg1-path=/var/lib/postgresql/15/main",
    ):
        assert line in text.splitlines(), line
    assert result.stdout.splitlines() == [
        "wal_level = replica",
        "archive_mode = on",
        f"archive_command = 'pgbackrest --config={config} --stanza=nexus archive-push %p'",
        "archive_timeout = 30",
    ]


def test_configure_json_names_the_file_and_the_repository(tmp_path):
    result = _run("dr", "configure", "--json", env=_s3_env(tmp_path))
    done = json.loads(result.stdout)
    assert done["stanza"] == "nexus"
    assert done["repo"] == "s3://nexus-backups/nexus at https://minio.internal:9000"
    assert "archive_mode = on" in done["postgresql_conf"]


def test_a_local_repository_is_a_posix_repo(tmp_path):
    text, where = render_config(
        DrSettings(pgdata=tmp_path / "pgdata", repo_path=tmp_path / "repo", pg_socket_dir="/run")
    )
    assert "repo1-type=posix" in text.splitlines()
    assert f"repo1-path={tmp_path / 'repo'}" in text.splitlines()
    assert "pg1-socket-path=/run" in text.splitlines()
    assert where == str(tmp_path / "repo")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"NEXUS_DR_S3_BUCKET": ""}, "no backup repository"),
        ({"NEXUS_DR_S3_ENDPOINT": "http://minio:9000"}, "pgBackRest speaks only HTTPS"),
        ({"NEXUS_DR_PGDATA": ""}, "NEXUS_DR_PGDATA is required"),
        ({"NEXUS_DR_REPO_PATH": "/backups"}, "not both"),
        ({"NEXUS_DR_S3_SECRET_ACCESS_KEY": ""}, "NEXUS_DR_S3_SECRET_ACCESS_KEY"),
    ],
    ids=["no-repository", "plain-http", "no-pgdata", "two-repositories", "no-secret"],
)
def test_configure_refuses_unusable_settings_in_one_line(tmp_path, changes, message):
    result = _run("dr", "configure", env={**_s3_env(tmp_path), **changes})
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "etc" / "pgbackrest.conf").exists()


def test_a_bad_setting_names_its_variable(tmp_path):
    result = _run("dr", "configure", env={**_s3_env(tmp_path), "NEXUS_DR_PG_PORT": "many"})
    assert result.exit_code == 2
    assert "NEXUS_DR_PG_PORT" in result.stderr
    with pytest.raises(DrError, match="NEXUS_DR_S3_URI_STYLE"):
        DrSettings.from_env({"NEXUS_DR_S3_URI_STYLE": "virtual"})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give one of --target TIME or --latest"),
        (["--latest", "--target", "2026-12-07T10:00:00+00:00"], "give one of"),
        (["--target", "yesterday"], "is not an ISO 8601 time"),
        (["--target", "2026-12-07T10:00:00"], "has no time zone"),
    ],
    ids=["neither", "both", "not-a-time", "no-time-zone"],
)
def test_restore_refuses_a_bad_target_in_one_line(tmp_path, args, message):
    result = _run("dr", "restore", "--pgdata", str(tmp_path / "pg"), *args, env=_s3_env(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restore_refuses_a_data_directory_that_is_not_empty(tmp_path):
    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("15\n")
    result = _run("dr", "restore", "--latest", "--pgdata", str(pgdata), env=_s3_env(tmp_path))
    assert result.exit_code == 1
    assert f"{pgdata} is not empty" in result.stderr
    assert (pgdata / "PG_VERSION").read_text() == "15\n"


def test_backup_without_a_configuration_says_to_configure_first(tmp_path):
    result = _run("dr", "backup", env=_s3_env(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: no pgBackRest configuration at {tmp_path / 'etc' / 'pgbackrest.conf'} "
        "(NEXUS_DR_CONFIG): run `nexus dr configure` first"
    ]
