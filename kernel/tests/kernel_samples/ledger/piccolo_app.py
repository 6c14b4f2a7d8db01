from pathlib import Path

from piccolo.conf.apps import AppConfig

from .tables import Effect, Entry

APP_CONFIG = AppConfig(
    app_name="ledger",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Entry, Effect],
)
