"""The offline extractor on invented text: names, publishers, places, deals, figures, claims."""
from __future__ import annotations

from datetime import date

from factbook.extract.figures import figures, referred_date
from factbook.extract.offline import OfflineExtractor
from factbook.extract.text import layout
from factbook.extract.wording import mark, plain
from factbook.models import Context, Document, DocumentKind, EntityKind, KnownEntity


def extract(text: str, when: date | None = date(2024, 5, 2), known=()):
    doc = Document(path="t.txt", sha256="x", kind=DocumentKind.ARTICLE, title="t", text=text,
                   date=when)
    return OfflineExtractor().extract(doc, Context(known=list(known)))


def names(result) -> dict[str, object]:
    return {m.name: m for m in result.mentions}


WIRE = """BLUEFIN <BLFN> TO BUY HARROWGATE FOODS
2024-05-02

Bluefin Marine Corp said it
agreed to acquire <Harrowgate Foods Ltd> for 83 mln dlrs in cash.
    Harrowgate, a maker of frozen snacks, had 1986 sales of 40 mln
dlrs, Bluefin said.
    The company said it expects to complete the purchase by June.
 REUTER
"""


def test_legal_suffixes_and_wire_markup_make_organizations():
    found = names(extract(WIRE))
    assert "Bluefin Marine Corp" in found and "Harrowgate Foods Ltd" in found
    assert found["Harrowgate Foods Ltd"].kind is EntityKind.ORGANIZATION


def test_short_forms_become_aliases_of_the_full_name():
    found = names(extract(WIRE))
    assert "Harrowgate" in found["Harrowgate Foods Ltd"].aliases
    assert "Harrowgate" not in found and "Bluefin" not in found


def test_tickers_and_the_sign_off_are_not_names():
    result = extract(WIRE)
    assert not any(n in names(result) for n in ("BLFN", "REUTER"))
    assert all("<" not in f.text for f in result.facts)


def test_deal_fact_names_both_parties_and_the_amount():
    result = extract(WIRE)
    deal = next(f for f in result.facts if f.deal)
    assert deal.deal.acquirer == "Bluefin Marine Corp"
    assert deal.deal.target == "Harrowgate Foods Ltd"
    assert deal.deal.amount == "83 mln dlrs" and deal.deal.status == "agreed"
    assert "Bluefin Marine Corp" in deal.text and "Harrowgate Foods Ltd" in deal.text
    assert set(deal.subjects) == {"Bluefin Marine Corp", "Harrowgate Foods Ltd"}
    assert "usd:83000000" in deal.figures
    assert " said it " not in deal.text


def test_deal_amount_from_a_later_sentence_is_added_to_the_deal_line():
    text = ("KESTREL BUYS ORMOND\n2024-05-02\n\nKestrel Tools Inc said it has purchased "
            "Ormond Castings Inc for cash and stock.\n    The company said the transaction "
            "involved assets valued at more than 61 mln dlrs.\n")
    deal = next(f for f in extract(text).facts if f.deal)
    assert "Ormond Castings Inc" in deal.text and "61 mln dlrs" in deal.text
    assert deal.deal.status == "completed"


def test_parenthetical_acronym_is_an_alias():
    text = ("Quillon Data Systems (QDS) signed a contract with Varnel Labs Inc worth $4 million. "
            "QDS said the work starts in June.")
    found = names(extract(text))
    assert "QDS" in found["Quillon Data Systems"].aliases


def test_publishers_are_not_mentions():
    text = ("Torvane Robotics has agreed to buy Pellucid Optics Inc for $2 billion, according to "
            "The Daily Ledger. The deal was first reported by the Morning Courier (MC). "
            "Torvane's shares rose, the MC said, citing Brightwire.\n\nSource: Channel Nine Wire")
    result = extract(text)
    found = names(result)
    for outlet in ("Daily Ledger", "Morning Courier", "MC", "Brightwire", "Channel Nine Wire"):
        assert outlet not in found
    assert {"Daily Ledger", "Morning Courier", "Channel Nine Wire"} <= {
        p.removeprefix("The ") for p in result.publishers}
    assert "Torvane Robotics" in found


def test_places_months_and_headings_are_not_entities():
    text = ("Main Points\nRegional Outlook: Zephyra Grid Inc said on Monday it will invest "
            "$50 million in Brazil and Ohio in March. Zephyra's plant in Houston opens in "
            "April.\nOperations and Staffing\nZephyra said Lisbon and Peru follow, and West "
            "Portugal and Harbor Street too.")
    found = names(extract(text))
    assert "Zephyra Grid Inc" in found
    for junk in ("Brazil", "Ohio", "Houston", "Lisbon", "Peru", "March", "April", "Monday",
                 "Main Points", "Operations and Staffing", "Regional Outlook", "West Portugal",
                 "Harbor Street"):
        assert junk not in found


def test_people_by_title_and_apposition():
    text = ("Norlake Freight Inc said CEO Dana Whitcombe will step down. Ravi Ostrander, a "
            "Denver investor, said he holds a 6.2 pct stake in Norlake Freight Inc.")
    found = names(extract(text))
    assert found["Dana Whitcombe"].kind is EntityKind.PERSON
    assert found["Ravi Ostrander"].kind is EntityKind.PERSON
    assert found["Norlake Freight Inc"].kind is EntityKind.ORGANIZATION


def test_known_entities_are_found_without_other_evidence():
    known = [KnownEntity(7, "Corvanta", EntityKind.ORGANIZATION, ("Corvanta Holdings",))]
    result = extract("Revenue at Corvanta rose 12% to $3 billion last year.", known=known)
    assert "Corvanta" in names(result)
    assert result.facts and result.facts[0].subjects == ["Corvanta"]


def test_denials_carry_the_deny_stance_and_the_event_they_deny():
    text = ("Halvard Cloud has withdrawn from a $6 billion deal with Brenmoor Systems, "
            "as reported by the Evening Post. Brenmoor Systems denied that anything was "
            "cancelled, saying all contracts continue as planned.")
    facts = extract(text).facts
    withdrawal = next(f for f in facts if f.stance is None and f.event == "withdrawal")
    denial = next(f for f in facts if f.stance == "deny")
    assert denial.event == withdrawal.event == "withdrawal"
    assert "Evening Post" not in withdrawal.text


def test_compression_drops_attribution_padding_and_keeps_the_claim():
    text = ("According to reports, Ostrava Cloud has reportedly turned to Lumen Peak Networks, "
            "its main rival, to secure extra computing capacity. In a move that surprised "
            "many observers, Ostrava Cloud plans to invest $7 billion in 2025, analysts said.")
    texts = [f.text for f in extract(text).facts]
    assert "Ostrava Cloud has turned to Lumen Peak Networks to secure extra computing capacity." in texts
    assert "Ostrava Cloud plans to invest $7 billion in 2025." in texts


def test_a_relative_clause_with_figures_becomes_its_own_claim():
    text = ("Mirelle Compute Corp, which is aiming for a $3 billion initial public offering, "
            "denied that its contracts with Tarrant Data Inc were cancelled.")
    facts = extract(text).facts
    assert any(f.event == "ipo" and f.text.startswith("Mirelle Compute Corp is aiming")
               for f in facts)
    assert any(f.stance == "deny" and "initial public offering" not in f.text for f in facts)


def test_the_company_refers_to_the_last_organization_a_sentence_opened_with():
    text = ("Calloway Pumps Inc said first-quarter sales rose 9 pct. The company's water unit "
            "reported a 14% revenue increase.")
    facts = extract(text).facts
    # Issue 13: the source's words stay; what they refer to is a mark (a link once merged).
    assert any(f.text.startswith(mark("Calloway Pumps Inc", "The company's") + " water unit")
               and plain(f.text).startswith("The company's water unit")
               and "Calloway Pumps Inc" in f.subjects for f in facts)


def test_figures_are_normalized_across_spellings():
    tokens = lambda t: [f.token for f in figures(t)]  # noqa: E731
    assert tokens("$80 billion") == tokens("80 bln dlrs") == tokens("USD 80bn") == ["usd:80000000000"]
    assert tokens("R5.4 billion") == ["zar:5400000000"]
    assert tokens("62%") == tokens("62 pct") == tokens("62 percent") == ["pct:62"]
    assert tokens("161 mln marks") == ["dem:161000000"]
    assert tokens("28.50 dlrs a share") == ["usd:28.5"]
    assert tokens("243,400 shares") == []


def test_dates_the_text_gives_are_read_against_the_document_date():
    assert referred_date("closed on March 27", date(1987, 3, 31)) == date(1987, 3, 27)
    assert referred_date("concluded December 26", date(1987, 4, 2)) == date(1986, 12, 26)
    assert referred_date("On 2025-10-28 it said", None) == date(2025, 10, 28)
    assert referred_date("completed yesterday", date(2024, 5, 2)) == date(2024, 5, 1)


def test_sentences_survive_abbreviations_and_glued_headings():
    page = layout("Tarsk Inc. and Velo Co. agreed terms with the U.S. Navy. It rose 2.5 pct."
                  "2. Outlook\nMr. A. B. Quist said so.")
    texts = [s.text for s in page.sentences]
    assert texts[0] == "Tarsk Inc. and Velo Co. agreed terms with the U.S. Navy."
    assert "It rose 2.5 pct." in texts and "Outlook" in texts
    assert "Mr. A. B. Quist said so." in texts


def test_summary_and_topics():
    result = extract(WIRE)
    assert "Harrowgate Foods Ltd" in result.summary and len(result.summary) <= 220
    assert all(t.islower() for t in result.topics)
    assert not any("bluefin" in t or "harrowgate" in t for t in result.topics)


def test_existing_vault_notes_are_not_extracted():
    doc = Document(path="n.md", sha256="y", kind=DocumentKind.NOTE, title="Acme", text="x")
    assert OfflineExtractor().extract(doc, Context()).facts == []


def test_meeting_notes_key_facts_are_taken_verbatim():
    text = ("# Weekly sync with Corvid Analytics\n\n## Summary\nWe reviewed the rollout.\n\n"
            "## Key facts\n- Corvid Analytics signed a $2 million renewal with Pallas Freight Inc.\n"
            "- The pilot covers three regions.\n\n## Action items\n- [ ] Send the deck @Mira\n")
    doc = Document(path="m.md", sha256="m", kind=DocumentKind.MEETING_NOTES, title="sync",
                   text=text, date=date(2024, 5, 2))
    result = OfflineExtractor().extract(doc, Context())
    texts = {f.text: f for f in result.facts}
    signed = texts["Corvid Analytics signed a $2 million renewal with Pallas Freight Inc."]
    assert "Pallas Freight Inc" in signed.subjects and signed.figures == ["usd:2000000"]
    assert "The pilot covers three regions." in texts


def test_an_html_tag_in_the_text_is_not_a_marked_name():
    from factbook.extract.text import strip_markup

    marked: list[str] = []
    text = strip_markup("Orrin Mills said <script>x()</script> it bought <Tallow Creek Inc>.", marked)
    assert marked == ["Tallow Creek Inc"]
    assert "script" not in text and "Tallow Creek Inc" in text


def test_a_product_named_after_its_company_is_no_name_of_the_company():
    # "<Company> <Product>" after the company's own name: the company keeps its name.
    result = extract("Harwick has come in hard on price. We pulled Harwick's latest price sheet. "
                     "They tried Harwick StackView in 2023 and dropped it.")
    company = names(result)["Harwick"]
    assert company.kind is EntityKind.ORGANIZATION
    assert "Harwick StackView" not in company.aliases


def test_a_parenthesis_defines_an_acronym_never_a_product_name():
    # "Harwick (DockView)" names the product the company sells; "(HDS)" defines a short name.
    from factbook.extract.mentions import Candidate
    from factbook.extract.names import _note_cues
    product, acronym, mixed = Candidate("Harwick"), Candidate("Harwick Data Systems"), Candidate("Price Waterhouse")
    _note_cues(product, "incumbent is ", " (DockView) at two sites")
    _note_cues(acronym, "", " (HDS) said")
    _note_cues(mixed, "", " (PwC) said")
    assert not any(c.startswith("defines:") for c in product.cues)
    assert "defines:HDS" in acronym.cues and "defines:PwC" in mixed.cues
