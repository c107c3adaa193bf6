"""Near-duplicate detection: exported copies and syndicated stories found, distinct stories not."""
from __future__ import annotations

from factbook.sources import read_path
from factbook.sources.dedup import (THRESHOLD, NearDuplicateIndex, Signature, figures, signature,
                                    similarity)


def _text(fixtures, *parts):
    return read_path(fixtures.joinpath(*parts))[0].text


def test_ten_exports_and_the_eml_are_one_source(fixtures):
    index = NearDuplicateIndex()
    eml = read_path(fixtures / "email" / "pilot_confirmation.eml")[0]
    index.add(eml.path, eml.text)
    found = {}
    for doc in read_path(fixtures / "email" / "ten_exports.mbox"):
        found[doc.path] = index.find(doc.text)
        if found[doc.path] is None:
            index.add(doc.path, doc.text)
    duplicates = [path for path, key in found.items() if key == eml.path]
    assert len(duplicates) == 10
    assert len(index) == 3  # the .eml, the original question, the crew e-mail


def test_syndicated_story_is_found(fixtures):
    wire = _text(fixtures, "wire", "story_a_wirestream.txt")
    syndicated = _text(fixtures, "wire", "story_a_syndicated.txt")
    index = NearDuplicateIndex()
    index.add("wire-a", wire)
    assert index.find(syndicated) == "wire-a"
    assert similarity(signature(wire), signature(syndicated)) >= THRESHOLD


def test_two_stories_from_the_same_wire_are_not(fixtures):
    index = NearDuplicateIndex()
    index.add("wire-a", _text(fixtures, "wire", "story_a_wirestream.txt"))
    assert index.find(_text(fixtures, "wire", "story_b_wirestream.txt")) is None


def test_templated_report_with_other_figures_is_not_a_duplicate():
    template = ("Harbor Clearing House reported a cash surplus of about {} units in the overnight "
                "pool this morning. Settlement flows from the morning auction will add roughly {} "
                "units, and early repayments by member firms are expected to remove another {} "
                "units before the afternoon window closes.")
    index = NearDuplicateIndex()
    index.add("monday", template.format(800, 450, 350))
    assert similarity(signature(template.format(800, 450, 350)),
                      signature(template.format(350, 600, 150))) > 0.3
    assert index.find(template.format(350, 600, 150)) is None
    assert index.find(template.format(800, 450, 350)) == "monday"


def test_signature_round_trips_through_bytes(fixtures):
    text = _text(fixtures, "wire", "story_a_wirestream.txt")
    sig = signature(text)
    restored = Signature.from_bytes(sig.to_bytes())
    assert restored.figures == sig.figures
    assert similarity(sig, restored) == 1.0
    rebuilt = NearDuplicateIndex()
    rebuilt.add_signature("stored", sig.to_bytes())
    assert rebuilt.find(_text(fixtures, "wire", "story_a_syndicated.txt")) == "stored"


def test_figures_and_empty_text():
    assert figures("Revenue of $1,450 rose 3.1% to two billion dlrs in 2024, up 12") == \
        frozenset({"1450", "3.1%", "two billion"})
    assert NearDuplicateIndex().find("   ") is None
