"""API keys remembered for a moment: a revoked key is refused at once in the same process."""

import pytest
from sqlmodel import Session

from app.services.identity import api_keys
from tests.factories import make_api_key, make_organisation


def test_an_authenticated_key_is_remembered_and_an_unknown_one_is_not(session: Session) -> None:
    organisation_id = make_organisation(session)
    secret = make_api_key(session, organisation_id=organisation_id)
    principal = api_keys.authenticate(session, authorization=f"Bearer {secret}")
    assert api_keys.recent_principal(f"Bearer {secret}") == principal
    assert api_keys.recent_principal("Bearer tm_not-a-key") is None
    assert api_keys.recent_principal(None) is None


def test_a_revoked_key_is_forgotten_and_refused_at_once(session: Session) -> None:
    organisation_id = make_organisation(session)
    created = api_keys.create_api_key(session, organisation_id=organisation_id, name="portal")
    header = f"Bearer {created.secret}"
    api_keys.authenticate(session, authorization=header)
    assert created.api_key.id is not None
    api_keys.revoke_api_key(session, organisation_id=organisation_id, api_key_id=created.api_key.id)
    assert api_keys.recent_principal(header) is None
    with pytest.raises(api_keys.Unauthorized):
        api_keys.authenticate(session, authorization=header)
