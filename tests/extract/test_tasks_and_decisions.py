"""Issue 15 rules on invented documents: asks and commitments, next-step and decision
headings, spoken decisions, fragments, due dates, and routing to accounts."""
from __future__ import annotations

from datetime import date

from factbook.extract.asks import find_asks, is_actionable
from factbook.extract.decisions import heading_kind, is_decision_text, spoken_decisions
from factbook.extract.commitments import Utterance, says_work
from factbook.extract.due_dates import find_due
from factbook.extract.routing import RoutingContext, document_about
from factbook.extract.structured import merge_structured, structured_items
from factbook.models import Document, DocumentKind, EntityKind, Extraction, KnownEntity, Mention
from factbook.persona import Persona

ME = Persona("Lena Ostrova", emails=("lena@brightmoor.example",), company="Brightmoor")
DAY = date(2026, 3, 4)  # a Wednesday


def _email(text: str, sender: str, addresses: str, title: str = "Re: pilot") -> Document:
    return Document(path="/x.eml", sha256="e", kind=DocumentKind.EMAIL, title=title, text=text,
                    date=DAY, authors=(sender,), participants=(sender, "Lena Ostrova", "Omar Reyes"),
                    meta={"addresses": addresses})


def _owners(items) -> dict[str, str | None]:
    return {t.text: t.owner for t in items.tasks}


def test_an_ask_to_the_owner_is_the_owners_task_with_its_due_date():
    doc = _email("Hi Lena,\n\nCould you send the signed order form by Friday? Please find attached "
                 "the pricing. Please let me know if you have questions.\n\nThanks,\nOmar",
                 "Omar Reyes", "Omar Reyes <omar@quillmark.example>, Lena Ostrova <lena@brightmoor.example>")
    tasks = structured_items(doc, ME).tasks
    assert [(t.text, t.owner, t.due) for t in tasks] == [("Send the signed order form", "Me", date(2026, 3, 6))]


def test_an_ask_the_owner_makes_is_the_addressees_and_these_takes_the_list():
    doc = _email("Hi Omar,\n\nWe need three things:\n\n1. The site list\n2. Your dock counts\n\n"
                 "Can you send these over by March 12? I'll book the workshop room tomorrow.\n\nLena",
                 "Lena Ostrova", "Lena Ostrova <lena@brightmoor.example>, Omar Reyes <omar@quillmark.example>")
    owners = _owners(structured_items(doc, ME))
    assert owners == {"Send these over: The site list; Your dock counts": "Omar Reyes",
                      "Book the workshop room": "Me"}


def test_courtesy_is_nothing():
    for sentence in ("Please find attached the deck.", "Can you hear me now?",
                     "Please let me know if you have any questions.", "Please feel free to call."):
        assert find_asks(sentence, DAY) == []


def test_you_in_a_call_is_the_person_named_or_the_next_speaker():
    text = ("Omar Reyes: Priya, can you loop in the security team this week?\n\n"
            "Priya Nand: Sure.\n\n"
            "Omar Reyes: Could you also draft the migration checklist by Friday?\n\n"
            "Tom Beck: Yes, I will.\n\n"
            "Omar Reyes: Let's have Sam prepare the budget memo. Action item: update the risk register.")
    doc = Document(path="/c.txt", sha256="c", kind=DocumentKind.TRANSCRIPT, title="Weekly", text=text,
                   date=DAY, participants=("Omar Reyes", "Priya Nand", "Tom Beck"))
    owners = _owners(structured_items(doc))
    assert owners["Loop in the security team"] == "Priya Nand"
    assert owners["Draft the migration checklist"] == "Tom Beck"
    assert owners["Prepare the budget memo"] == "Sam"
    assert "Update the risk register" in owners


def test_fragments_are_not_tasks():
    assert not is_actionable("Finish")
    assert not is_actionable("Check it")
    assert not is_actionable("Send you")
    assert is_actionable("Send the NDA")
    doc = Document(path="/t.txt", sha256="t", kind=DocumentKind.TRANSCRIPT, title="t",
                   text="Ana Lim: I'll check it. I'll finish.\n\nBo Kim: Can you send you?", date=DAY,
                   participants=("Ana Lim", "Bo Kim"))
    assert structured_items(doc).tasks == []


def test_next_step_and_decision_headings_with_words_after_them():
    assert heading_kind("## Next steps (after the call)") == "actions"
    assert heading_kind("### Action items for Friday") == "actions"
    assert heading_kind("Follow-ups:") == "actions"
    assert heading_kind("## Decisions (what we agreed)") == "decisions"
    assert heading_kind("## Where we landed") == "decisions"
    assert heading_kind("## Agreed") == "decisions"
    assert heading_kind("We agreed to ship on Friday and then some more words here.") is None
    note = ("# Pilot review\n\n## Decisions (what we agreed)\n- Three sites, not five\n\n"
            "## Notes\n- Priya to send the dock plan by Friday\n- the dock is loud\n\n"
            "## Next steps (after the call)\n- [ ] Book the site visit ⏳ 2026-03-09 🛫 2026-03-05 🔁 every week\n"
            "- [-] Print the badges ❌ 2026-03-04\n")
    doc = Document(path="/n.md", sha256="n", kind=DocumentKind.MEETING_NOTES, title="Pilot review",
                   text=note, date=DAY, participants=("Priya Nand", "Lena Ostrova"))
    items = structured_items(doc, ME)
    assert [d.text for d in items.decisions] == ["Three sites, not five"]
    tasks = {t.text: t for t in items.tasks}
    assert tasks["Send the dock plan"].owner == "Priya Nand"
    assert tasks["Send the dock plan"].due == date(2026, 3, 6)
    visit = tasks["Book the site visit"]
    assert (visit.scheduled, visit.start, visit.recurrence, visit.owner) == \
        (date(2026, 3, 9), date(2026, 3, 5), "every week", "Me")  # nobody else's: the user's
    badges = tasks["Print the badges"]
    assert badges.cancelled and not badges.done and badges.cancelled_on == date(2026, 3, 4)


def test_spoken_decisions_recaps_and_fragments():
    said = [Utterance("Ana", "We agreed that actually the."),
            Utterance("Ana", "So we decided to go with the blue rubber case."),
            Utterance("Bo", "For the decisions that we've made: kinetic charging, a flip top, "
                            "and rubber buttons."),
            Utterance("Ana", "Agreed."), Utterance("Ana", "Paper backup until the printer is fixed."),
            Utterance("Bo", "Did we decide on the colour?")]
    texts = [d.text for d in spoken_decisions(said, DAY)]
    assert texts == ["We decided to go with the blue rubber case.", "Kinetic charging", "A flip top",
                     "Rubber buttons", "Paper backup until the printer is fixed."]
    assert not is_decision_text("that actually the")


def test_due_dates_said_as_ordinals_and_after_the_call():
    assert find_due("have it ready by the twenty-fourth", DAY).due == date(2026, 3, 24)
    assert find_due("for November ninth", DAY).due == date(2026, 11, 9)
    assert find_due("by Thursday, April 2", DAY).due == date(2026, 4, 2)
    assert find_due("right after this call", DAY).due == DAY


def test_a_meeting_is_about_its_external_participants_organizations_and_title():
    doc = _email("Hi Lena, could you send the pilot plan?", "Omar Reyes",
                 "Omar Reyes <omar@quillmark-foods.example>, Lena Ostrova <lena@brightmoor.example>",
                 title="Harlow Dock Pilot - weekly")
    mentions = [Mention("Quillmark Foods"), Mention("Harlow Dock Pilot", EntityKind.PROJECT),
                Mention("Vantor Group"), Mention("Omar Reyes", EntityKind.PERSON, org="Tessa Labs"),
                Mention("Tessa Labs"), Mention("Omar")]  # "Omar" typed as an organization: a person
    about = document_about(doc, mentions, ME)
    assert about == ["Quillmark Foods", "Tessa Labs", "Harlow Dock Pilot"]
    extraction = merge_structured(doc, Extraction(mentions=mentions), ME)
    [task] = extraction.tasks
    assert task.owner == "Me" and task.subjects == about  # never the person "Omar"


def test_lets_and_going_to_decisions():
    said = [Utterance("Reza", "So let's simply forget plan A."),
            Utterance("Fabien", "We are going to sell this remote control for twenty five Euro."),
            Utterance("Fabien", "So, let's talk about money.")]
    assert [d.text for d in spoken_decisions(said, DAY)] == [
        "Let's simply forget plan A.", "We are going to sell this remote control for twenty five Euro."]


def test_an_asks_due_date_can_come_in_the_next_sentence():
    doc = _email("Hi Lena,\n\nCan you reconcile the user count with Omar before the quote goes final? "
                 "Ideally by Monday the 9th - we need it for sizing.\n\nJess", "Jess Moreau",
                 "Jess Moreau <jess@brightmoor.example>, Lena Ostrova <lena@brightmoor.example>")
    [task] = structured_items(doc, ME).tasks
    assert (task.text, task.owner, task.due) == (
        "Reconcile the user count with Omar before the quote goes final", "Me", date(2026, 3, 9))


def test_an_item_goes_to_what_it_names_and_to_the_main_organization_only_as_a_last_resort():
    note = ("# Pipeline review\n\n## Action items\n- [ ] Set up the internal Lighthouse kickoff\n"
            "- [ ] Update the forecast\n")
    doc = Document(path="/p.md", sha256="p", kind=DocumentKind.MEETING_NOTES, title="Pipeline review",
                   text=note, date=DAY)
    mentions = [Mention("Project Lighthouse", EntityKind.PROJECT), Mention("Vantor Group", count=3)]
    tasks = {t.text: t.subjects for t in merge_structured(doc, Extraction(mentions=mentions), ME).tasks}
    assert tasks == {"Set up the internal Lighthouse kickoff": ["Project Lighthouse"],
                     "Update the forecast": ["Vantor Group"]}


def test_assignments_said_as_should_need_to_and_try_to():
    text = ("Rosa Vidal: Mia and Jon should select the demo video.\n\n"
            "Rosa Vidal: And we need to submit all the deliverables by the last of June.\n\n"
            "Rosa Vidal: For marketing, which is Jon, uh, you are going to try to find the user requirements.\n\n"
            "Jon Park: Okay.\n\n"
            "Rosa Vidal: We need to think about it.")
    doc = Document(path="/m.txt", sha256="m", kind=DocumentKind.TRANSCRIPT, title="Kick-off", text=text,
                   date=DAY, participants=("Rosa Vidal", "Mia Holt", "Jon Park"))
    owners = _owners(structured_items(doc))
    assert owners == {"Select the demo video": "Mia Holt",
                      "Submit all the deliverables by the last of June": None,
                      "Find the user requirements": "Jon Park"}


def test_a_call_is_about_its_speakers_organizations_known_from_elsewhere_and_the_known_names():
    text = ("Ivo Brandt: Could you send the loading dock plan, Lena?\n\n"
            "Lena Ostrova: Sure. Vellmar wants the pilot live in May.\n")
    doc = Document(path="/c.vtt", sha256="c", kind=DocumentKind.TRANSCRIPT, title="Weekly call",
                   text=text, date=DAY, participants=("Ivo Brandt", "Lena Ostrova"))
    known = [KnownEntity(1, "Vellmar Foods", EntityKind.ORGANIZATION),
             KnownEntity(2, "Vellmar Dock Pilot", EntityKind.PROJECT),
             KnownEntity(3, "Orrin Freight", EntityKind.ORGANIZATION),
             KnownEntity(4, "Castel Systems", EntityKind.ORGANIZATION)]
    context = RoutingContext(known, {"ivo brandt": "Castel Systems"})
    mentions = [Mention("Ivo Brandt", EntityKind.PERSON), Mention("Lena Ostrova", EntityKind.PERSON)]
    extraction = merge_structured(doc, Extraction(mentions=list(mentions)), ME, context)
    [task] = extraction.tasks
    # Castel from the speaker's organization (known from elsewhere), Vellmar's pilot by the
    # kind word; Vellmar itself is only named in passing, Orrin nowhere.
    assert set(task.subjects) == {"Castel Systems", "Vellmar Dock Pilot"}
    assert {m.name for m in extraction.mentions} >= {"Castel Systems", "Vellmar Dock Pilot"}
    assert "Orrin Freight" not in {m.name for m in extraction.mentions}
    # Without the context, nothing routes the task (no organization is mentioned).
    assert merge_structured(doc, Extraction(mentions=list(mentions)), ME).tasks[0].subjects == []


def test_the_only_project_a_call_names_is_its_project_but_a_notes_line_names_its_own():
    call = Document(path="/d.vtt", sha256="d", kind=DocumentKind.TRANSCRIPT, title="Sync",
                    text="Ivo Brandt: I'll book the Juniper review.\n", date=DAY,
                    participants=("Ivo Brandt",))
    mentions = [Mention("Project Juniper", EntityKind.PROJECT), Mention("Orrin Freight", count=3)]
    assert document_about(call, mentions, ME) == ["Project Juniper"]
    note = Document(path="/n.md", sha256="n", kind=DocumentKind.MEETING_NOTES, title="Sync",
                    text="## Action items\n- [ ] Book the Juniper review\n", date=DAY)
    assert document_about(note, mentions, ME) == []


def test_a_spoken_task_is_a_verb_of_work_and_an_object_not_talk():
    assert says_work("Send them the floor plan")  # "them" before the object
    assert says_work("Identify the right sample file for the demo")
    assert says_work("Let Ivo know the new dates")
    assert says_work("Share the slides as soon as you start with that")
    assert not says_work("Put them there right now")  # a pronoun is no object
    assert not says_work("Check it by myself")
    assert not says_work("Write to Ivo to")  # stops mid-phrase
    assert not says_work("Show you my findings")  # presenting to the room
    assert not says_work("Follow, the list and the other")
    assert not says_work("Register and should be soon enough")
    assert not says_work("Very quickly help Ivo with set up")  # not a verb first
    text = "Ivo Brandt: I'll put them there right now.\n\nIvo Brandt: I'll send you the floor plan.\n"
    doc = Document(path="/s.vtt", sha256="s", kind=DocumentKind.TRANSCRIPT, title="Sync", text=text,
                   date=DAY, participants=("Ivo Brandt", "Lena Ostrova"))
    assert [t.text for t in structured_items(doc, ME).tasks] == ["Send you the floor plan"]


def test_a_decision_told_again_or_an_object_said_before_is_not_one_made_here():
    said = [Utterance("Reza", "This is what we decided up to now for the last hour."),
            Utterance("Reza", "Remember that we agreed to ship the kiosks by Monday."),
            Utterance("Reza", "These are the tools we are going to use during the whole project."),
            Utterance("Reza", "We are going to use recycled plastic for the case.")]
    assert [d.text for d in spoken_decisions(said, DAY)] == [
        "We are going to use recycled plastic for the case."]


def test_we_should_go_ahead_with_is_a_decision():
    said = [Utterance("Reza", "Yeah. I think we should definitely go ahead with the solar charging idea.")]
    assert [d.text for d in spoken_decisions(said, DAY)] == [
        "I think we should definitely go ahead with the solar charging idea."]


def test_no_task_is_tagged_with_a_job_title_or_a_common_word():
    text = "Ivo Brandt: I'll send the budget to the institute by Friday.\n"
    doc = Document(path="/j.vtt", sha256="j", kind=DocumentKind.TRANSCRIPT, title="Sync", text=text,
                   date=DAY, participants=("Ivo Brandt",))
    mentions = [Mention("Project Manager", EntityKind.PROJECT), Mention("Institute", EntityKind.PROJECT),
                Mention("Castel Systems", count=2)]
    [task] = merge_structured(doc, Extraction(mentions=mentions), ME).tasks
    assert task.subjects == ["Castel Systems"]


def test_a_note_with_headings_that_say_more_is_read_as_meeting_notes():
    from factbook.sources.meeting_notes import looks_like_meeting_notes, section_kind

    assert section_kind("## Decisions (what we agreed)") == "decisions"
    assert section_kind("## Next steps (this week)") == "actions"
    assert section_kind("## Notes on pricing") is None  # only decisions and next steps
    body = ("# Vellmar sync\n\n## Decisions (what we agreed)\n- Pilot starts in May\n\n"
            "## Next steps (this week)\n- Ivo to send the floor plan\n")
    assert looks_like_meeting_notes(body, "vellmar")


def test_someone_asked_by_full_name_owns_the_ask_though_they_never_speak():
    text = ("Omar Reyes: So Nadia Pell, could you please prepare the venue shortlist?\n\n"
            "Tom Beck: I can help with that.\n")
    doc = Document(path="/v.txt", sha256="v", kind=DocumentKind.TRANSCRIPT, title="Weekly", text=text,
                   date=DAY, participants=("Omar Reyes", "Tom Beck"))
    assert _owners(structured_items(doc))["Prepare the venue shortlist"] == "Nadia Pell"
