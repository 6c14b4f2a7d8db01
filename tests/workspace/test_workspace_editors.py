"""The Writer, Sheets and Slides editors in the workspace, in headless Chromium.

Two browser sessions type into one Writer document and each sees the other's text (over
the collab socket, with the user's bearer token); what they typed is what Writer's own
export reads, so the editor keeps the Yjs structure the server does. A formula's input
changed in the Sheets grid shows the value the server recalculated (the event worker runs
Sheets' handler of ``collab.document.changed.v1``). A text box and speaker notes typed on a
slide are in Slides' own reading of the deck, and its present mode opens full screen.
"""

from __future__ import annotations

import pytest
from nexus.testing import make_tenant
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.console._pages import css, page_errors, screenshot, until
from tests.workspace.test_workspace_browser import AXE, PASSWORD, Views, shots, sign_in

__all__ = ("shots",)  # the fixture, imported for this module's test

SAM = "sam@acme.example"
VIC = "vic@acme.example"


@pytest.fixture
def sam(editors_served):
    """Acme with its admin Sam and a member Vic, and Sam's own bearer token (the documents
    are in his drive)."""
    make_tenant(
        editors_served.database_url,
        slug="acme",
        users=(
            {"email": SAM, "name": "Sam", "roles": ["tenant_admin"], "password": PASSWORD},
            {"email": VIC, "name": "Vic", "roles": ["member"], "password": PASSWORD},
        ),
    )
    api = editors_served.client()
    answer = api.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": "acme", "email": SAM, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def made(api, path, headers, body):
    answer = api.post(path, headers=headers, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def stored(api, path, headers, key, count, of=None):
    """The record at ``path`` once its ``key`` list (or its first item's ``of`` list) holds
    ``count`` items; else ``None``, to be asked again."""
    record = api.get(path, headers=headers).json()
    items = record[key][0][of] if of else record[key]
    return record if len(items) >= count else None


def editor_text(driver):
    return driver.execute_script(
        "const e = document.querySelector('.ProseMirror'); return e ? e.innerText : ''"
    )


def type_in_cell(driver, ref, text):
    css(driver, f'td[data-ref="{ref}"]').click()
    bar = css(driver, "#formula-bar")
    bar.send_keys(Keys.CONTROL, "a")
    bar.send_keys(text, Keys.ENTER)


def cell_text(driver, ref):
    return driver.find_element(By.CSS_SELECTOR, f'td[data-ref="{ref}"]').text


def test_writer_sheets_and_slides_edit_documents_together(
    editors_served, editors_events, browsers, sam, shots
):
    base = editors_served.base
    api = editors_served.client()
    document = made(api, "/api/v1/writer/documents", sam, {"name": "Minutes"})
    file_id = document["file_id"]

    # Writer: the documents' list offers "Open in Writer"; it routes to #/writer/<file id>.
    ann = browsers()
    views = Views(ann, shots)
    sign_in(ann, base)
    css(ann, '#nav a[href="#/writer/documents"]').click()
    css(ann, '#view-writer-documents[data-ready="1"]')
    css(ann, f'#list a[data-editor="writer"][href="#/writer/{file_id}"]').click()
    css(ann, '#view-writer-editor[data-ready="1"] .ProseMirror').click()
    css(ann, "#writer-h1").click()
    ann.switch_to.active_element.send_keys("Minutes of the board", Keys.ENTER)
    ann.switch_to.active_element.send_keys("Ann was here.")

    bob = browsers()
    sign_in(bob, base)
    bob.get(f"{base}/app/#/writer/{file_id}")
    css(bob, '#view-writer-editor[data-ready="1"] .ProseMirror')
    until(bob, lambda d: "Ann was here." in editor_text(d), "Ann's text in Bob's editor")
    # Each sees the other (presence), and Bob's typing reaches Ann.
    until(ann, lambda d: d.find_elements(By.CSS_SELECTOR, "#presence li"), "Bob's presence")
    css(bob, ".ProseMirror").click()
    bob.switch_to.active_element.send_keys(Keys.CONTROL, Keys.END)
    bob.switch_to.active_element.send_keys(" Bob too.")
    until(ann, lambda d: "Bob too." in editor_text(d), "Bob's text in Ann's editor")
    # A table from the toolbar, typed into, reaches Bob as a table.
    css(ann, ".ProseMirror").click()
    ann.switch_to.active_element.send_keys(Keys.CONTROL, Keys.END)
    css(ann, "#writer-table").click()
    ann.switch_to.active_element.send_keys("Quarter", Keys.TAB, "Revenue")
    until(
        bob, lambda d: "Revenue" in css(d, ".ProseMirror table").text, "the table in Bob's editor"
    )
    views.check("writer")
    # A viewer (Drive's role) reads the document and gets no toolbar: nothing to type into.
    vic = api.get("/api/v1/users?limit=50", headers=sam).json()["items"]
    vic_id = next(user["id"] for user in vic if user["email"] == VIC)
    shared = api.put(
        f"/api/v1/drive/items/{file_id}/shares",
        headers=sam,
        json={"principal": f"user:{vic_id}", "role": "viewer"},
    )
    assert shared.status_code == 200, shared.text
    css(bob, "#signout").click()
    sign_in(bob, base, email=VIC)
    bob.get(f"{base}/app/#/writer/{file_id}")
    css(bob, '#view-writer-editor[data-ready="1"] #read-only')
    until(bob, lambda d: "Revenue" in editor_text(d), "the document read by the viewer")
    assert css(bob, ".ProseMirror").get_attribute("contenteditable") == "false"
    assert not bob.find_elements(By.ID, "writer-bold")

    # The editor wrote the structure Writer's exports read: a heading, then the paragraph.
    markdown = api.get(f"/api/v1/writer/documents/{file_id}/export?format=md", headers=sam)
    assert markdown.status_code == 200, markdown.text
    assert "# Minutes of the board" in markdown.text
    assert "Ann was here. Bob too." in markdown.text
    assert "| Quarter | Revenue |" in markdown.text

    # Sheets: formulas show the server's values, recalculated when an input changes.
    workbook = made(api, "/api/v1/sheets/workbooks", sam, {"name": "Budget"})
    ann.get(f"{base}/app/#/sheets/{workbook['id']}")
    css(ann, '#view-sheets-editor[data-ready="1"] #sheet-grid')
    type_in_cell(ann, "A1", "2")
    type_in_cell(ann, "A2", "3")
    type_in_cell(ann, "A3", "=A1+A2")
    until(ann, lambda d: cell_text(d, "A3") == "5", "the server's value of =A1+A2")
    type_in_cell(ann, "A1", "10")
    until(ann, lambda d: cell_text(d, "A3") == "13", "A3 recalculated after A1 changed")
    css(ann, 'td[data-ref="A3"]').click()
    css(ann, "#sheet-bold").click()
    until(ann, lambda d: "bold" in css(d, 'td[data-ref="A3"]').get_attribute("class"))
    css(ann, "#sheet-add").click()
    css(ann, '.sheet-tabs [data-sheet="Sheet2"][aria-selected="true"]')
    views.check("sheets")
    # The browser sends its edits as they happen; the read waits (bounded) for the last.
    read = until(
        ann,
        lambda _: stored(api, f"/api/v1/sheets/workbooks/{workbook['id']}", sam, "sheets", 2),
        "the second sheet stored",
    )
    a3 = read["sheets"][0]["cells"]["A3"]
    assert (a3["formula"], a3["value"], a3["format"]["bold"]) == ("=A1+A2", 13, True)
    assert [sheet["name"] for sheet in read["sheets"]] == ["Sheet1", "Sheet2"]

    # Slides: a text box and notes on the first slide; present mode shows it full screen.
    deck = made(api, "/api/v1/slides/decks", sam, {"name": "Review", "slides": 2})
    ann.get(f"{base}/app/#/slides/{deck['id']}")
    css(ann, '#view-slides-editor[data-ready="1"] #slide-stage')
    css(ann, "#slide-text").click()
    css(ann, "#slide-stage textarea").send_keys("Q4 review")
    css(ann, "#slide-notes").send_keys("Thank everyone")
    css(ann, "#slide-shape-add").click()
    css(ann, "#slide-stage .slide-element.shape")
    views.check("slides")
    css(ann, "#slide-present").click()
    until(ann, lambda d: "Q4 review" in css(d, "#present").text, "the slide presented")
    # It fills the screen (one side, at the deck's proportions), not the editor's column.
    fills = ann.execute_script(
        "const box = document.querySelector('#present .slide-canvas').getBoundingClientRect();"
        "return [box.width >= innerWidth - 1 || box.height >= innerHeight - 1,"
        " document.fullscreenElement && document.fullscreenElement.id];"
    )
    assert fills[0], fills
    screenshot(ann, shots, "slides-present")
    ann.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(ann, lambda d: not d.find_elements(By.ID, "present"), "present mode closed")
    path = f"/api/v1/slides/decks/{deck['id']}"
    read = until(ann, lambda _: stored(api, path, sam, "slides", 2, of="elements"), "elements")
    first = read["slides"][0]
    assert [e["text"] for e in first["elements"] if e["type"] == "text"] == ["Q4 review"]
    assert [e["shape"] for e in first["elements"] if e["type"] == "shape"] == ["rectangle"], first
    assert first["notes"] == "Thank everyone"

    assert page_errors(ann) == []
    assert page_errors(bob) == []
    assert not views.violations, "\n".join(views.violations)
    if views.axe is None:
        pytest.skip(
            f"every step passed but axe-core was not checked: no {AXE} (.ci/run installs it)"
        )
