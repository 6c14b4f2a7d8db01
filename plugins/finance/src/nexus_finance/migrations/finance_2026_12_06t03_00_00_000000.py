"""Documents: the company's legal details, PDF template and logo; partners' addresses, tax ids."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "legal details of the company and partners, PDF template"

# No braces in the SQL: Piccolo's raw() reads them as placeholders.
_HEX = "[0-9A-Fa-f]"
_ADDRESS = """
        add column address_line1 text,
        add column address_line2 text,
        add column postal_code text,
        add column city text,
        add column country text check (country ~ '^[A-Z][A-Z]$'),
        add column tax_id text"""

STATEMENTS = [
    f"""alter table finance_company
        add column legal_name text,{_ADDRESS},
        add column registration_number text,
        add column email text,
        add column phone text,
        add column bank_account text,
        add column bank_bic text,
        add column payment_instructions text,
        add column logo_key text,
        add column logo_content_type text,
        add column pdf_accent_color text not null default '#1F4E79'
            check (pdf_accent_color ~ '^#{_HEX}{_HEX}{_HEX}{_HEX}{_HEX}{_HEX}$'),
        add column pdf_footer text,
        add column pdf_show_logo boolean not null default true""",
    f"alter table finance_partner {_ADDRESS.strip()}",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(alter)
    return manager
