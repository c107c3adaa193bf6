"""E-mail readers: .eml, .mbox and exported threads."""
from __future__ import annotations

from datetime import date

from factbook.models import DocumentKind
from factbook.sources import read_path
from factbook.sources.email import split_mbox
from factbook.sources.mailtext import new_text


def test_eml_multipart_prefers_plain_text(fixtures):
    [doc] = read_path(fixtures / "email" / "pilot_confirmation.eml")
    assert doc.kind is DocumentKind.EMAIL
    assert "(HTML version)" not in doc.text
    assert "two extra racks in the Malmö warehouse" in doc.text  # quoted-printable decoded


def test_eml_quoted_reply_and_signature_removed(fixtures):
    [doc] = read_path(fixtures / "email" / "pilot_confirmation.eml")
    assert "can you confirm the start date" not in doc.text
    assert "wrote:" not in doc.text
    assert "Best regards" not in doc.text
    assert "+46 70" not in doc.text
    assert doc.text.startswith("Hi Dana,")
    assert doc.text.endswith("I'll send the signed order form by Friday.")


def test_eml_headers(fixtures):
    [doc] = read_path(fixtures / "email" / "pilot_confirmation.eml")
    assert doc.title == "Lumenfield pilot start date"
    assert doc.date == date(2025, 2, 12)
    assert doc.authors == ("Tomas Berg",)
    assert doc.participants == ("Tomas Berg", "Dana Whitlow", "Priya Raman")
    assert doc.meta["message_id"] == "reply-7731@brightwater.example"
    assert doc.meta["in_reply_to"] == "ask-5120@orchardiq.example"
    assert doc.meta["thread_id"] == "ask-5120@orchardiq.example"


def test_html_only_message_is_turned_into_text(fixtures):
    [doc] = read_path(fixtures / "email" / "html_only.eml")
    assert "1,800 pallets per week" in doc.text
    assert "<p>" not in doc.text and "color" not in doc.text
    assert doc.title == "Q2 volumes"
    assert doc.meta["thread_id"] == doc.meta["message_id"] == "q2-volumes-88@harborline.example"


def test_mbox_yields_one_document_per_message(fixtures):
    docs = read_path(fixtures / "email" / "ten_exports.mbox")
    assert len(docs) == 12
    assert [d.path.rsplit("#", 1)[1] for d in docs] == [str(n) for n in range(1, 13)]
    assert len({d.sha256 for d in docs}) == 12  # each message hashed on its own bytes
    replies = [d for d in docs if d.meta["message_id"] == "reply-7731@brightwater.example"]
    assert len(replies) == 10
    assert {d.meta["thread_id"] for d in docs} >= {"ask-5120@orchardiq.example"}
    first = docs[0]
    assert first.authors == ("Dana Whitlow",) and first.title == "Lumenfield pilot start date"


def test_mbox_from_quoting_and_separator(tmp_path):
    raw = (b"From a@x Mon Jan  1 00:00:00 2024\nFrom: A <a@x.example>\nSubject: One\n\n"
           b"Body one.\n>From here on we agreed.\n\n"
           b"From b@x Mon Jan  1 00:00:00 2024\nFrom: B <b@x.example>\nSubject: Two\n\nBody two.\n")
    parts = split_mbox(raw)
    assert len(parts) == 2
    assert b"\nFrom here on we agreed." in parts[0]


def test_new_text_keeps_a_sentence_starting_with_thanks():
    body = "Hi,\n\nThanks, the crew starts Monday.\n\nBest regards,\nOwen Marsh\nKestrel Bank\n"
    assert new_text(body) == "Hi,\n\nThanks, the crew starts Monday."


def test_thread_export(fixtures):
    [doc] = read_path(fixtures / "email" / "thread_export.txt")
    assert doc.kind is DocumentKind.EMAIL
    assert doc.title == "Rack order for the Lumenfield pilot"
    assert doc.date == date(2025, 3, 6)
    assert doc.authors == ("Tomas Berg", "Dana Whitlow")  # oldest message first
    assert set(doc.participants) == {"Dana Whitlow", "Tomas Berg", "Priya Raman"}
    assert doc.text.index("rack order is ready") < doc.text.index("split the rack cost")
    assert "**From:** Dana Whitlow — 2025-03-06" in doc.text
    assert "OrchardIQ" not in doc.text and "Best regards" not in doc.text
    assert "Sent:" not in doc.text and "Subject:" not in doc.text


def test_thread_export_quoted_history_kept_once(tmp_path):
    path = tmp_path / "thread.md"
    path.write_text(
        "**From:** Owen Marsh <owen@kestrel.example>\n**Sent:** Monday, April 7, 2025 10:00 AM\n"
        "**To:** Ruth Okafor <ruth@wirestream.example>\n**Subject:** RE: Credit line\n\n"
        "Approved on our side.\n\n"
        "**From:** Ruth Okafor <ruth@wirestream.example>\n**Sent:** Friday, April 4, 2025 3:00 PM\n"
        "**To:** Owen Marsh <owen@kestrel.example>\n**Subject:** Credit line\n\n"
        "Can Kestrel Bank approve the $9 million line?\n\n"
        "**From:** Ruth Okafor <ruth@wirestream.example>\n**Sent:** Friday, April 4, 2025 3:00 PM\n"
        "**To:** Owen Marsh <owen@kestrel.example>\n**Subject:** Credit line\n\n"
        "Can Kestrel Bank approve the $9 million line?\n")
    [doc] = read_path(path)
    assert doc.text.count("approve the $9 million line") == 1
    assert doc.meta["messages"] == "3"
