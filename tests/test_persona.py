"""The persona: who "I" is, and that the user, their company and colleagues never become
notes about someone else; `factbook init` asks for it or takes flags."""
from __future__ import annotations

import tomllib

import pytest

from factbook.errors import ConfigError
from factbook.extract.structured import structured_items
from factbook.models import Document, DocumentKind, EntityKind, Extraction, Fact, Mention, Task
from factbook.persona import Persona, personalize, persona_from_config, persona_table
from factbook.sources import read_path
from tests.persona_support import DANA, FIXTURES, PERSONA_FIXTURES, PeopleExtractor, run, source_tasks

MEETING = PERSONA_FIXTURES / "2025-03-10 Kestrel pilot review.md"


def _tasks(path, persona):
    [doc] = read_path(path)
    return {t.text: t.owner for t in structured_items(doc, persona).tasks}


def test_config_table_round_trips_and_needs_a_name():
    persona = persona_from_config({"persona": {
        "name": "Dana Whitlow", "emails": "dana.whitlow@orchardiq.example, dw@gmail.com",
        "company": "OrchardIQ", "handle": "@dana"}})
    assert persona.emails == ("dana.whitlow@orchardiq.example", "dw@gmail.com")
    assert persona.handle == "dana"
    assert persona_from_config({"persona": persona_table(persona)}) == persona
    assert persona_from_config({}) is None
    with pytest.raises(ConfigError, match="no name"):
        persona_from_config({"persona": {"company": "OrchardIQ"}})
    with pytest.raises(ConfigError, match="list of strings"):
        persona_from_config({"persona": {"name": "A B", "aliases": 3}})


def test_describe_tells_an_llm_who_i_is():
    from factbook.persona import describe

    text = describe(DANA)
    assert text.startswith("The notes belong to Dana Whitlow, Account Executive at OrchardIQ.")
    assert "DW" in text and 'owner "Me"' in text and "renewals" in text


def test_names_addresses_company_and_colleagues():
    assert DANA.is_me("Dana Whitlow") and DANA.is_me("dana whitlow") and DANA.is_me("DW")
    assert DANA.is_me("DANA.WHITLOW@orchardiq.example") and DANA.is_me("Me")
    assert not DANA.is_me("Dana Berg") and not DANA.is_me(None)
    assert DANA.is_own_company("OrchardIQ Inc.") and DANA.is_own_company("orchardiq")
    assert not DANA.is_own_company("Kestrel Analytics")
    addresses = {"priya raman": "priya.raman@orchardiq.example",
                 "jonas feld": "jonas.feld@kestrel-analytics.example"}
    assert DANA.is_colleague("Priya Raman", addresses)
    assert not DANA.is_colleague("Jonas Feld", addresses)
    assert not DANA.is_colleague("Priya Raman")  # no address known, not listed
    assert Persona("Ann Lee", colleagues=("Bo Chen",)).is_colleague("Bo Chen")
    # a public mail provider's domain says nothing about an employer
    assert Persona("Ann Lee", emails=("ann@gmail.com",)).domains == frozenset()


def test_personalize_drops_the_user_and_company_but_keeps_colleagues():
    doc = Document(path="mail.eml", sha256="x", kind=DocumentKind.EMAIL, title="t", text="",
                   meta={"addresses": "Jonas Feld <jonas.feld@kestrel-analytics.example>, "
                                      "Priya Raman <priya.raman@orchardiq.example>"})
    extraction = Extraction(
        mentions=[Mention("Dana Whitlow", EntityKind.PERSON), Mention("Priya Raman", EntityKind.PERSON),
                  Mention("Jonas Feld", EntityKind.PERSON),
                  Mention("OrchardIQ Inc.", EntityKind.ORGANIZATION, ["OrchardIQ"]),
                  Mention("Kestrel Analytics Inc.", EntityKind.ORGANIZATION)],
        facts=[Fact("OrchardIQ Inc. hired 40 engineers.", ["OrchardIQ Inc."]),
               Fact("Kestrel Analytics Inc. buys 2 racks from OrchardIQ Inc.",
                    ["Kestrel Analytics Inc.", "OrchardIQ Inc."])],
        tasks=[Task("Send the SLA", owner="Dana Whitlow", subjects=["OrchardIQ Inc."]),
               Task("Share the logs", owner="Jonas Feld")])
    out = personalize(doc, extraction, DANA)
    # Colleagues keep their People note (issue 12); the user and their company go.
    assert [m.name for m in out.mentions] == ["Priya Raman", "Jonas Feld", "Kestrel Analytics Inc."]
    assert [(f.text, f.subjects) for f in out.facts] == [
        ("Kestrel Analytics Inc. buys 2 racks from OrchardIQ Inc.", ["Kestrel Analytics Inc."])]
    assert [(t.owner, t.subjects) for t in out.tasks] == [("Me", []), ("Jonas Feld", [])]
    assert personalize(doc, Extraction(), None) == Extraction()


def test_first_person_in_the_users_meeting_note_is_the_user():
    owners = _tasks(MEETING, DANA)
    assert owners["Send the revised SLA to Kestrel"] == "Me"
    assert owners["Book the follow-up workshop room"] == "Me"
    assert owners["Draft the renewal quote"] == "Me"  # "Dana to draft …" in Dana's own notes
    assert owners["Share the latency report"] == "Jonas Feld"
    assert owners["Update the rack plan"] == "Priya Raman"
    # without a persona, nobody is "I"
    assert _tasks(MEETING, None)["Send the revised SLA to Kestrel"] is None
    custom = Persona("Dana Whitlow", handle="dana")
    assert _tasks(MEETING, custom)["Send the revised SLA to Kestrel"] == "dana"


def test_first_person_in_email_is_the_sender():
    # issue 15: the ask the user makes of Jonas ("Can you confirm …?") is Jonas's task
    assert _tasks(PERSONA_FIXTURES / "dana_followup.eml", DANA) == {
        "Send the signed order form": "Me", "Confirm the delivery address": "Jonas Feld"}
    # another sender's "I'll …" stays theirs
    assert _tasks(PERSONA_FIXTURES / "kestrel_update.eml", DANA) == {"Share the full logs": "Jonas Feld"}
    assert _tasks(FIXTURES / "email" / "pilot_confirmation.eml", DANA) == \
        {"Send the signed order form": "Tomas Berg"}
    owners = _tasks(FIXTURES / "email" / "thread_export.txt", DANA)
    assert owners["Update the order form"] == "Me"
    assert owners["Confirm the delivery slot"] == "Priya Raman"


def test_the_recorders_own_me_turns_in_a_transcript_are_the_user(tmp_path):
    path = tmp_path / "2025-03-11 call.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Me>I will send the pricing sheet by Friday.\n\n"
                    "00:00:05.000 --> 00:00:08.000\n<v Them>Sure, I will review it next week.\n\n"
                    "00:00:09.000 --> 00:00:12.000\n<v Jonas Feld>I will share the latency logs tomorrow.\n",
                    encoding="utf-8")
    # issue 15: "I will review it" says no more than "review it": a fragment, not a task
    assert _tasks(path, DANA) == {"Send the pricing sheet": "Me", "Share the latency logs": "Jonas Feld"}
    assert _tasks(path, None)["Send the pricing sheet"] is None  # "Me" is only a label without a persona


def test_a_run_with_a_persona_never_makes_notes_for_the_user_or_their_company(tmp_path):
    vault = tmp_path / "vault"
    paths = sorted(PERSONA_FIXTURES.iterdir()) + [FIXTURES / "email" / "thread_export.txt"]
    report = run(vault, paths, PeopleExtractor(), persona=DANA)
    assert not report.failures
    accounts = sorted(p.stem for p in (vault / "Accounts").glob("*.md"))
    people = sorted(p.stem for p in (vault / "People").glob("*.md"))
    # OrchardIQ Inc. is named, never an account; Brightwater is a sender's mail domain
    # that the text spells out (issue 12).
    assert accounts == ["Brightwater", "Kestrel Analytics"]
    assert "Dana Whitlow" not in people  # the user
    assert "Priya Raman" in people  # a colleague keeps a note, marked as one
    assert "relationship: colleague" in (vault / "People" / "Priya Raman.md").read_text(encoding="utf-8")
    assert "Jonas Feld" in people and "Tomas Berg" in people
    tasks = source_tasks(vault)
    mine = sorted(t.split(" @Me")[0][6:] for t in tasks if " @Me " in t)
    # issue 15: Jonas's two asks to Dana ("Could you send us …", "Please also confirm …")
    assert mine == ["Book the follow-up workshop room",
                    "Confirm that your team can join the pilot results call at 15:00 UTC",
                    "Draft the renewal quote", "Send Jonas the updated SLA draft",
                    "Send the revised SLA to Kestrel", "Send the signed order form",
                    "Update the order form"]
    assert not any("@Dana" in t for t in tasks)


def test_the_same_run_without_a_persona_keeps_everyone(tmp_path):
    vault = tmp_path / "vault"
    run(vault, sorted(PERSONA_FIXTURES.iterdir()), PeopleExtractor())
    assert (vault / "Accounts" / "OrchardIQ.md").exists()
    assert (vault / "People" / "Dana Whitlow.md").exists()
    assert not any(" @Me " in t for t in source_tasks(vault))


def test_init_flags_write_the_persona_and_keep_the_comments(cli, vault):
    result = cli("init", vault, "--name", "Dana Whitlow", "--email", "dana.whitlow@orchardiq.example",
                 "--email", "dw@orchardiq.example", "--company", "OrchardIQ", "--role", "AE",
                 "--interest", "renewals", "--no-interactive")
    assert result.exit_code == 0, result.output
    assert "persona: Dana Whitlow (your tasks are @Me)" in result.output
    config = vault / ".factbook" / "config.toml"
    text = config.read_text()
    assert text.startswith("# factbook settings") and "# Who the vault belongs to" in text
    table = tomllib.loads(text)["persona"]
    assert table == {"name": "Dana Whitlow", "company": "OrchardIQ", "role": "AE",
                     "interests": ["renewals"],
                     "emails": ["dana.whitlow@orchardiq.example", "dw@orchardiq.example"]}
    # a later init changes only what it is given
    cli("init", vault, "--role", "Account Director", "--no-interactive")
    table = tomllib.loads(config.read_text())["persona"]
    assert table["role"] == "Account Director" and table["name"] == "Dana Whitlow"
    assert (vault / ".factbook" / "glossary.toml").exists()


def test_init_asks_when_interactive(cli, vault):
    from typer.testing import CliRunner

    from factbook.cli import app

    answers = "Dana Whitlow\ndana.whitlow@orchardiq.example\nDW, D. Whitlow\nOrchardIQ\n\nAE\nrenewals, pilots\n"
    result = CliRunner().invoke(app, ["init", str(vault), "--interactive"], input=answers)
    assert result.exit_code == 0, result.output
    persona = persona_from_config(tomllib.loads((vault / ".factbook" / "config.toml").read_text()))
    assert persona == Persona("Dana Whitlow", emails=("dana.whitlow@orchardiq.example",),
                              aliases=("DW", "D. Whitlow"), company="OrchardIQ", role="AE",
                              interests=("renewals", "pilots"))
    skipped = CliRunner().invoke(app, ["init", str(vault.parent / "other"), "--interactive"], input="\n")
    assert skipped.exit_code == 0
    assert "persona" not in tomllib.loads((vault.parent / "other" / ".factbook" / "config.toml").read_text())


def test_init_without_a_terminal_asks_nothing(cli, vault):
    result = cli("init", vault)  # the test runner's stdin is not a terminal
    assert result.exit_code == 0 and "persona" not in result.output


def test_cli_ingest_uses_the_configured_persona(cli, vault, tmp_path):
    cli("init", vault, "--name", "Dana Whitlow", "--email", "dana.whitlow@orchardiq.example",
        "--company", "OrchardIQ")
    result = cli("ingest", MEETING, PERSONA_FIXTURES / "dana_followup.eml", "--vault", vault, "--json")
    assert result.exit_code == 0, result.output
    assert [p.stem for p in (vault / "Accounts").glob("*.md")] == ["Kestrel Analytics"]
    assert sum(" @Me " in t for t in source_tasks(vault)) == 4

