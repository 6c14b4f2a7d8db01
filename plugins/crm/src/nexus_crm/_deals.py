"""Writing deals: validation, pipeline placement, lines, history and events."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Keyset, Page, conflict, not_found

from nexus_crm._deal_schemas import (
    DealIn,
    DealLineIn,
    DealOut,
    DealPatch,
    DealStageChange,
    DealStatus,
)
from nexus_crm._events import DEAL_CREATED, DEAL_UPDATED, DEAL_WON, DealChanged, DealWon, WonLine
from nexus_crm._pipelines import default_pipeline
from nexus_crm._validation import Errors, currency_places, money_text

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, RequestContext

    from nexus_crm._settings import CrmSettings

__all__ = (
    "BY_CLOSE",
    "DealFilter",
    "close_deal",
    "deal_page",
    "deal_payload",
    "load_deal",
    "merge_deal",
    "record_change",
    "reopen_deal",
    "save_deal",
    "stage_history",
    "win_deal",
    "won_payload",
)

SELECT = """
select d.id, d.title, d.amount, d.currency, d.expected_close, d.owner, d.pipeline_id,
       d.stage_id, s.name as stage,
       case d.status when 'won' then 100 when 'lost' then 0 else s.probability end
           as probability,
       d.status, d.lost_reason, d.company_id, d.contact_id, d.closed_at, d.created_at,
       d.updated_at,
       coalesce((select json_agg(json_build_object('id', l.id, 'description', l.description,
                     'quantity', l.quantity::text, 'unit_price', l.unit_price::text,
                     'product_id', l.product_id, 'sku', l.sku) order by l.position)::text
                  from crm_deal_line l where l.tenant_id = d.tenant_id and l.deal_id = d.id),
                '[]') as lines
  from crm_deal d
  join crm_stage s on s.tenant_id = d.tenant_id and s.id = d.stage_id
"""


BY_CLOSE = Keyset(
    "expected_close", keys=(("coalesce(q.expected_close, '9999-12-31'::date)", "date"),)
)
"""The deal list by expected close, soonest first, those without a date last."""


class DealFilter(msgspec.Struct, kw_only=True):
    """What the deal list keeps (``None``: no filter on that field)."""

    status: DealStatus | None = None
    pipeline_id: UUID | None = None
    stage_id: UUID | None = None
    company_id: UUID | None = None
    contact_id: UUID | None = None
    owner: str | None = None


def deal_row(row: Any) -> DealOut:
    """A deal as the API shows it, from a row of ``SELECT`` (404 for ``None``)."""
    if row is None:
        not_found()
    values = dict(row)
    currency = values["currency"]
    values["amount"] = money_text(values["amount"], currency)
    lines = msgspec.json.decode(values["lines"])
    for line in lines:
        total = Decimal(line["quantity"]) * Decimal(line["unit_price"])
        line["total"] = money_text(total, currency)
    values["lines"] = lines
    return msgspec.convert(values, DealOut)


async def load_deal(conn: Connection, deal_id: UUID) -> DealOut:
    """One deal (404 when missing)."""
    return deal_row(await conn.fetchrow(f"{SELECT} where d.id = $1", deal_id))


async def deal_page(
    conn: Connection, where: DealFilter, *, order: Keyset, cursor: str | None, limit: int
) -> Page[DealOut]:
    """One page of the tenant's deals in ``order``, filtered."""
    conditions = ["true"]
    args: list[Any] = []
    for column, value in (
        ("d.status", where.status.value if where.status else None),
        ("d.pipeline_id", where.pipeline_id),
        ("d.stage_id", where.stage_id),
        ("d.company_id", where.company_id),
        ("d.contact_id", where.contact_id),
        ("d.owner", where.owner),
    ):
        if value is not None:
            args.append(value)
            conditions.append(f"{column} = ${len(args)}")
    query = order.sql(f"{SELECT} where {' and '.join(conditions)}", args, cursor, limit)
    return order.page(await conn.fetch(query, *args), limit, deal_row)


def deal_payload(deal: DealOut) -> DealChanged:
    """``crm.deal.created.v1`` / ``crm.deal.updated.v1`` data."""
    return DealChanged(
        id=deal.id,
        title=deal.title,
        amount=deal.amount,
        currency=deal.currency,
        stage=deal.stage,
        pipeline_id=deal.pipeline_id,
        company_id=deal.company_id,
        contact_id=deal.contact_id,
        owner=deal.owner,
    )


async def won_payload(conn: Connection, deal: DealOut) -> DealWon:
    """``crm.deal.won.v1`` data, with the company's name, the contact's email and the lines."""
    names = await conn.fetchrow(
        "select (select name from crm_company where id = $1) as company_name, "
        "(select email from crm_contact where id = $2) as contact_email",
        deal.company_id,
        deal.contact_id,
    )
    return DealWon(
        id=deal.id,
        title=deal.title,
        amount=deal.amount,
        currency=deal.currency,
        company_id=deal.company_id,
        company_name=names["company_name"] if names else None,
        contact_id=deal.contact_id,
        contact_email=names["contact_email"] if names else None,
        won_at=deal.closed_at,
        lines=[
            WonLine(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                product_id=line.product_id,
                sku=line.sku,
            )
            for line in deal.lines
        ],
    )


class _Checked(msgspec.Struct, kw_only=True):
    amount: Decimal
    currency: str
    pipeline_id: UUID
    stage_id: UUID
    lines: list[tuple[str, Decimal, Decimal, UUID | None, str | None]]


async def _check(
    conn: Connection, data: DealIn, *, settings: CrmSettings, current: DealOut | None
) -> _Checked:
    errors = Errors()
    currency = errors.currency("currency", data.currency or settings.default_currency)
    valid_currency = currency if not errors else None
    lines = []
    total = Decimal(0)
    for index, line in enumerate(data.lines):
        quantity = errors.quantity(f"lines[{index}].quantity", str(line.quantity))
        price = errors.money(f"lines[{index}].unit_price", str(line.unit_price), None)
        if price.as_tuple().exponent < -6:  # type: ignore[operator]
            errors.add(f"lines[{index}].unit_price", "at most 6 decimal places")
        total += quantity * price
        lines.append((line.description.strip(), quantity, price, line.product_id, line.sku))
    if valid_currency and lines:
        total = total.quantize(Decimal(1).scaleb(-currency_places(valid_currency)), ROUND_HALF_UP)
        if data.amount is not None and Decimal(data.amount) != total:
            errors.add("amount", f"must equal the total of the lines ({total}) or be left out")
        amount = total
    elif data.amount is not None:
        amount = errors.money("amount", str(data.amount), valid_currency)
        if amount < 0:
            errors.add("amount", "must not be negative")
    else:
        amount = Decimal(0).quantize(Decimal(1).scaleb(-currency_places(valid_currency or "EUR")))
    for column, table, value in (
        ("company_id", "crm_company", data.company_id),
        ("contact_id", "crm_contact", data.contact_id),
    ):
        if value is not None and not await conn.fetchval(
            f"select 1 from {table} where id = $1", value
        ):
            errors.add(column, f"no such {column.removesuffix('_id')}")
    pipeline_id, stage_id = await _place(conn, data, errors, current=current)
    errors.raise_if_any()
    return _Checked(
        amount=amount, currency=currency, pipeline_id=pipeline_id, stage_id=stage_id, lines=lines
    )


async def _place(
    conn: Connection,
    data: DealIn,
    errors: Errors,
    *,
    current: DealOut | None,
) -> tuple[Any, Any]:
    """The deal's pipeline and stage: the ones given, else the current, else the defaults."""
    pipeline_id = data.pipeline_id
    if pipeline_id is None and data.stage_id is not None:
        pipeline_id = await conn.fetchval(
            "select pipeline_id from crm_stage where id = $1", data.stage_id
        )
        if pipeline_id is None:
            errors.add("stage_id", "no such stage")
            return None, None
    if pipeline_id is None:
        pipeline_id = current.pipeline_id if current else None
    if pipeline_id is None:
        pipeline_id = await default_pipeline(conn)
        if pipeline_id is None:
            errors.add("pipeline_id", "the tenant has no default pipeline: name a pipeline")
            return None, None
    elif not await conn.fetchval("select 1 from crm_pipeline where id = $1", pipeline_id):
        errors.add("pipeline_id", "no such pipeline")
        return None, None
    stage_id = data.stage_id
    if stage_id is None and current is not None and current.pipeline_id == pipeline_id:
        stage_id = current.stage_id
    if stage_id is None:
        stage_id = await conn.fetchval(
            "select id from crm_stage where pipeline_id = $1 order by position, id limit 1",
            pipeline_id,
        )
        if stage_id is None:
            errors.add("pipeline_id", "the pipeline has no stage")
    elif not await conn.fetchval(
        "select 1 from crm_stage where id = $1 and pipeline_id = $2", stage_id, pipeline_id
    ):
        errors.add("stage_id", "no such stage in the deal's pipeline")
    return pipeline_id, stage_id


async def record_change(
    conn: Connection,
    deal_id: UUID,
    *,
    from_stage: UUID | None,
    to_stage: UUID,
    status: str,
    actor: str | None,
) -> None:
    """Record a move between stages or a change of status in the deal's history."""
    await conn.execute(
        "insert into crm_deal_stage_history (id, deal_id, from_stage_id, from_stage, "
        "to_stage_id, to_stage, status, actor) "
        "select $1, $2, $3, (select name from crm_stage where id = $3), $4, s.name, $5, $6 "
        "from crm_stage s where s.id = $4",
        new_id(),
        deal_id,
        from_stage,
        to_stage,
        status,
        actor,
    )


async def save_deal(
    conn: Connection,
    data: DealIn,
    *,
    deal_id: UUID | None,
    events: EventPublisher,
    settings: CrmSettings,
    context: RequestContext,
) -> DealOut:
    """Validate and write a deal with its lines, record a stage move, publish the event."""
    current = await load_deal(conn, deal_id) if deal_id is not None else None
    if current is not None and current.status != DealStatus.OPEN:
        conflict(f"the deal is {current.status.value}: reopen it to change it")
    checked = await _check(conn, data, settings=settings, current=current)
    owner = (data.owner or "").strip() or None
    if current is None:
        deal_id = new_id()
        await conn.execute(
            "insert into crm_deal (id, title, amount, currency, expected_close, owner, "
            "pipeline_id, stage_id, company_id, contact_id) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            deal_id,
            data.title.strip(),
            checked.amount,
            checked.currency,
            data.expected_close,
            owner if owner is not None or data.owner is not None else context.actor,
            checked.pipeline_id,
            checked.stage_id,
            data.company_id,
            data.contact_id,
        )
    else:
        await conn.execute(
            "update crm_deal set title = $2, amount = $3, currency = $4, expected_close = $5, "
            "owner = $6, pipeline_id = $7, stage_id = $8, company_id = $9, contact_id = $10, "
            "updated_at = now() where id = $1",
            deal_id,
            data.title.strip(),
            checked.amount,
            checked.currency,
            data.expected_close,
            owner,
            checked.pipeline_id,
            checked.stage_id,
            data.company_id,
            data.contact_id,
        )
        await conn.execute("delete from crm_deal_line where deal_id = $1", deal_id)
    assert deal_id is not None  # made above when new
    for position, (description, quantity, price, product_id, sku) in enumerate(checked.lines):
        await conn.execute(
            "insert into crm_deal_line (id, deal_id, position, description, quantity, "
            "unit_price, product_id, sku) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            new_id(),
            deal_id,
            position,
            description,
            quantity,
            price,
            product_id,
            sku,
        )
    if current is None or current.stage_id != checked.stage_id:
        await record_change(
            conn,
            deal_id,
            from_stage=current.stage_id if current else None,
            to_stage=checked.stage_id,
            status=DealStatus.OPEN.value,
            actor=context.actor,
        )
    deal = await load_deal(conn, deal_id)
    await events.publish(
        conn,
        type=(DEAL_UPDATED if current else DEAL_CREATED).type,
        data=deal_payload(deal),
        subject=str(deal.id),
    )
    return deal


def merge_deal(current: DealOut, patch: DealPatch) -> DealIn:
    """``current`` overlaid with what ``patch`` sets: new lines reprice, a new stage moves."""
    values: dict[str, Any] = {
        "title": current.title,
        "amount": None if current.lines else Decimal(current.amount),
        "currency": current.currency,
        "expected_close": current.expected_close,
        "owner": current.owner,
        "pipeline_id": current.pipeline_id,
        "stage_id": current.stage_id,
        "company_id": current.company_id,
        "contact_id": current.contact_id,
        "lines": [
            DealLineIn(
                description=line.description,
                quantity=Decimal(line.quantity),
                unit_price=Decimal(line.unit_price),
                product_id=line.product_id,
                sku=line.sku,
            )
            for line in current.lines
        ],
    }
    for field in patch.__struct_fields__:
        value = getattr(patch, field)
        if value is not msgspec.UNSET:
            values[field] = value
    if not isinstance(patch.lines, msgspec.UnsetType) and isinstance(
        patch.amount, msgspec.UnsetType
    ):
        values["amount"] = None  # new lines: the amount follows them
    if not isinstance(patch.pipeline_id, msgspec.UnsetType) and isinstance(
        patch.stage_id, msgspec.UnsetType
    ):
        values["stage_id"] = None  # another pipeline: its first stage
    if not isinstance(patch.stage_id, msgspec.UnsetType) and isinstance(
        patch.pipeline_id, msgspec.UnsetType
    ):
        values["pipeline_id"] = None  # the stage says which pipeline
    return DealIn(**values)


async def close_deal(
    conn: Connection, deal_id: UUID, status: DealStatus, reason: str | None, context: RequestContext
) -> DealOut:
    """Mark an open deal won or lost (409 when it is not open)."""
    current = await load_deal(conn, deal_id)
    if current.status != DealStatus.OPEN:
        conflict(f"the deal is already {current.status.value}")
    await conn.execute(
        "update crm_deal set status = $2, lost_reason = $3, closed_at = now(), "
        "updated_at = now() where id = $1",
        deal_id,
        status.value,
        reason,
    )
    await record_change(
        conn,
        deal_id,
        from_stage=current.stage_id,
        to_stage=current.stage_id,
        status=status.value,
        actor=context.actor,
    )
    return await load_deal(conn, deal_id)


async def win_deal(
    conn: Connection, events: EventPublisher, deal_id: UUID, context: RequestContext
) -> DealOut:
    """Mark an open deal won and publish ``crm.deal.won.v1`` with its lines."""
    deal = await close_deal(conn, deal_id, DealStatus.WON, None, context)
    await events.publish(
        conn, type=DEAL_WON.type, data=await won_payload(conn, deal), subject=str(deal.id)
    )
    return deal


async def reopen_deal(conn: Connection, deal_id: UUID, context: RequestContext) -> DealOut:
    """Make a won or lost deal open again, in the stage it was closed in (409 when open)."""
    current = await load_deal(conn, deal_id)
    if current.status == DealStatus.OPEN:
        conflict("the deal is open")
    await conn.execute(
        "update crm_deal set status = 'open', lost_reason = null, closed_at = null, "
        "updated_at = now() where id = $1",
        deal_id,
    )
    await record_change(
        conn,
        deal_id,
        from_stage=current.stage_id,
        to_stage=current.stage_id,
        status=DealStatus.OPEN.value,
        actor=context.actor,
    )
    return await load_deal(conn, deal_id)


async def stage_history(conn: Connection, deal_id: UUID) -> list[DealStageChange]:
    """Every move between stages and change of status of a deal, oldest first (404)."""
    await load_deal(conn, deal_id)
    rows = await conn.fetch(
        "select id, from_stage_id, from_stage, to_stage_id, to_stage, status, actor, "
        "changed_at from crm_deal_stage_history where deal_id = $1 order by id",
        deal_id,
    )
    return [msgspec.convert(dict(row), DealStageChange) for row in rows]
