"""Legal details for documents: the company's and partners' addresses, countries, tax ids.

Tax ids are checked with python-stdnum's VAT module of the country
(``stdnum.get_cc_module(country, "vat")``) where it knows the scheme; a country it does not
know (the United States…) keeps the id as given. A valid id is stored compact, with the
country's VAT prefix when the scheme has one (``FR40303265045``, ``EL094259216``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
import pycountry
from nexus_hookspecs.http import FieldErrors, Multiline, conflict
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "ADDRESS_FIELDS",
    "COMPANY_COLUMNS",
    "CompanyChanges",
    "CompanyOut",
    "Country",
    "Line",
    "PostalCode",
    "TaxId",
    "check_party",
    "company_out",
    "update_company",
)

Line = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")]
TaxId = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z .\-/]+$")]
PostalCode = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Email = Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]
Phone = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9+() .\-/]+$")]
BankAccount = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Bic = Annotated[str, msgspec.Meta(pattern="^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")]
Color = Annotated[str, msgspec.Meta(pattern="^#[0-9A-Fa-f]{6}$", examples=["#1F4E79"])]
LongText = Annotated[Multiline, msgspec.Meta(min_length=1, max_length=1000)]

ADDRESS_FIELDS = ("address_line1", "address_line2", "postal_code", "city", "country", "tax_id")
"""The address and tax id columns a partner and the company share."""

_UNSET: Any = msgspec.UNSET


class CompanyOut(msgspec.Struct, kw_only=True):
    """The tenant's books and the legal details its documents print.

    Attributes:
        base_currency: The company currency.
        chart_template: The chart seeded on first enable.
        fiscal_year_start_month: The month fiscal years start in.
        legal_name: The seller's registered name on documents.
        tax_id: The VAT (or other tax) identifier, checked for its country.
        registration_number: The company registration number (SIREN, Companies House…).
        bank_account: The IBAN (or account number) customers pay to.
        bank_bic: The bank's BIC.
        payment_instructions: Free text printed under the totals.
        has_logo: Whether a logo was uploaded (``PUT /company/logo``).
        pdf_accent_color: PDF template: the colour of titles and rules (``#RRGGBB``).
        pdf_footer: PDF template: text at the foot of every page.
        pdf_show_logo: PDF template: print the logo when there is one.
    """

    base_currency: str
    chart_template: str
    fiscal_year_start_month: int
    legal_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    tax_id: str | None = None
    registration_number: str | None = None
    email: str | None = None
    phone: str | None = None
    bank_account: str | None = None
    bank_bic: str | None = None
    payment_instructions: str | None = None
    has_logo: bool = False
    pdf_accent_color: str = "#1F4E79"
    pdf_footer: str | None = None
    pdf_show_logo: bool = True


class CompanyChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Legal details and PDF template settings; omitted fields stay, ``null`` clears one."""

    legal_name: Line | None | msgspec.UnsetType = _UNSET
    address_line1: Line | None | msgspec.UnsetType = _UNSET
    address_line2: Line | None | msgspec.UnsetType = _UNSET
    postal_code: PostalCode | None | msgspec.UnsetType = _UNSET
    city: Line | None | msgspec.UnsetType = _UNSET
    country: Country | None | msgspec.UnsetType = _UNSET
    tax_id: TaxId | None | msgspec.UnsetType = _UNSET
    registration_number: TaxId | None | msgspec.UnsetType = _UNSET
    email: Email | None | msgspec.UnsetType = _UNSET
    phone: Phone | None | msgspec.UnsetType = _UNSET
    bank_account: BankAccount | None | msgspec.UnsetType = _UNSET
    bank_bic: Bic | None | msgspec.UnsetType = _UNSET
    payment_instructions: LongText | None | msgspec.UnsetType = _UNSET
    pdf_accent_color: Color | msgspec.UnsetType = _UNSET
    pdf_footer: LongText | None | msgspec.UnsetType = _UNSET
    pdf_show_logo: bool | msgspec.UnsetType = _UNSET


COMPANY_COLUMNS = tuple(name for name in CompanyOut.__struct_fields__ if name not in ("has_logo",))


def _vat_prefix(country: str) -> str:
    return "EL" if country == "GR" else country


def normalize_tax_id(tax_id: str, country: str | None) -> str | None:
    """The tax id as stored, or ``None`` when it is not valid for ``country``."""
    if country is None:
        return tax_id.strip().upper()
    try:
        module = get_cc_module(country.lower(), "vat")
    except (ImportError, ValueError):
        module = None
    if module is None:
        return tax_id.strip().upper()
    try:
        compact = str(module.validate(tax_id))
    except (StdnumError, ValueError, TypeError, IndexError):
        return None
    if compact[:1].isdigit():
        return _vat_prefix(country) + compact
    return compact


def check_party(errors: FieldErrors, values: dict[str, Any], *, prefix: str = "") -> None:
    """Check ``country`` and ``tax_id`` in ``values`` (normalising the tax id in place)."""
    country = values.get("country")
    if country is not None and pycountry.countries.get(alpha_2=country) is None:
        errors.add(f"{prefix}country", f"{country!r} is not an ISO 3166-1 country")
        return
    tax_id = values.get("tax_id")
    if tax_id is not None:
        normal = normalize_tax_id(tax_id, country)
        if normal is None:
            errors.add(f"{prefix}tax_id", f"{tax_id!r} is not a valid VAT number of {country}")
        else:
            values["tax_id"] = normal


async def company_out(conn: Connection) -> CompanyOut:
    """The company row as the API shows it."""
    row = await conn.fetchrow(
        f"select {', '.join(COMPANY_COLUMNS)}, logo_key is not null as has_logo "
        "from finance_company"
    )
    if row is None:
        raise RuntimeError("the tenant has no books: Finance's nexus_tenant_enable did not run")
    return msgspec.convert(dict(row), CompanyOut)


async def update_company(conn: Connection, data: CompanyChanges) -> CompanyOut:
    """Apply ``data`` to the company row (locked); 422 naming a bad country or tax id."""
    current = await conn.fetchrow("select country, tax_id from finance_company for update")
    if current is None:
        conflict("the tenant has no books")
    changes = {
        name: getattr(data, name)
        for name in CompanyChanges.__struct_fields__
        if getattr(data, name) is not msgspec.UNSET
    }
    merged = {"country": current["country"], "tax_id": current["tax_id"], **changes}
    errors = FieldErrors()
    if "country" in changes or "tax_id" in changes:
        check_party(errors, merged)
    errors.raise_if_any()
    if "tax_id" in changes:
        changes["tax_id"] = merged["tax_id"]
    if changes:
        names = list(changes)
        assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(names, start=1))
        await conn.execute(
            f"update finance_company set {assignments}", *(changes[name] for name in names)
        )
    return await company_out(conn)
