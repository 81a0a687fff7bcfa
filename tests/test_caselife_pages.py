"""A case's life on the pages without JavaScript (issue 14): the case page leads with who
it is about, then what is due, then a timeline filtered by kind and paged; details changed
with a reason and their history; contacts corrected; cases reopened and returning families'
cases linked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from confide.platform.core.clock import service_today
from tests.helpers.casework import new_case
from tests.helpers.consent import add_note, record_consent, send, share_body
from tests.helpers.html import error_summary, form_values, links, page_text, parse
from tests.helpers.http import patch, post
from tests.helpers.pages import submit

NM = "/t/northmoor"
API = f"{NM}/api"


def _age(born: str) -> int:
    b = datetime.strptime(born, "%Y-%m-%d").date()
    today = service_today()
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


async def test_the_case_page_leads_with_who_it_is_about_then_next_actions_then_the_timeline(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    # The young person may be contacted any way: no warning for them; the parent may not.
    await patch(
        aisha,
        f"{API}/cases/{cid}/people/{case['subject']['id']}",
        {
            "reason": "Asked them again",
            "email": "sam@example.com",
            "address": "1 Moor Lane",
            "may_leave_voicemail": True,
            "may_text": True,
            "may_email": True,
            "may_post": True,
        },
    )
    page = parse(await aisha.get(f"{NM}/cases/{cid}"))
    about = page.one("[data-testid=about]")
    assert (
        page.one("[data-testid=about-child]").text == f"Sam Okafor, {_age('2014-03-02')} years old"
    )
    warned = [e.text for e in about.select("[data-testid=safe-contact]")]
    assert len(warned) == 1
    assert "Ada Okafor" in warned[0]
    order = [
        e.get("data-testid")
        for e in page.select(
            "[data-testid=about], [data-testid=next-actions], [data-testid=timeline-filter]"
        )
    ]
    assert order == ["about", "next-actions", "timeline-filter"]
    assert page.one("[data-testid=nothing-due]")

    # A share without consent, sent: telling them is due (rule 7), shown first thing.
    note = await add_note(aisha, cid, "Worried about home")
    legal = share_body("Social care", [("note", note)], legal_basis="safeguarding",
                       justification="Risk of harm")  # fmt: skip
    shared = await post(fiona, f"{API}/cases/{cid}/disclosures", legal)
    assert (await send(fiona, cid, shared.json()["id"])).status_code == 200
    page = parse(await aisha.get(f"{NM}/cases/{cid}"))
    [due] = page.select("[data-testid=next-tell-client]")
    assert "Tell them about a share made without their consent" in due.text
    assert not page.select("[data-testid=nothing-due]")


async def test_the_consent_review_due_is_a_next_action(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    old = (service_today() - timedelta(days=800)).isoformat()
    await record_consent(aisha, case["id"], given_on=old)
    page = parse(await aisha.get(f"{NM}/cases/{case['id']}"))
    assert "Review consent" in page.one("[data-testid=next-consent-review]").text


async def test_the_timeline_shows_every_kind_filters_by_kind_and_pages(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    await record_consent(aisha, cid)
    for n in range(21):
        await add_note(aisha, cid, f"Note number {n}")
    await patch(aisha, f"{API}/cases/{cid}", {"reason": "More help needed", "support_level": 3})
    await post(
        tom, f"{API}/cases/{cid}/break-glass", {"reason": "Covering for Aisha today, family rang"}
    )

    first = parse(await aisha.get(f"{NM}/cases/{cid}"))
    assert len(first.select("[data-testid=timeline] > li")) == 20
    assert first.one("[data-testid=pagination]")
    rest = parse(await aisha.get(f"{NM}/cases/{cid}?page=2"))
    both = [
        *first.select("[data-testid=timeline] > li"),
        *rest.select("[data-testid=timeline] > li"),
    ]
    kinds = {e.get("data-testid") for e in both}
    assert kinds == {"timeline-change", "timeline-break-glass", "timeline-consent",
                     "timeline-note"}  # fmt: skip

    notes = await aisha.get(f"{NM}/cases/{cid}?kind=note")
    shown = parse(notes)
    assert {e.get("data-testid") for e in shown.select("[data-testid=timeline] > li")} == {
        "timeline-note"
    }
    assert form_values(notes, "[data-testid=timeline-filter]").get("kind") == "note"
    assert "?kind=note&page=2" in [href for _, href in links(notes, "[data-testid=pagination] a")]
    second = parse(await aisha.get(f"{NM}/cases/{cid}?kind=note&page=2"))
    assert [e.text for e in second.select("[data-testid=note-body]")] == ["Note number 0"]
    changes = parse(await aisha.get(f"{NM}/cases/{cid}?kind=change&kind=break_glass"))
    assert len(changes.select("[data-testid=timeline] > li")) == 2
    past = parse(await aisha.get(f"{NM}/cases/{cid}?kind=note&page=9"))
    assert past.one("[data-testid=timeline-past-end]")
    empty = parse(await aisha.get(f"{NM}/cases/{cid}?kind=share"))
    assert empty.one("[data-testid=timeline-empty]")
    bad = await aisha.get(f"{NM}/cases/{cid}?kind=nonsense")
    assert bad.status_code == 400


async def test_a_person_s_details_change_on_a_page_and_the_history_shows_them(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    page = await aisha.get(f"{NM}/cases/{cid}")
    [edit] = [href for _, href in links(page, "[data-testid=change-person]")][:1]
    assert edit == f"{NM}/cases/{cid}/people/{case['subject']['id']}/edit"
    form = await aisha.get(edit)
    values = form_values(form)
    assert values["last_name"] == "Okafor"
    assert values["date_of_birth-day"] == "2"
    assert values["may_phone"] == "yes"
    action = edit.removesuffix("/edit")
    pairs = [(k, v) for k, v in values.items() if k not in ("_csrf_token", "last_name", "reason")]
    reasonless = await submit(aisha, edit, action, [*pairs, ("last_name", "Okafor-Smith")])
    assert reasonless.status_code == 400
    assert [m for _, m in error_summary(reasonless)] == ["Enter why the details change"]
    assert form_values(reasonless)["last_name"] == "Okafor-Smith"
    same = await submit(
        aisha, edit, action, [*pairs, ("last_name", "Okafor"), ("reason", "Checked")]
    )
    assert same.status_code == 400
    assert "Change at least one detail" in error_summary(same)[0][1]
    saved = await submit(
        aisha, edit, action, [*pairs, ("last_name", "Okafor-Smith"), ("reason", "Spelt wrong")]
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{NM}/cases/{cid}?done=person-changed"
    assert "Sam Okafor-Smith" in page_text(await aisha.get(f"{NM}/cases/{cid}"))

    history = await aisha.get(f"{NM}/cases/{cid}/history")
    [change] = parse(history).select("[data-testid=change]")
    assert change.one("[data-testid=change-reason]").text == "Spelt wrong"
    assert "Aisha Rahman" in change.one("[data-testid=change-by]").text
    rows = [[c.text for c in r.select("th, td")] for r in change.select("tbody tr")]
    assert rows == [["Last name", "Okafor", "Okafor-Smith"]]


async def test_the_case_s_details_change_on_a_page(aisha: httpx.AsyncClient) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    edit = f"{NM}/cases/{cid}/details/edit"
    values = form_values(await aisha.get(edit))
    assert values["support_level"] == "2"
    kept = [k for k in values if k not in ("_csrf_token", "support_level", "reason")]
    pairs = [(k, values[k]) for k in kept]
    pairs += [("topics", "EHC needs assessment"), ("topics", "Transport")]
    pairs = list(dict.fromkeys(pairs))
    saved = await submit(
        aisha,
        edit,
        f"{NM}/cases/{cid}/details",
        [*pairs, ("support_level", "3"), ("reason", "More help")],
    )
    assert saved.status_code == 303, saved.text
    page = await aisha.get(f"{NM}/cases/{cid}")
    assert "Level 3" in parse(page).one("[data-testid=case-summary]").text


async def test_a_contact_is_corrected_on_a_page_and_the_first_is_kept(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    when = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    await post(aisha, f"{API}/cases/{cid}/contacts",
               {"kind": "phone", "direction": "incoming", "occurred_at": when,
                "summary": "Dad rang"})  # fmt: skip
    page = await aisha.get(f"{NM}/cases/{cid}")
    [form_path] = [href for _, href in links(page, "[data-testid=correct-contact]")]
    action = form_path.replace("/correct", "/corrections")
    values = form_values(await aisha.get(form_path))
    assert (values["kind"], values["summary"]) == ("phone", "Dad rang")
    pairs = [(k, v) for k, v in values.items() if k not in ("_csrf_token", "summary", "reason")]
    reasonless = await submit(aisha, form_path, action, [*pairs, ("summary", "Mum rang")])
    assert reasonless.status_code == 400
    assert [m for _, m in error_summary(reasonless)] == ["Enter why the contact is corrected"]
    fixed = await submit(
        aisha, form_path, action, [*pairs, ("summary", "Mum rang"), ("reason", "Wrong parent")]
    )
    assert fixed.status_code == 303, fixed.text
    page = parse(await aisha.get(f"{NM}/cases/{cid}"))
    [item] = page.select("[data-testid=timeline-contact]")
    assert item.one("[data-testid=contact-corrected]")
    assert "Mum rang" in item.text
    assert "Wrong parent" in item.text
    assert "Dad rang" in item.one("[data-testid=contact-earlier-versions]").text


async def test_a_closed_case_is_reopened_or_followed_by_a_linked_case(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    await post(aisha, f"{API}/cases/{cid}/close", {"outcome": "Advice given"})
    page = parse(await aisha.get(f"{NM}/cases/{cid}"))
    assert page.one("[data-testid=reopen-case]")
    assert page.one("[data-testid=returning-case]")

    returning = f"{NM}/cases/{cid}/returning"
    none_chosen = await submit(aisha, returning, returning, [("support_level", "1")])
    assert none_chosen.status_code == 400
    opened = await submit(
        aisha, returning, returning,
        [("contacted_by", "parent"), ("topics", "Transport"), ("support_level", "1")],
    )  # fmt: skip
    assert opened.status_code == 303, opened.text
    found = re.fullmatch(rf"{NM}/cases/([0-9a-f-]+)\?done=returning", opened.headers["location"])
    assert found
    assert found.group(1) != cid
    new_page = parse(await aisha.get(f"{NM}/cases/{found.group(1)}"))
    assert case["reference"] in new_page.one("[data-testid=follows]").text
    old_page = await aisha.get(f"{NM}/cases/{cid}")
    [later] = parse(old_page).select("[data-testid=followed-by]")
    assert f"{NM}/cases/{found.group(1)}" in [href for _, href in links(later)]

    reopen = f"{NM}/cases/{cid}/reopen"
    reasonless = await submit(aisha, reopen, reopen, [("reason", "")])
    assert reasonless.status_code == 400
    assert (await submit(aisha, reopen, reopen, [("reason", "Carrying on")])).status_code == 303
    reopened = parse(await aisha.get(f"{NM}/cases/{cid}?kind=change"))
    assert "The case was reopened" in reopened.one("[data-testid=timeline-change]").text
    assert (
        parse(await aisha.get(f"{NM}/cases/{cid}")).one("[data-testid=case-status]").text == "Open"
    )


async def test_break_glass_reads_but_offers_no_changes(
    aisha: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    await post(
        tom, f"{API}/cases/{cid}/break-glass", {"reason": "Covering for Aisha today, family rang"}
    )
    page = parse(await tom.get(f"{NM}/cases/{cid}"))
    assert page.one("[data-testid=break-glass-tag]")
    assert not page.select("[data-testid=change-person]")
    assert not page.select("[data-testid=change-case]")
    assert (await tom.get(f"{NM}/cases/{cid}/history")).status_code == 200
    person = case["subject"]["id"]
    assert (await tom.get(f"{NM}/cases/{cid}/people/{person}/edit")).status_code == 403
    assert (await tom.get(f"{NM}/cases/{cid}/details/edit")).status_code == 403


async def test_nul_in_the_new_forms_shows_the_form_again_naming_the_field(
    aisha: httpx.AsyncClient,
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    page = f"{NM}/cases/{cid}"
    person = f"{page}/people/{case['subject']['id']}"
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    contact = await post(aisha, f"{API}/cases/{cid}/contacts",
                         {"kind": "phone", "direction": "incoming", "occurred_at": when,
                          "summary": "Rang"})  # fmt: skip
    correct = f"{page}/contacts/{contact.json()['id']}"
    nul = "a\x00b"
    attempts = [
        (f"{person}/edit", person, [("first_name", nul), ("last_name", "Okafor"),
                                    ("reason", "Typo")], "first_name"),
        (f"{person}/edit", person, [("first_name", "Sam"), ("last_name", "Okafor"),
                                    ("reason", nul)], "reason"),
        (f"{page}/details/edit", f"{page}/details",
         [("contacted_by", "parent"), ("referral_route", "self"), ("topics", "Transport"),
          ("support_level", "2"), ("reason", nul)], "reason"),
        (f"{correct}/correct", f"{correct}/corrections",
         [("kind", "phone"), ("direction", "incoming"), ("summary", nul), ("reason", "Typo")],
         "summary"),
    ]  # fmt: skip
    for form, action, pairs, field in attempts:
        shown = await submit(aisha, form, action, pairs)
        assert shown.status_code == 400, action
        assert [f.removeprefix("#") for f, _ in error_summary(shown)] == [field], action
    await post(aisha, f"{API}/cases/{cid}/close", {"outcome": "Advice given"})
    reopen = f"{page}/reopen"
    shown = await submit(aisha, reopen, reopen, [("reason", nul)])
    assert [f.removeprefix("#") for f, _ in error_summary(shown)] == ["reason"]
    after = (await aisha.get(f"{API}/cases/{cid}")).json()
    assert after["status"] == "closed"
    assert after["subject"]["first_name"] == "Sam"
    assert (await aisha.get(f"{API}/cases/{cid}/history")).json()["total"] == 0
