from pathlib import Path

from piccolo.conf.apps import AppConfig

from .tables import Task

APP_CONFIG = AppConfig(
    app_name="tasks",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Task],
)
