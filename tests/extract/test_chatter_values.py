"""Issue 13 rules on single sentences: what is talk, what values a claim states, and
when two claims are one (a citation), an update/conflict, or unrelated."""
from __future__ import annotations

import pytest

from factbook.extract.chatter import cut_debris, talk_kind
from factbook.extract.figures import values
from factbook.extract.subject import note_subject
from factbook.extract.topics import topics
from factbook.extract.text import layout
from factbook.extract.wording import linked, mark, plain
from factbook.models import Document, DocumentKind, EntityKind, Mention
from factbook.resolve.facts import Claim, about_the_past, same_claim, same_matter


@pytest.mark.parametrize("text,kind", [
    ("Did Fenwick sign the order form yet?", "question"),
    ("We're one of two finalists.", "person"),
    ("I'll send you the deck by Friday.", "person"),
    ("Thanks, everyone!", "greeting"),
    ("Speaker 2 said the budget is fixed.", "speaker"),
    ("From: Lena Ortiz <lena@example.com>", "header"),
    ("The onsite starts at 13:00 in Tacoma.", "clock"),
    ("Fenwick Mills runs 14 plants in Oregon.", None),
    ("Fenwick Mills ships to 9 US states.", None),
    ("Fenwick Mills told us the plant is closing.", "person"),
])
def test_talk_is_told_from_statements(text, kind):
    assert talk_kind(text) == kind


def test_reported_speech_in_a_story_is_not_chatter_but_in_a_conversation_it_is():
    quote = "Fenwick Mills will spend $40 million, its chief said: “We are committed.”"
    assert talk_kind(quote, reported=True) is None
    assert talk_kind(quote) == "person"


def test_debris_before_the_words_is_cut_and_nothing_else():
    assert cut_debris("[00:01:12] Lena Ortiz: Fenwick runs 14 plants.", ("Lena Ortiz",)) == \
        "Fenwick runs 14 plants."
    assert cut_debris("Fenwick: runs 14 plants.", ("Lena Ortiz",)) == "Fenwick: runs 14 plants."


def test_values_are_normalized_and_counts_keep_what_they_count():
    assert values("Fenwick has twelve DCs and 2,300 employees") == \
        {"count:dcs:12", "count:employee:2300"}
    assert values("Due Oct 9, 2026 at 5:00 PM") == {"day:10-09", "year:2026"}
    assert values("revenue of $410 million in 2025") == {"usd:410000000", "year:2025"}
    assert values("one of two finalists") == {"count:finalist:2"}


def test_a_citation_needs_the_same_values():
    a, b = Claim("Fenwick Mills employs 1,200 people."), Claim("Fenwick Mills employs 1,200 people in total.")
    assert same_claim(a, b)
    c = Claim("Fenwick Mills employs 1,150 people in total.")
    assert not same_claim(a, c) and same_matter(a, c)
    # A year one source leaves out does not make the values differ; another year does.
    usd = frozenset({"usd:80000000000"})
    assert same_claim(Claim("Fenwick will spend $80 billion in fiscal 2025.", usd),
                      Claim("Fenwick will spend $80 billion, its chief said.", usd))
    assert not same_claim(Claim("Fenwick will spend $80 billion in fiscal 2025.", usd),
                          Claim("Fenwick will spend $80 billion in fiscal 2026.", usd))


def test_other_values_of_another_thing_are_not_an_update():
    assert not same_matter(Claim("Fenwick Mills employs 1,200 people."),
                           Claim("Fenwick Mills opened a $40 million plant in Salem."))
    assert not same_matter(Claim("Fenwick has 12 sites and 9 offices."),
                           Claim("Fenwick has 12 sites and 9 offices and a museum."))


def test_two_accounts_of_one_past_year_disagree_rather_than_update():
    a = Claim("Fenwick Mills reported revenue of $410 million in 2025.")
    b = Claim("Fenwick Mills reported revenue of $390 million in 2025.")
    assert same_matter(a, b) and about_the_past(a, b)
    assert not about_the_past(a, Claim("Fenwick Mills expects revenue of $450 million in 2026."))


def test_a_mark_becomes_a_link_over_the_sources_words_and_document_links_stay_words():
    text = mark("Fenwick Mills Inc", "The company") + " bought [[Notes/secret|a plant]] in Salem."
    assert plain(text) == "The company bought [[Notes/secret|a plant]] in Salem."
    out = linked(text, {"Fenwick Mills Inc": "Fenwick Mills"}.get)
    assert out == "[[Fenwick Mills|The company]] bought a plant in Salem."
    assert linked(mark("Unknown Co", "it"), {}.get) == "it"


def _doc(text: str, **front) -> Document:
    return Document(path="n.md", sha256="x", kind=DocumentKind.ARTICLE, title="Notes", text=text,
                    front_matter=front)


def test_a_notes_subject_comes_from_front_matter_a_title_link_or_a_one_on_one_heading():
    assert note_subject(_doc("- 500PiB", customers="[[Fenwick Mills]]"), []).name == "Fenwick Mills"
    assert note_subject(_doc("- x", entities=["[[A]]", "[[B]]"]), []) is None  # not about one
    known = [Mention("Lena Ortiz", EntityKind.PERSON)]
    assert note_subject(_doc("# 1:1 — Lena — 2026-03-02\n\n- x"), known) is known[0]
    found = note_subject(_doc("# Call with [[Fenwick Mills]]\n\n- x"), [])
    assert found.name == "Fenwick Mills"


def test_topics_leave_out_filler_and_talk():
    page = layout("Hi all, something like that. We've got it, sounds good.\n\n"
                  "Dock scheduling is the main requirement. Yard visibility is the main requirement too.")
    found = topics(page, [])
    assert "main requirement" in found and not {"something", "ve got", "sounds good"} & set(found)
    assert topics(layout("Thanks everyone, great session!"), []) == []
