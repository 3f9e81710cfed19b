"""/r/{token}: a client guessing share links is stopped, and then learns nothing more."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.models.share import ShareCreate, ShareSection
from app.services.results import shares
from tests.conftest import make_settings
from tests.factories import make_open_collaboration

GUESS = "Xb3k9QmA0vZ8pL2rT5wY7uN1cE4dF6g"


def test_unknown_share_links_are_limited_per_client(database_url: str, session: Session) -> None:
    settings = make_settings(database_url, token_rate_limit=3, token_rate_window_seconds=600)
    opened = make_open_collaboration(session, settings=settings)
    link = shares.create_share(
        session,
        organisation_id=opened.organisation_id,
        round_id=opened.round.id or 0,
        data=ShareCreate(sections=[ShareSection.MATRIX]),
        settings=settings,
    )
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.7", 50000)) as guesser:
        assert guesser.get(f"/r/{link.token}").status_code == 200
        for number in range(3):
            assert guesser.get(f"/r/{GUESS}{number}").status_code == 404
        refused = guesser.get(f"/r/{GUESS}x")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        # Past the limit even a real link is refused: the answer no longer tells real from false.
        assert guesser.get(f"/r/{link.token}").status_code == 429
    with TestClient(app, client=("198.51.100.9", 50000)) as someone_else:
        assert someone_else.get(f"/r/{link.token}").status_code == 200
        assert someone_else.get(f"/r/{GUESS}y").status_code == 404
