"""Chunking, known-entity hints and the fenced user turn of the LLM prompt."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from factbook.extract.llm_prompt import (
    Chunk, build_messages, estimate_tokens, fence_id, known_in_text, split_chunks, user_message,
)
from factbook.models import Document, DocumentKind, EntityKind, KnownEntity


def test_short_text_is_one_chunk():
    assert split_chunks("One paragraph.", 1000, 100) == [Chunk(0, 1, 0, 14, "One paragraph.")]


def test_chunks_split_on_paragraphs_and_overlap():
    paragraphs = [f"Paragraph {i} " + "word " * 150 for i in range(10)]  # ~190 tokens each
    text = "\n\n".join(paragraphs)
    chunks = split_chunks(text, 600, 200)
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text == text[chunk.start:chunk.end]
        assert estimate_tokens(chunk.text) <= 600
        assert chunk.text.startswith("Paragraph") and chunk.text.rstrip().endswith("word")
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # the last paragraph is repeated
    assert chunks[-1].end == len(text)


def test_a_paragraph_longer_than_a_chunk_is_cut_at_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    chunks = split_chunks(text, 500, 0)
    assert len(chunks) > 1
    assert all(c.text.endswith(".") and estimate_tokens(c.text) <= 500 for c in chunks)


def test_text_without_any_break_is_cut_at_a_fixed_width():
    chunks = split_chunks("x" * 10_000, 500, 50)
    assert all(len(c.text) <= 2000 for c in chunks)
    assert "".join(c.text for c in chunks) == "x" * 10_000


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abc .\n", min_size=1, max_size=900), min_size=1, max_size=30),
       st.integers(min_value=0, max_value=125))
def test_chunks_are_slices_within_budget_covering_all_text(parts, overlap):
    text = "\n\n".join(parts)
    chunks = split_chunks(text, 500, overlap)
    assert all(c.text == text[c.start:c.end] for c in chunks)
    assert all(estimate_tokens(c.text) <= 500 for c in chunks)
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_known_entities_are_matched_by_name_or_alias_and_sorted():
    known = [KnownEntity(1, "Zeta Freight", EntityKind.ORGANIZATION),
             KnownEntity(2, "Alder Mining Corp", EntityKind.ORGANIZATION, ("AMC",)),
             KnownEntity(3, "Ida Quist", EntityKind.PERSON),
             KnownEntity(4, "Ore", EntityKind.PROJECT)]
    text = "AMC said zeta freight would carry the ore. Nobody asked Idaquist."
    assert [k.id for k in known_in_text(known, text)] == [2, 4, 1]
    # Acronyms match case: "amc" is not AMC.
    assert known_in_text(known, "the amc cinema") == []


def test_user_turn_fences_the_text_with_a_marker_derived_from_it():
    document = Document(path="a.txt", sha256="", kind=DocumentKind.EMAIL, title='Re: "plan"\nX',
                        text="Body", date=date(2024, 5, 2))
    known = [KnownEntity(1, "Alder Mining Corp", EntityKind.ORGANIZATION, ("AMC", "Alder"))]
    chunk = Chunk(1, 3, 0, 4, "Body")
    message = user_message(document, chunk, known)
    marker = fence_id("Body")
    assert message.splitlines() == [
        'Title: "Re: \\"plan\\"\\nX"', "Kind: email", "Document date: 2024-05-02",
        "Part 2 of 3 of the document.",
        "Known entities (use these names when the document refers to them):",
        "- Alder Mining Corp [organization] aka AMC; Alder",
        f"<<<DOCUMENT {marker}>>>", "Body", f"<<<END {marker}>>>",
    ]
    assert fence_id("Body") != fence_id("Body.")
    assert build_messages(document, chunk, known)[1]["content"] == message


def test_the_users_settings_reach_the_prompt_in_a_fixed_order():
    from factbook.extract.llm_prompt import guidance_lines
    from factbook.models import Context
    from factbook.persona import Persona
    from factbook.profiles import Profile

    context = Context(glossary={"SLA": "service level agreement", "QBR": "quarterly business review"},
                      persona=Persona(name="Dana Whitlow", company="OrchardIQ"),
                      profile=Profile(name="sales", keywords={"renewal": 3.0}))
    lines = guidance_lines(context, "We signed the SLA after the QBR.")
    assert lines[0].startswith("Reader: The notes belong to Dana Whitlow at OrchardIQ.")
    assert lines[1].startswith("Focus:") and "renewal" in lines[1]
    assert lines[2] == "Glossary: SLA = service level agreement; QBR = quarterly business review"
    assert guidance_lines(context, "We signed the SLA after the QBR.") == lines
    assert guidance_lines(Context(), "anything") == ()
