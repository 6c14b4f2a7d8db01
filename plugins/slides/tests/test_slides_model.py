"""The deck Doc, PPTX in and out, PDF; LibreOffice opens what we export."""

from __future__ import annotations

from io import BytesIO

import pypdfium2 as pdfium
import pytest
from nexus_slides._model import (
    ElementView,
    add_element,
    add_slide,
    deck_size,
    decode_doc,
    encode_state,
    new_deck,
    read_deck,
)
from nexus_slides._pdf import export_pdf
from nexus_slides._pptx import export_pptx, import_pptx, pptx_images
from pptx import Presentation
from slides_office import png, soffice_to_pdf

IMAGE_ID = "0193a2b4-0000-7000-8000-00000000000a"


def deck():
    doc = new_deck()
    first = add_slide(doc, slide_id="s1", layout="title", notes="Welcome everyone")
    add_element(
        doc,
        first,
        ElementView(id="e1", type="text", x=40, y=30, w=880, h=80, text="Q4 review", font_size=36),
    )
    add_element(
        doc,
        first,
        ElementView(
            id="e2", type="shape", x=60, y=200, w=200, h=120, shape="ellipse", fill="1F77B4",
            text="Growth",
        ),
    )  # fmt: skip
    second = add_slide(doc, slide_id="s2", layout="title_content", notes="Point at the chart")
    add_element(
        doc,
        second,
        ElementView(id="e1", type="image", x=100, y=100, w=320, h=240, image=IMAGE_ID,
                    image_key="slides/images/abc"),
    )  # fmt: skip
    add_element(
        doc,
        second,
        ElementView(id="e2", type="shape", x=500, y=100, w=100, h=100, shape="star", fill="FFCC00"),
    )
    return doc


def test_the_deck_keeps_slides_elements_and_notes_in_order():
    doc = decode_doc(encode_state(deck()))
    slides = read_deck(doc)
    assert [(s.id, s.layout, s.notes) for s in slides] == [
        ("s1", "title", "Welcome everyone"),
        ("s2", "title_content", "Point at the chart"),
    ]
    assert slides[0].elements[1] == ElementView(
        id="e2", type="shape", x=60, y=200, w=200, h=120, shape="ellipse", fill="1F77B4",
        text="Growth",
    )  # fmt: skip
    assert deck_size(doc) == (960, 540)


@pytest.mark.parametrize(
    ("element", "message"),
    [
        (ElementView(id="e", type="video", x=0, y=0, w=1, h=1), "one of text"),
        (ElementView(id="e", type="shape", x=0, y=0, w=1, h=1, shape="cloud"), "a shape is"),
        (ElementView(id="e", type="text", x=0, y=0, w=0, h=1), "positive"),
        (ElementView(id="e", type="shape", x=0, y=0, w=1, h=1, shape="star", fill="red"), "colour"),
        (ElementView(id="e", type="image", x=0, y=0, w=1, h=1), "Drive file"),
    ],
    ids=["type", "shape", "size", "fill", "image-without-file"],
)
def test_bad_elements_are_refused(element, message):
    doc = new_deck()
    add_slide(doc, slide_id="s1")
    with pytest.raises(ValueError, match=message):
        add_element(doc, 0, element)


def test_pptx_export_has_text_boxes_pictures_shapes_and_notes():
    data = export_pptx(deck(), images={IMAGE_ID: png()})
    prs = Presentation(BytesIO(data))
    first, second = prs.slides
    assert [shape.text_frame.text for shape in first.shapes] == ["Q4 review", "Growth"]
    assert first.notes_slide.notes_text_frame.text == "Welcome everyone"
    assert first.slide_layout.name == "Title Slide"
    assert not list(first.placeholders)  # the layout's empty placeholders are removed
    assert [type(shape).__name__ for shape in second.shapes] == ["Picture", "Shape"]
    assert second.shapes[0].image.blob == png()
    assert prs.slide_width == 960 * 12700


def test_a_pptx_round_trip_gives_the_deck_back():
    original = deck()
    data = export_pptx(original, images={IMAGE_ID: png()})
    [image] = pptx_images(data)
    assert image.blob == png() and image.content_type == "image/png"
    back = new_deck(width=1, height=1)
    import_pptx(data, back, images={image.digest: (IMAGE_ID, "slides/images/abc")})
    assert deck_size(back) == (960, 540)
    assert read_deck(back) == read_deck(original)


def test_a_picture_the_caller_did_not_store_is_left_out():
    data = export_pptx(deck(), images={IMAGE_ID: png()})
    back = new_deck()
    import_pptx(data, back, images={})
    assert [e.type for e in read_deck(back)[1].elements] == ["shape"]


def test_a_file_that_is_not_pptx_is_refused():
    with pytest.raises(ValueError, match="not a PPTX"):
        pptx_images(b"not a zip")


def test_the_pdf_has_a_page_per_slide_of_the_deck_size():
    pdf = export_pdf(deck(), images={IMAGE_ID: png()}, title="Q4")
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 2
    assert [tuple(round(v) for v in page.get_size()) for page in document] == [(960, 540)] * 2
    assert "Q4 review" in document[0].get_textpage().get_text_range()


def test_libreoffice_converts_the_exported_pptx_to_pdf(tmp_path):
    source = tmp_path / "deck.pptx"
    source.write_bytes(export_pptx(deck(), images={IMAGE_ID: png()}))
    assert soffice_to_pdf(source).read_bytes().startswith(b"%PDF-")
