"""Examples for the schedule's routes: cadence, participant corrections, links, deliveries."""

from typing import Any

STAMPS = {"created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}

CADENCE_SET: dict[str, Any] = {
    "every": 3,
    "unit": "months",
    "open_days": 14,
    "questionnaire_id": 1,
    "label": "Kwartaalmeting {n}",
    "phase": "execution",
    "starts_at": "2030-04-01T07:00:00Z",
    "paused": False,
}
CADENCE: dict[str, Any] = {
    "collaboration_id": 7,
    "every": 3,
    "unit": "months",
    "open_days": 14,
    "questionnaire_id": 1,
    "label": "Kwartaalmeting {n}",
    "phase": "execution",
    "paused": False,
    "next_opens_at": "2030-04-01T07:00:00Z",
    "upcoming": [
        {
            "label": "Kwartaalmeting 3",
            "opens_at": "2030-04-01T07:00:00Z",
            "closes_at": "2030-04-15T07:00:00Z",
        },
        {
            "label": "Kwartaalmeting 4",
            "opens_at": "2030-07-01T07:00:00Z",
            "closes_at": "2030-07-15T07:00:00Z",
        },
    ],
    **STAMPS,
}
PARTICIPANT_UPDATE: dict[str, Any] = {"email": "anouk.devries@example.org", "party_id": 13}
PARTICIPANT_UPDATED: dict[str, Any] = {
    "id": 31,
    "party_id": 13,
    "pseudonym": "P-3F9A21C07B44",
    "name": "Anouk de Vries",
    "email": "anouk.devries@example.org",
    "external_ref": "hr-0412",
    "language": None,
    "erased": False,
    **STAMPS,
}
LINK_REISSUE: dict[str, Any] = {"send_email": True}
LINK_REISSUED: dict[str, Any] = {
    "invitation_id": 88,
    "token": "Qm7c1xS0aZ4pLr2Vb9TnE3yWk5Hd8Ufo",
    "url": "https://trustmeter.example.org/s/Qm7c1xS0aZ4pLr2Vb9TnE3yWk5Hd8Ufo",
    "emailed": True,
    "reissued_at": "2026-03-10T10:15:00Z",
}
DELIVERIES: dict[str, Any] = {
    "round_id": 3,
    "counts": {"sent": 11, "queued": 0, "failed": 1, "bounced": 0, "not_sent": 0, "no_address": 2},
    "invitations": [
        {
            "invitation_id": 88,
            "participant_id": 31,
            "party_id": 12,
            "state": "failed",
            "reason": "SMTP server unreachable: Connection refused",
            "retrying_at": "2026-03-09T08:10:00Z",
            "sent_at": None,
        }
    ],
}
