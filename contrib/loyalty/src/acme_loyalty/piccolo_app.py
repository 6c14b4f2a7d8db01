"""The loyalty plugin's Piccolo app: its table and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from acme_loyalty.tables import Entry

APP_CONFIG = AppConfig(
    app_name="loyalty",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Entry],
)
