"""Claim matching: repeats merge, distinct claims stay apart, denials conflict."""
from __future__ import annotations

from factbook.resolve.facts import Claim, canonical_text, conflicting, same_claim


def claim(text, figures=(), event=None, stance=None, entities=()):
    return Claim(text, frozenset(figures), event, stance, frozenset(entities))


def test_the_same_amount_for_the_same_kind_of_event_is_one_claim():
    a = claim("Acme plans to invest $9 billion in data centers in 2025.", ["usd:9000000000"],
              "investment")
    b = claim("Acme's capital spending will reach $9 billion this year, its chief said.",
              ["usd:9000000000"], "investment", entities=[4])
    assert same_claim(a, b)


def test_the_same_amount_for_different_events_is_two_claims():
    a = claim("Acme withdrew from a $5 billion deal with Beta.", ["usd:5000000000"], "withdrawal",
              entities=[2])
    b = claim("Gamma took over the $5 billion option for capacity.", ["usd:5000000000"], "deal",
              entities=[3])
    assert not same_claim(a, b)


def test_different_amounts_are_different_claims_even_for_one_off_events():
    # Issue 13: a citation means the source states the same values, so two reports of one
    # IPO that give other amounts are two lines, not one line citing a source that does
    # not state its figure.
    a = claim("Acme bought Beta for $5 million.", ["usd:5000000"], "deal", entities=[2])
    b = claim("Acme bought Gamma for $7 million.", ["usd:7000000"], "deal", entities=[3])
    assert not same_claim(a, b)
    ipo1 = claim("Beta's IPO targets a $30 billion valuation.", ["usd:30000000000"], "ipo")
    ipo2 = claim("Beta aims for a $2 billion initial public offering.", ["usd:2000000000"], "ipo")
    assert not same_claim(ipo1, ipo2)
    ipo3 = claim("Beta plans a $2 billion IPO.", ["usd:2000000000"], "ipo")
    assert same_claim(ipo2, ipo3)


def test_two_denials_of_one_event_merge_but_not_across_parties():
    a = claim("Beta denied contract cancellations.", event="withdrawal", stance="deny",
              entities=[1])
    b = claim("Beta said nothing has been cancelled.", event="withdrawal", stance="deny",
              entities=[1])
    c = claim("Delta disputed claims that the deal collapsed.", event="withdrawal", stance="deny",
              entities=[5])
    assert same_claim(a, b)
    assert not same_claim(a, c)


def test_an_assertion_and_a_denial_never_merge_and_do_conflict():
    report = claim("Acme withdrew from the deal with Beta.", event="withdrawal", entities=[2])
    denial = claim("Beta denied that anything was cancelled.", event="withdrawal", stance="deny",
                   entities=[2])
    assert not same_claim(report, denial)
    assert conflicting(report, denial) and conflicting(denial, report)


def test_no_conflict_without_a_shared_party_or_event():
    report = claim("Acme withdrew from the deal with Beta.", event="withdrawal", entities=[2])
    other = claim("Delta disputed that its deal collapsed.", event="withdrawal", stance="deny",
                  entities=[5])
    unrelated = claim("Beta denied a lawsuit.", event="lawsuit", stance="deny", entities=[2])
    assert not conflicting(report, other)
    assert not conflicting(report, unrelated)


def test_identical_text_is_the_same_claim_and_unrelated_text_is_not():
    assert same_claim(claim("Acme opened a plant."), claim("acme  opened a plant."))
    assert not same_claim(claim("Acme opened a plant in Ohio."), claim("Beta hired a new chief."))


def test_canonical_text_is_order_independent():
    texts = ["Acme plans to invest $9 billion in data centers.", "Acme: $9 billion.",
             "Acme will spend $9 billion on data centers in fiscal 2025, it said."]
    assert canonical_text(texts) == canonical_text(texts[::-1]) == texts[0]


def test_opposite_actions_are_different_claims():
    bought = claim("Kestrel Partners bought a 6.0 pct stake in Ormond Corp.", ["pct:6"], "deal",
                   entities=[2])
    sold = claim("Kestrel Partners sold its entire 6.0 pct stake in Ormond Corp.", ["pct:6"],
                 "deal", entities=[2])
    assert not same_claim(bought, sold)


def test_a_plan_and_its_completion_are_two_claims():
    from factbook.resolve.facts import Claim, same_claim

    plan = Claim("Tidewater Freight will deliver 30 trailers to Harborline Foods by May.")
    done = Claim("Tidewater Freight delivered 30 trailers to Harborline Foods in April.")
    again = Claim("Tidewater Freight will deliver 30 trailers to Harborline Foods by May, it said.")
    assert not same_claim(plan, done)
    assert same_claim(plan, again)
