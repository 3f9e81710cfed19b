"""The schedule on the coach's pages: round page and delivery, confirmations, reopening,
corrections, new links, cadence, alert e-mail choice; refusals and tenant isolation."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.models import (
    AlertSubscription,
    AuditEvent,
    Cadence,
    Participant,
    Round,
    RoundStatus,
    User,
)
from app.services.messaging.outbox_worker import WorkerOptions, deliver_due_jobs
from app.services.setup import questionnaires, rounds
from tests.conftest import make_settings
from tests.factories import (
    OpenCollaboration,
    make_open_collaboration,
    make_organisation,
    make_round,
)
from tests.support.smtp import free_port
from tests.web.coach.conftest import Browser


def _world(session: Session, settings: Settings, organisation_id: int) -> OpenCollaboration:
    return make_open_collaboration(
        session, settings=settings, organisation_id=organisation_id, participants_per_party=1
    )


def _fresh(session: Session) -> Session:
    session.rollback()
    session.expire_all()
    return session


def _round_url(world: OpenCollaboration) -> str:
    return f"/coach/collaborations/{world.collaboration.id}/rounds/{world.round.id}"


def test_a_failing_smtp_server_shows_as_failed_and_the_invitation_can_be_sent_again(
    coach: Browser, session: Session, engine: Engine, database_url: str, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    broken = make_settings(database_url, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    deliver_due_jobs(engine, settings=broken, options=WorkerOptions(max_attempts=1))

    page = coach.get(_round_url(world))
    assert page.status_code == 200
    assert page.text.count("Mislukt") >= 2 and "SMTP server unreachable" in page.text
    assert "2 uitnodigingen konden niet worden afgeleverd" in page.text

    one = re.search(r'name="invitation_id" value="(\d+)"', page.text)
    assert one is not None
    again = coach.post(f"{_round_url(world)}/resend", {"invitation_id": one.group(1)})
    assert again.headers["location"].endswith("notice=resent&count=1")
    shown = coach.get(again.headers["location"]).text
    assert "1 uitnodiging staat klaar om opnieuw verstuurd te worden." in shown
    assert "Klaar om te versturen" in shown and "1 uitnodiging kon niet worden afgeleverd" in shown

    nothing = coach.post(f"{_round_url(world)}/resend", {"invitation_id": one.group(1)})
    assert nothing.status_code == 409  # it is queued, not failed
    everyone = coach.post(f"{_round_url(world)}/resend")
    assert everyone.headers["location"].endswith("notice=resent&count=1")


def test_closing_asks_for_confirmation_and_says_what_happens(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    overview = coach.get(f"/coach/collaborations/{world.collaboration.id}").text
    assert f'href="{_round_url(world)}/close"' in overview  # a link to the question, no button

    confirm = coach.get(f"{_round_url(world)}/close")
    assert confirm.status_code == 200
    assert "Er worden geen antwoorden meer aangenomen" in confirm.text
    assert "signalen worden bepaald" in confirm.text
    assert _fresh(session).get(Round, world.round.id).status == RoundStatus.OPEN  # type: ignore[union-attr]

    closed = coach.post(f"{_round_url(world)}/close")
    assert closed.status_code == 303
    assert _fresh(session).get(Round, world.round.id).status == RoundStatus.CLOSED  # type: ignore[union-attr]


def test_an_admin_reopens_a_closed_round_with_a_reason_kept_in_the_audit_log(
    coach: Browser, admin: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id or 0)
    url = f"{_round_url(world)}/reopen"
    assert coach.get(url).status_code == 403
    assert coach.post(url, {"reason": "Nog een week nodig"}).status_code == 403

    short = admin.post(url, {"reason": "nee"})
    assert short.status_code == 422 and 'id="reason-error"' in short.text
    past = admin.post(url, {"reason": "Nog een week nodig", "closes_at": "2001-01-01T09:00"})
    assert past.status_code == 422 and 'id="closes_at-error"' in past.text
    assert _fresh(session).get(Round, world.round.id).status == RoundStatus.CLOSED  # type: ignore[union-attr]

    reopened = admin.post(
        url, {"reason": "Twee partijen vroegen om een week extra", "closes_at": "2099-05-01T17:00"}
    )
    assert reopened.status_code == 303
    stored = _fresh(session).get(Round, world.round.id)
    assert stored is not None and stored.status == RoundStatus.OPEN and stored.closed_at is None
    assert stored.closes_at == datetime(2099, 5, 1, 15, 0, tzinfo=UTC)
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "round.reopened")).one()
    assert (
        "Twee partijen vroegen om een week extra" in audit.subject
        and audit.user_id == admin.user.id
    )


def test_a_round_cannot_be_reopened_once_a_later_round_has_opened(
    admin: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, admin.user.organisation_id)
    rounds.close_round(session, organisation_id=world.organisation_id, round_id=world.round.id or 0)
    later = make_round(
        session, organisation_id=world.organisation_id, collaboration_id=world.collaboration.id or 0
    )
    rounds.open_round(
        session, organisation_id=world.organisation_id, round_id=later.id or 0, settings=settings
    )

    assert "Ronde heropenen" not in admin.get(_round_url(world)).text
    refused = admin.post(f"{_round_url(world)}/reopen", {"reason": "Toch nog even open"})
    assert refused.status_code == 409
    assert _fresh(session).get(Round, world.round.id).status == RoundStatus.CLOSED  # type: ignore[union-attr]


def test_a_participant_is_corrected_with_errors_next_to_the_field(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    person = world.invitations[0].invitation.participant_id
    url = f"/coach/collaborations/{world.collaboration.id}/participants/{person}/edit"
    form = coach.get(url)
    assert form.status_code == 200 and 'name="party_id"' in form.text
    values = {
        "name": "Anouk",
        "email": "geen-adres",
        "language": "",
        "party_id": str(world.parties[0].id),
    }

    bad = coach.post(url, values)
    assert bad.status_code == 422 and 'id="email-error"' in bad.text
    assert _fresh(session).get(Participant, person).name != "Anouk"  # type: ignore[union-attr]

    saved = coach.post(
        url, {**values, "email": "anouk@example.org", "party_id": str(world.parties[1].id)}
    )
    assert saved.headers["location"].endswith("notice=participant_saved")
    stored = _fresh(session).get(Participant, person)
    assert stored is not None and (stored.name, stored.email) == ("Anouk", "anouk@example.org")
    assert stored.party_id == world.parties[1].id


def test_a_new_link_is_shown_once_and_the_old_one_stops_working(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    issued = world.invitations[0]
    assert coach.client.get(f"/s/{issued.token}", follow_redirects=False).status_code != 404
    url = f"{_round_url(world)}/invitations/{issued.invitation.id}/link"
    assert "De huidige link werkt meteen niet meer" in coach.get(url).text

    shown = coach.post(url, {"send_email": "on"})
    assert shown.status_code == 200
    found = re.search(r"/s/([A-Za-z0-9_-]{20,})", shown.text)
    assert found is not None and found.group(1) != issued.token
    assert "Een e-mail met de nieuwe link staat klaar" in shown.text
    assert coach.client.get(f"/s/{issued.token}", follow_redirects=False).status_code == 404
    assert coach.client.get(f"/s/{found.group(1)}", follow_redirects=False).status_code != 404


def test_the_cadence_is_set_on_its_page_and_the_calendar_shows_what_comes(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    url = f"/coach/collaborations/{world.collaboration.id}/cadence"
    assert coach.get(url).status_code == 200
    values = {
        "every": "3",
        "unit": "months",
        "open_days": "14",
        "questionnaire_id": str(questionnaires.default_questionnaire(session).id),
        "label": "Kwartaalmeting {n}",
        "phase": "execution",
        "starts_at": "2099-04-01T09:00",
    }
    too_long = coach.post(url, {**values, "every": "1", "unit": "weeks"})
    assert too_long.status_code == 422 and 'id="open_days-error"' in too_long.text
    invisible = coach.post(url, {**values, "label": "Kwartaal\x1emeting {n}"})
    assert invisible.status_code == 422 and 'id="label-error"' in invisible.text
    assert "Gebruik één regel tekst, zonder regeleinden" in invisible.text
    past = coach.post(url, {**values, "starts_at": "2001-04-01T09:00"})
    assert past.status_code == 422 and "De eerste ronde moet in de toekomst openen." in past.text
    assert _fresh(session).exec(select(Cadence)).all() == []

    saved = coach.post(url, values)
    assert saved.headers["location"].endswith("notice=cadence_saved")
    page = coach.get(f"/coach/collaborations/{world.collaboration.id}").text
    assert "Elke 3 maanden gemeten, elke ronde 14 dagen open." in page
    assert "Kwartaalmeting 2" in page and "Kwartaalmeting 3" in page
    # Rounds come before the parties and participants.
    assert page.index('id="rounds-heading"') < page.index('id="parties-heading"')

    removed = coach.post(f"{url}/delete")
    assert removed.headers["location"].endswith("notice=cadence_removed")
    assert _fresh(session).exec(select(Cadence)).all() == []


def test_each_user_chooses_how_they_hear_about_alerts(
    viewer: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, viewer.user.organisation_id)
    url = f"/coach/collaborations/{world.collaboration.id}/notifications"
    page = viewer.get(url)
    assert (
        page.status_code == 200 and 'value="none" checked' in page.text
    )  # viewers: off by default
    assert viewer.post(url, {"mode": "hourly"}).status_code == 422
    assert viewer.post(url, {"mode": "digest"}).status_code == 303
    stored = _fresh(session).exec(select(AlertSubscription)).one()
    assert (stored.user_id, stored.mode.value) == (viewer.user.id, "digest")


def test_forms_without_the_form_token_change_nothing(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    base = f"/coach/collaborations/{world.collaboration.id}"
    for url in (f"{base}/cadence", f"{base}/notifications", f"{_round_url(world)}/resend"):
        answer = coach.client.post(url, data={"mode": "none"}, follow_redirects=False)
        assert answer.status_code == 403, url
    assert _fresh(session).exec(select(Cadence)).all() == []


@pytest.mark.parametrize(
    "path",
    [
        "{round}",
        "{round}/close",
        "{round}/reopen",
        "{round}/invitations/{invitation}/link",
        "{collaboration}/participants/{participant}/edit",
        "{collaboration}/cadence",
        "{collaboration}/notifications",
    ],
)
def test_another_organisations_pages_are_not_found(
    admin: Browser, session: Session, settings: Settings, path: str
) -> None:
    other = _world(session, settings, make_organisation(session, name="Elders"))
    if "reopen" in path:
        rounds.close_round(
            session, organisation_id=other.organisation_id, round_id=other.round.id or 0
        )
    url = path.format(
        round=_round_url(other),
        collaboration=f"/coach/collaborations/{other.collaboration.id}",
        invitation=other.invitations[0].invitation.id,
        participant=other.invitations[0].invitation.participant_id,
    )
    assert admin.get(url).status_code == 404, url
    posted = admin.post(url, {"reason": "Een goede reden", "mode": "none", "name": "X"})
    assert posted.status_code in (404, 405), url
    assert "Gemeente Utrecht" not in admin.get(url).text


def test_a_scheduled_draft_says_when_it_opens(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    opens = datetime(2099, 3, 1, 8, 0, tzinfo=UTC)
    draft = make_round(
        session,
        organisation_id=world.organisation_id,
        collaboration_id=world.collaboration.id or 0,
        label="Tussenmeting",
        opens_at=opens,
        closes_at=opens + timedelta(days=14),
    )
    page = coach.get(f"/coach/collaborations/{world.collaboration.id}/rounds/{draft.id}").text
    assert "Deze ronde opent vanzelf op" in page
    overview = coach.get(f"/coach/collaborations/{world.collaboration.id}").text
    assert "Tussenmeting" in overview and "opent" in overview


@pytest.mark.parametrize(
    "path", ["{round}/resend", "{round}/close", "{collaboration}/cadence/delete"]
)
def test_another_organisations_forms_are_not_found_and_change_nothing(
    admin: Browser, session: Session, settings: Settings, path: str
) -> None:
    other = _world(session, settings, make_organisation(session, name="Elders"))
    url = path.format(
        round=_round_url(other), collaboration=f"/coach/collaborations/{other.collaboration.id}"
    )
    assert admin.post(url).status_code == 404, url
    assert _fresh(session).get(Round, other.round.id).status == RoundStatus.OPEN  # type: ignore[union-attr]


def test_the_round_page_speaks_english_to_an_english_coach(
    coach: Browser, session: Session, settings: Settings
) -> None:
    world = _world(session, settings, coach.user.organisation_id)
    user = _fresh(session).get(User, coach.user.id)
    assert user is not None
    user.language = "en"
    session.add(user)
    session.commit()
    page = coach.get(_round_url(world)).text
    assert "Invitation e-mails" in page and "Queued" in page and "Close round" in page
    assert "E-mails met uitnodigingen" not in page
    calendar = coach.get(f"/coach/collaborations/{world.collaboration.id}").text
    assert "Calendar" in calendar and "Open now" in calendar
