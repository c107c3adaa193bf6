"""Issue 13: every Key Facts line says what its source says (invented documents).

- a line keeps its sentence's words; what factbook resolved is a link over them;
- questions, greetings, first/second-person talk, timestamps and speaker labels are not facts;
- a second source is cited only when it states the same values; other values are an
  update (newer supersedes, older to History) or a conflict (same age);
- bullets of a note about one entity are facts about it (issue 14 item 3).
"""
from __future__ import annotations

import re
from pathlib import Path

from factbook.cli import init_vault
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store

CAPWORD = re.compile(r"\b[A-Z][A-Za-z0-9'’&-]{2,}")
LINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")


def build(tmp_path: Path, files: dict[str, str]) -> Path:
    inbox, root = tmp_path / "inbox", tmp_path / "vault"
    inbox.mkdir()
    for name, text in files.items():
        (inbox / name).write_text(text, encoding="utf-8")
    layout = init_vault(root)
    store = open_store(layout.state_dir)
    try:
        ingest([inbox], layout, store, OfflineExtractor())
    finally:
        store.close()
    return root


def section(note: str, heading: str) -> list[str]:
    out, inside = [], False
    for line in note.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == heading
        elif inside and line.startswith("- "):
            out.append(line[2:])
    return out


def note(root: Path, name: str) -> str:
    found = [p for p in root.rglob(f"{name}.md") if "Sources" not in p.parts]
    assert found, f"no note for {name}: {[p.name for p in root.rglob('*.md')]}"
    return found[0].read_text(encoding="utf-8")


def own_words(line: str) -> str:
    """A fact line as a reader sees its claim: links as their words, citations dropped."""
    line = re.sub(r"\s\(\[\[.*$", "", line)
    return LINK.sub(lambda m: m.group(2) or m.group(1), line)


KESTREL = """Kestrel Cold Storage expands in Ohio
March 3, 2026

Kestrel Cold Storage Inc said revenue rose 12 pct to $40 million in 2025. The company
plans to open 3 new warehouses in Ohio by June 2026.

Marlowe Freight Systems (MFS) signed a supply agreement with Kestrel Cold Storage Inc.
MFS will add 40 refrigerated trucks to the Kestrel fleet this year.
"""


def test_a_resolved_reference_is_a_link_over_the_sources_words(tmp_path):
    root = build(tmp_path, {"kestrel.txt": KESTREL})
    facts = section(note(root, "Kestrel Cold Storage"), "Key Facts")
    assert any("|The company]] plans to open 3 new warehouses" in f for f in facts), facts
    mfs = section(note(root, "Marlowe Freight Systems"), "Key Facts")
    assert any("[[Marlowe Freight Systems|MFS]] will add 40 refrigerated trucks" in f for f in mfs), mfs
    source = " ".join(KESTREL.split())
    for line in facts + mfs:
        shown = LINK.sub(" ", re.sub(r"\s\^[\w-]+$", "", line))  # links aside: the source's words
        foreign = [w for w in CAPWORD.findall(shown) if w not in source]
        assert not foreign, f"words the source does not have: {foreign} in {line}"


TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dana Whitlock>Good morning, everyone. How was the weekend?

00:00:05.000 --> 00:00:09.000
<v Omar Reyes>Great, thanks. We should probably get going, right?

00:00:10.000 --> 00:00:16.000
<v Omar Reyes>Brantley Foods Inc runs 14 distribution centers and its contract renews on March 31, 2027.

00:00:17.000 --> 00:00:22.000
<v Dana Whitlock>I think we can send you the figures by Friday.

00:00:23.000 --> 00:00:28.000
<v Omar Reyes>Did Brantley Foods sign the $250,000 order yet?
"""


def test_talk_is_not_a_fact_but_a_stated_fact_in_a_conversation_is(tmp_path):
    root = build(tmp_path, {"call.vtt": TRANSCRIPT})
    facts = section(note(root, "Brantley Foods"), "Key Facts")
    assert any(own_words(f).startswith("Brantley Foods Inc runs 14 distribution centers") for f in facts), facts
    for line in facts:
        words = own_words(line)
        assert "?" not in words and not re.search(r"\b(?:I|we|you|our)\b", words, re.I), line
        assert not re.search(r"\d{1,2}:\d{2}", words) and not re.match(r"[A-Z]\w+ [A-Z]\w+:", words), line


FIRST = """Pelican Analytics update
May 4, 2026

Pelican Analytics Inc employs 1,200 people across 9 offices.
"""
SECOND = """Pelican Analytics trims staff
June 9, 2026

Pelican Analytics Inc employs 1,150 people across 9 offices after the reorganisation.
"""
SAME_VALUES = """Pelican Analytics profile
May 20, 2026

Pelican Analytics Inc employs 1,200 people across 9 offices, a spokesperson said.
"""
SAME_DAY = """Union questions figures
June 9, 2026

The Northfield clerical union published its own count on Tuesday and asked members to
attend a meeting in Leeds. By the union's count, Pelican Analytics Inc employs 1,300
people across 9 offices. The union represents staff at several logistics firms.
"""


def test_a_citation_means_the_same_values_and_a_new_figure_supersedes_the_old(tmp_path):
    root = build(tmp_path, {"a.txt": FIRST, "b.txt": SECOND, "c.txt": SAME_VALUES})
    text = note(root, "Pelican Analytics")
    facts, history = section(text, "Key Facts"), section(text, "History")
    current = [f for f in facts if "1,150" in f]
    assert len(current) == 1 and current[0].count("[[") == 1, facts  # one source states 1,150
    assert not any("1,200" in f for f in facts), facts
    old = [h for h in history if "1,200" in h]
    assert len(old) == 1 and old[0].startswith("2026-05"), history
    assert len(re.findall(r"\[\[2026-05", old[0])) == 2, old  # both sources that state 1,200


def test_other_figures_from_a_source_of_the_same_age_are_a_conflict(tmp_path):
    root = build(tmp_path, {"b.txt": SECOND, "d.txt": SAME_DAY})
    text = note(root, "Pelican Analytics")
    facts = section(text, "Key Facts")
    assert any(f.startswith("⚠") and "1,150" in f for f in facts), facts
    assert any(f.startswith("⚠") and "1,300" in f for f in facts), facts
    assert "needs-review" in text.split("\n---", 1)[0]


ACCOUNT_NOTE = """---
customers: "[[Contoso Freight]]"
date: 2026-04-14
---
# Discovery notes

- The entire data lake is ~500PiB and grows 20% a year.
- Budget for the migration is $1.2M, approved in March 2026.
- Thanks all, great session!
"""
ONE_ON_ONE = """# 1:1 — Priya Raman — 2026-04-15

- Moving to the Lisbon office on 1 June 2026.
- Owns the 2027 renewal of 3 regional contracts.
"""


def test_bullets_without_a_subject_belong_to_the_notes_entity(tmp_path):
    root = build(tmp_path, {"contoso.md": ACCOUNT_NOTE, "1-1 priya.md": ONE_ON_ONE})
    contoso = section(note(root, "Contoso Freight"), "Key Facts")
    assert any("500PiB" in f for f in contoso) and any("$1.2M" in f for f in contoso), contoso
    assert not any("Thanks" in f for f in contoso)
    priya = section(note(root, "Priya Raman"), "Key Facts")
    assert any("3 regional contracts" in f for f in priya), priya


PIPELINE = """# Pipeline review — 2026-04-06

| Account | Stage | Amount | Close |
|---|---|---|---|
| Harlow Bakeries Ltd | 2 – Discovery | $90k ARR | ~~May 15~~ Jun 30 |

## Notes
- Harlow Bakeries: pilot order form sent to procurement on April 3.
- The pilot at Harlow Bakeries Ltd covers 2 plants.
"""


def test_a_table_rows_cells_are_one_line_each_in_the_tables_words(tmp_path):
    root = build(tmp_path, {"pipeline.md": PIPELINE})
    facts = [own_words(f) for f in section(note(root, "Harlow Bakeries"), "Key Facts")]
    for cell in ("stage: 2 – Discovery", "amount: $90k ARR", "close: Jun 30"):
        assert sum(cell in f for f in facts) == 1, (cell, facts)
    assert not any("Discovery; amount" in f for f in facts), facts  # different things: apart
    assert not any("May 15" in f for f in facts)  # struck out in the table
    # The label is the subject: cut from the line, which sits on the account's note.
    assert "Pilot order form sent to procurement on April 3." in facts, facts
    assert not any(re.match(r"Harlow Bakeries:", f) for f in facts), facts


LATER_PIPELINE = """# Pipeline review — 2026-05-04

| Account | Stage | Amount | Close |
|---|---|---|---|
| Harlow Bakeries Ltd | 3 – Proposal | $120k ARR | Jul 31 |
"""


def test_a_newer_tables_row_updates_the_older_which_keeps_its_documents_date(tmp_path):
    root = build(tmp_path, {"pipeline.md": PIPELINE, "later.md": LATER_PIPELINE})
    text = note(root, "Harlow Bakeries")
    facts, history = section(text, "Key Facts"), section(text, "History")
    assert any("stage: 3 – Proposal" in f for f in facts), facts
    assert any(h.startswith("2026-04-06: ") and "stage: 2 – Discovery" in h for h in history), history


SAME_AMOUNT_PIPELINE = """# Pipeline review — 2026-05-11

| Account | Stage | Amount | Close |
|---|---|---|---|
| Harlow Bakeries Ltd | 4 – Negotiation | $90k ARR | Jun 30 |
"""


def test_a_later_tables_same_amount_cites_the_earlier_and_its_new_stage_updates(tmp_path):
    root = build(tmp_path, {"pipeline.md": PIPELINE, "later.md": SAME_AMOUNT_PIPELINE})
    text = note(root, "Harlow Bakeries")
    facts, history = section(text, "Key Facts"), section(text, "History")
    amount = [f for f in facts if "$90k ARR" in f]
    assert len(amount) == 1 and amount[0].count("[[") >= 2, facts  # one line, two sources
    assert any("stage: 4 – Negotiation" in f for f in facts), facts
    assert any("stage: 2 – Discovery" in h for h in history), history


CALL_NOTES = """Call w/ Mira Holt + Teo Brandt (Verlund Shipping GmbH) - 03.03.2026, 15:00 CET

- tried Harrowgate Systems' planner at Linz in 2024, dropped it after 3 months
- must-haves: EU hosting, German UI, interface to their ERP
- budget: nothing before the Q3 planning round.
- Teo: send the ERP interface spec
"""


def test_a_headingless_call_notes_bullets_are_about_the_organization_its_first_line_names(tmp_path):
    root = build(tmp_path, {"verlund call.txt": CALL_NOTES})
    facts = [own_words(f) for f in section(note(root, "Verlund Shipping"), "Key Facts")]
    # A bullet that opens without a subject is the account's, even when it names another.
    assert any(f.startswith("tried Harrowgate") or f.startswith("Tried Harrowgate") for f in facts), facts
    # A requirement is a fact without a figure; the note's lower-case label stays as written.
    assert any(f.startswith("must-haves: EU hosting") for f in facts), facts
    assert any(f.startswith("budget: nothing before") for f in facts), facts
    # A to-do is a task, not a fact.
    assert not any("interface spec" in f for f in facts), facts


# A customer's "we"/"our" is a statement about the customer's organization: the words stay
# the source's, "our" becomes a link over them; the seller's own "we" stays talk.
CUSTOMER_MAIL = """From: Lena Park <lena.park@brightwater-foods.example>
To: Ada Stone <ada@sellerco.example>
Subject: Fleet numbers for the quote
Date: Tue, 3 Mar 2026 10:00:00 +0000

Hi Ada,

Our fleet is 42 refrigerated trucks across our three depots.
Average dwell at our main depot is three point two hours.
I can send the route list later if you need it?

Best,
Lena Park
Head of Logistics | Brightwater Foods
"""

OWN_MAIL = """From: Ada Stone <ada@sellerco.example>
To: Lena Park <lena.park@brightwater-foods.example>
Subject: Re: Fleet numbers for the quote
Date: Wed, 4 Mar 2026 09:00:00 +0000

Hi Lena,

We can price 42 trucks at $310 per truck per month for Brightwater Foods.

Ada Stone
Account Executive | SellerCo
"""


def test_a_customers_our_is_a_fact_about_their_organization_in_the_sources_words(tmp_path):
    root = build(tmp_path, {"fleet.eml": CUSTOMER_MAIL})
    text = note(root, "Brightwater Foods")
    facts = section(text, "Key Facts")
    line = next((f for f in facts if "42 refrigerated trucks" in f), None)
    assert line is not None, facts
    assert line.startswith("[[Brightwater Foods|Our]] fleet is 42"), line  # a link over "Our"
    assert own_words(line).startswith("Our fleet is 42 refrigerated trucks across our three depots"), line
    assert not any("route list" in f for f in facts), facts  # "I" and a question: talk
    # A figure said in words is a figure.
    assert any(own_words(f).startswith("Average dwell at our main depot is three point two hours")
               for f in facts), facts


def test_the_owners_side_saying_we_stays_talk_and_an_unknown_speakers_we_waits():
    from factbook.extract.voice import speak_for_orgs
    from factbook.models import EntityKind, Extraction, Fact, Mention
    from factbook.persona import Persona

    me = Persona(name="Ada Stone", company="SellerCo")
    mentions = [Mention("Brightwater Foods", EntityKind.ORGANIZATION),
                Mention("Lena Park", EntityKind.PERSON, org="Brightwater Foods"),
                Mention("Tom Reyes", EntityKind.PERSON, org="SellerCo"),
                Mention("Ola Berg", EntityKind.PERSON)]
    facts = [Fact("We can price 42 trucks for Brightwater Foods.", ["Brightwater Foods"], voice="Tom"),
             Fact("Our fleet is 42 trucks.", [], voice="Lena Park"),
             Fact("Our yard has 12 doors.", [], voice="Ola Berg")]
    out = speak_for_orgs(Extraction(mentions=mentions, facts=facts), me, keep_unknown=True).facts
    assert [f.subjects for f in out] == [["Brightwater Foods"], ["Ola Berg"]], out
    assert out[0].voice is None and out[1].voice == "Ola Berg"  # the vault may know Ola's company
    assert not any("price" in f.text for f in out)
