"""The plugin's Piccolo app: its table and its migrations (``nexus migrate`` applies them)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from {{ cookiecutter.module }}.tables import Item

APP_CONFIG = AppConfig(
    app_name="{{ cookiecutter.plugin_name }}",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Item],
)
