"""Example requests and responses for the OpenAPI document (kept valid by the contract tests)."""

from typing import Any

STAMPS = {"created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}

COLLABORATION_CREATE = {
    "name": "Circulair asfalt provinciale wegen",
    "description": "Gemeente, provincie en twee aannemers werken aan CO2-arm asfalt.",
    "language": "nl",
    "anonymity_threshold": 3,
}
COLLABORATION = {
    "id": 7,
    "name": "Circulair asfalt provinciale wegen",
    "description": "Gemeente, provincie en twee aannemers werken aan CO2-arm asfalt.",
    "language": "nl",
    "anonymity_threshold": 3,
    "propensity_cutoff": 50.0,
    "analysis_cutoff": 50.0,
    "borderline_margin": 5.0,
    "show_own_position": False,
    "identified_mode": False,
    "reminder_days_before_close": 3,
    **STAMPS,
}
COLLABORATION_UPDATE = {"anonymity_threshold": 5, "show_own_position": True}
PARTY_CREATE = {"name": "Gemeente Utrecht", "kind": "client"}
PARTY = {"id": 12, "collaboration_id": 7, "name": "Gemeente Utrecht", "kind": "client", **STAMPS}
PARTICIPANT_CREATE = {
    "name": "Anouk de Vries",
    "email": "anouk@example.org",
    "external_ref": "hr-0412",
}
PARTICIPANT_BATCH = {
    "participants": [
        {"name": "Anouk de Vries", "email": "anouk@example.org", "external_ref": "hr-0412"},
        {"name": "Bram Jansen", "email": "bram@example.org", "external_ref": "hr-0413"},
    ]
}
PARTICIPANT = {
    "id": 31,
    "party_id": 12,
    "pseudonym": "P-3F9A21C07B44",
    "name": "Anouk de Vries",
    "email": "anouk@example.org",
    "external_ref": "hr-0412",
    "language": None,
    "erased": False,
    **STAMPS,
}
ROUND_CREATE = {
    "label": "Nulmeting",
    "questionnaire_id": 1,
    "phase": "preparation",
    "opens_at": "2026-03-09T08:00:00Z",
    "closes_at": "2026-03-23T17:00:00Z",
}
ROUND = {
    "id": 3,
    "collaboration_id": 7,
    "questionnaire_id": 1,
    "label": "Nulmeting",
    "phase": "preparation",
    "status": "draft",
    "opens_at": "2026-03-09T08:00:00Z",
    "closes_at": "2026-03-23T17:00:00Z",
    "opened_at": None,
    "closed_at": None,
    **STAMPS,
}
TOKEN = "Vd2kq0YbqN6yq3bU4wWm8aG0xR2t6QJf"  # noqa: S105 - an example, not a secret
INVITATION = {
    "id": 40,
    "participant_id": 31,
    "party_id": 12,
    "status": "pending",
    "target_party_ids": [13, 14],
    "token": TOKEN,
    "url": f"https://trustmeter.example.org/s/{TOKEN}",
    "submitted_at": None,
    **STAMPS,
}
ROUND_OPENED = {
    "round": {**ROUND, "status": "open", "opened_at": "2026-03-09T08:00:02Z"},
    "invitations": [INVITATION],
}
SUBMISSION = {
    "answers": [
        {"target_party_id": 13, "item_id": "prop_1", "value": 5},
        {"target_party_id": 13, "item_id": "anal_1", "value": None},
    ],
    "final": False,
}
SUBMISSION_WITH_COMMENTS = {
    "answers": [{"target_party_id": 13, "item_id": "prop_1", "value": 6}],
    "comments": [
        {
            "target_party_id": 13,
            "text": "Earlier sight of the planning would help.\nAnd one contact person.",
        }
    ],
    "final": True,
}
SUBMISSION_RESULT = {
    "invitation_id": 40,
    "status": "started",
    "submitted_at": None,
    "targets": [
        {"target_party_id": 13, "answered": 2, "total": 36, "zone": None},
        {"target_party_id": 14, "answered": 0, "total": 36, "zone": None},
    ],
}
WEBHOOK_CREATE = {
    "url": "https://portal.example.org/hooks/trustmeter",
    "events": ["round.closed", "alert.raised"],
}
WEBHOOK = {
    "id": 5,
    "url": "https://portal.example.org/hooks/trustmeter",
    "events": ["round.closed", "alert.raised"],
    "is_active": True,
    "last_status": "200 OK",
    "last_delivery_at": "2026-03-23T17:00:09Z",
    **STAMPS,
}
WEBHOOK_CREATED = {
    **WEBHOOK,
    "last_status": None,
    "last_delivery_at": None,
    "secret": "9b1f0c3e5d7a4b2c8e6f1a3d5c7b9e0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2f",
}
IMPORT_CSV = (
    "external_ref;target_party;item_id;value\n"
    "hr-0412;Aannemer BV;prop_1;5\n"
    "hr-0412;Aannemer BV;prop_2;\n"
)
IMPORT_JSON = {
    "answers": [
        {"external_ref": "hr-0412", "target_party": "Aannemer BV", "item_id": "prop_1", "value": 5},
        {"invitation_id": 41, "target_party": 12, "item_id": "prop_1", "value": 3},
    ]
}
IMPORT_REPORT = {
    "round_id": 3,
    "mode": "all_or_nothing",
    "rows": 2,
    "imported_rows": 2,
    "responses": 2,
    "invitations_created": 1,
    "errors": [],
}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"items": [item], "next_cursor": "c"}


def json_example(status: int, example: Any) -> dict[int | str, dict[str, Any]]:
    """A `responses=` entry adding an example to the route's JSON response."""
    return {status: {"content": {"application/json": {"example": example}}}}


SUMMARY = {"n": 5, "mean": 62.5, "sd": 8.1, "ci": [52.4, 72.6]}
SHOWN_GROUP = {
    "n": 5,
    "suppressed": False,
    "note": None,
    "propensity": SUMMARY,
    "analysis": {"n": 5, "mean": 66.7, "sd": 10.2, "ci": [54.0, 79.4]},
    "areas": {"integrity": {"n": 5, "mean": 71.1, "sd": 6.3, "ci": [63.3, 78.9]}},
    "zone": "smart_trust",
    "borderline": False,
    "zone_counts": {"blind_trust": 1, "smart_trust": 3, "no_trust": 1, "distrust": 0},
    "unclassified": 0,
}
HIDDEN_GROUP = {
    "n": None,
    "suppressed": True,
    "suppressed_reason": "fewer_than_k",
    "note": "Fewer than k respondents: figures are withheld to protect anonymity.",
    "propensity": None,
    "analysis": None,
    "areas": None,
    "zone": None,
    "borderline": None,
    "zone_counts": None,
    "unclassified": None,
}
ROUND_SCORES = {
    "round_id": 3,
    "k": 3,
    "parties": [
        {
            "party_id": 12,
            "invited": 6,
            "response_rate": 0.83,
            **SHOWN_GROUP,
            "targets": [
                {"target_party_id": 13, **SHOWN_GROUP},
                {"target_party_id": 14, **HIDDEN_GROUP},
            ],
        }
    ],
}
RELIABILITY = [
    {
        "key": "propensity",
        "role": "propensity",
        "alpha": 0.81,
        "ci": [0.70, 0.89],
        "n": 24,
        "suppressed": False,
    }
]
CHANGE = {
    "from_round_id": 3,
    "to_round_id": 4,
    "measure": "propensity",
    "welch": {
        "kind": "welch",
        "n_before": 5,
        "n_after": 6,
        "difference": -7.5,
        "ci": [-15.2, 0.2],
        "cohens_d": -0.8,
        "d_sd": "pooled",
    },
    "paired": None,
    "n_shared": 4,
}
TRENDS = {
    "collaboration_id": 7,
    "k": 3,
    "rounds": [
        {
            "id": 3,
            "label": "Nulmeting",
            "phase": "preparation",
            "status": "closed",
            "opens_at": "2026-03-09T08:00:00Z",
            "closes_at": "2026-03-23T17:00:00Z",
            "opened_at": "2026-03-09T08:00:02Z",
            "closed_at": "2026-03-23T17:00:00Z",
        }
    ],
    "parties": [
        {
            "party_id": 12,
            "name": "Gemeente Utrecht",
            "rounds": [{"round_id": 3, **SHOWN_GROUP}],
            "response_rates": {"3": 0.83},
            "changes": [CHANGE],
            "targets": [
                {"target_party_id": 13, "rounds": [{"round_id": 3, **SHOWN_GROUP}], "changes": []}
            ],
        }
    ],
    "alerts": [
        {
            "id": 1,
            "round_id": 4,
            "party_id": 12,
            "target_party_id": None,
            "kind": "decline",
            "measure": "propensity",
            "detail": {"difference": -7.5, "ci": [-15.2, -0.2]},
            "created_at": "2026-06-01T17:00:00Z",
            "acknowledged_at": None,
        }
    ],
}
