"""Parsing without the server: bodies, addresses, subjects, ARF complaints."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from nexus_mail._dsn import read_report
from nexus_mail._parse import normal_subject, parse


def test_an_html_only_message_gets_a_plain_text_and_its_addresses_are_lower_cased() -> None:
    message = EmailMessage()
    message["From"] = '"Dr. Ada" <Ada@Example.COM>'
    message["To"] = "Bob <BOB@example.org>, carol@example.org"
    message["Cc"] = "dave@example.org"
    message["Subject"] = "=?utf-8?q?Caf=C3=A9?="
    message["References"] = "<a@x> <b@x>"
    message["In-Reply-To"] = "<b@x>"
    message.set_content("<p>Hello <b>there</b></p>", subtype="html")
    parsed = parse(bytes(message))
    assert (parsed.from_address, parsed.from_name) == ("ada@example.com", "Dr. Ada")
    assert parsed.to == ["bob@example.org", "carol@example.org"]
    assert parsed.cc == ["dave@example.org"]
    assert parsed.subject == "Café"
    assert parsed.text == "Hello there"
    assert (parsed.in_reply_to, parsed.references) == ("<b@x>", ["<a@x>", "<b@x>"])
    assert parsed.rfc_message_id is None


def test_reply_and_forward_prefixes_are_not_part_of_the_thread_subject() -> None:
    assert normal_subject("Re: RE: Fwd:  Quote  for chairs") == "quote for chairs"
    assert normal_subject("Quote") == "quote"


def test_an_arf_complaint_names_the_complaining_recipient() -> None:
    original = EmailMessage()
    original["From"] = "news@shop.example"
    original["To"] = "eve@isp.example"
    original["Message-ID"] = "<m1@shop.example>"
    original.set_content("Sale!")
    report = MIMEMultipart("report", report_type="feedback-report")
    report.attach(MIMEText("This is an abuse report."))
    fields = EmailMessage()
    fields["Feedback-Type"] = "abuse"
    fields["Original-Rcpt-To"] = "eve@isp.example"
    feedback = MIMEMessage(fields, "feedback-report")
    feedback.set_payload([fields])
    report.attach(feedback)
    report.attach(MIMEMessage(original))
    [found] = read_report(parse(report.as_bytes()).message)
    assert (found.kind, found.recipient, found.original_message_id) == (
        "complaint",
        "eve@isp.example",
        "<m1@shop.example>",
    )
    assert found.diagnostic == "abuse"
    assert read_report(original) == []
