"""What a plugin declares for the workspace at ``/app`` (``nexus_ui``, 0.1.5).

The workspace generates list, detail and form views for every resource from the OpenAPI
document alone; these declarations only refine them: menu labels, list columns, form
sections, a line table with totals, a kanban board, a calendar, dashboard cards,
actions and, since 0.1.7, the editor a collaborative document opens in. Every path is an
API path written as the OpenAPI document writes it
(``/api/v1/crm/deals/{deal_id}/win``); its one parameter is filled with the record's id.
"""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = (
    "UiAction",
    "UiCalendar",
    "UiCard",
    "UiEditor",
    "UiKanban",
    "UiLane",
    "UiLines",
    "UiResource",
    "UiSection",
)


class UiSection(msgspec.Struct, frozen=True, kw_only=True):
    """A titled group of form fields, in order."""

    title: str
    fields: tuple[str, ...]


class UiLines(msgspec.Struct, frozen=True, kw_only=True):
    """An array field edited as a table of lines, with the totals shown below it.

    Attributes:
        field: The record's array field (``lines``).
        columns: The line fields shown and edited, in order.
        totals: Record fields shown under the table (``subtotal``, ``total``).
    """

    field: str
    columns: tuple[str, ...]
    totals: tuple[str, ...] = ()


class UiLane(msgspec.Struct, frozen=True, kw_only=True):
    """A closing column of a board: the records whose ``field`` is ``value``.

    Dropping a card on it POSTs ``action`` (``.../{deal_id}/win``).
    """

    label: str
    field: str
    value: str
    action: str


class UiKanban(msgspec.Struct, frozen=True, kw_only=True):
    """A board of the records by stage; dropping a card on a column moves it.

    The columns are ``stages`` (fixed values), or read from a GET ``stages_path`` at the
    dotted ``stages_key`` of its answer (a list of objects with ``id`` and ``name``).

    Attributes:
        stage_field: The record field holding its stage (a value or an ``id``).
        move: The POST route moving a record (``.../{id}/move``).
        move_field: The body field naming the new stage.
        title_field: The record field shown on a card.
        stages: Fixed columns.
        stages_path: A GET route answering the columns.
        stages_key: Where the columns are in its answer (``items.0.stages``).
        lanes: Closing columns after the stages (won, lost).
        open_field: With ``open_value``, which records the stage columns show.
    """

    stage_field: str
    move: str
    move_field: str = "stage"
    title_field: str = "name"
    stages: tuple[str, ...] = ()
    stages_path: str = ""
    stages_key: str = ""
    lanes: tuple[UiLane, ...] = ()
    open_field: str = ""
    open_value: str = ""


class UiCalendar(msgspec.Struct, frozen=True, kw_only=True):
    """A calendar of the records by a date field."""

    date_field: str
    title_field: str = "name"


class UiAction(msgspec.Struct, frozen=True, kw_only=True):
    """A POST route shown as a button on a record, asked to confirm first when ``confirm``."""

    label: str
    path: str
    confirm: str | None = None


class UiEditor(msgspec.Struct, frozen=True, kw_only=True):
    """The workspace's editor for a resource whose records are collaborative documents (0.1.7).

    Each record gets an "Open in …" link to ``#/<kind>/<file id>``, where the editor joins
    the document over the collab plugin's socket (``/api/v1/collab/{file_id}``) with the
    user's bearer token, and edits the Yjs structure that kind's plugin reads.

    Attributes:
        kind: Which editor: ``writer`` (rich text), ``sheets`` (a workbook's grid) or
            ``slides`` (a deck).
        id_field: The record field holding the document's Drive file id.
    """

    kind: Literal["writer", "sheets", "slides"]
    id_field: str = "id"


class UiResource(msgspec.Struct, frozen=True, kw_only=True):
    """The workspace's refinements of one resource (a listed collection route).

    Attributes:
        path: The collection's API path (``/api/v1/crm/contacts``).
        label: Its menu entry.
        menu: Whether it has a menu entry (a resource reached only through links has not).
        columns: The list's columns, in order (all scalar fields when empty).
        sections: The form's sections (one section of every field when empty).
        lines: An array field edited as lines with totals.
        kanban: A board view of the records.
        calendar: A calendar view of the records.
        actions: Buttons on a record.
        editor: The editor its records open in (0.1.7).
    """

    path: str
    label: str
    menu: bool = True
    columns: tuple[str, ...] = ()
    sections: tuple[UiSection, ...] = ()
    lines: UiLines | None = None
    kanban: UiKanban | None = None
    calendar: UiCalendar | None = None
    actions: tuple[UiAction, ...] = ()
    editor: UiEditor | None = None


class UiCard(msgspec.Struct, frozen=True, kw_only=True):
    """A dashboard card: ``value`` of the JSON a GET ``path`` (a report) answers.

    Attributes:
        label: The card's title.
        path: The report's API path; a query may follow (``/api/v1/crm/deals?status=open``).
            A list's page shows its records' titles (``value="items"``).
        value: A dotted key into the answer (``total``, ``totals.amount``); the whole
            answer when empty.
    """

    label: str
    path: str
    value: str = ""
