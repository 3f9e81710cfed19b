"""Final submissions streamed from several client threads, with a crash injected mid-stream."""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import Invitation, InvitationStatus, Response
from app.security import hash_token
from tests.production.conftest import SurveyWorld

REQUEST_TIMEOUT_SECONDS = 30
WAIT_SECONDS = 120


@dataclass
class Attempt:
    """One partner's final submission: the same key and body on every try."""

    token: str
    key: str
    body: dict[str, Any]
    acknowledged: dict[str, Any] | None = None  # the 200 body, once we got one
    refused: str | None = None  # a 4xx: the request itself was judged wrong
    in_flight: bool = False  # 409: the key's first try is still running
    tries: int = 0


@dataclass
class SubmissionStream:
    base_url: str
    world: SurveyWorld
    clients: int = 4
    attempts: list[Attempt] = field(init=False)
    _acks: int = 0
    _progress: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.attempts = [
            Attempt(token, uuid.uuid4().hex, self.world.final_submission(token))
            for token in self.world.tokens
        ]

    def run(self, *, crash_after_acks: int, crash: Callable[[], None]) -> None:
        """Stream every submission once; call `crash` when enough were acknowledged."""
        threads = [
            threading.Thread(target=self._client, args=(self.attempts[number :: self.clients],))
            for number in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        with self._progress:
            reached = self._progress.wait_for(
                lambda: self._acks >= crash_after_acks, timeout=WAIT_SECONDS
            )
        assert reached, f"only {self._acks} submissions were acknowledged before the crash"
        crash()
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)
            assert not thread.is_alive(), "a client thread hung"

    def retry_unanswered(self) -> list[Attempt]:
        retried = self.unanswered()
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            for attempt in retried:
                self._send(client, attempt)
        return retried

    def replay_mismatches(self) -> list[str]:
        """Send every acknowledged request again: each must replay its first 200, unchanged."""
        mismatches = []
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            for attempt in self.attempts:
                answer = client.post(
                    f"/api/v1/invitations/{attempt.token}/responses",
                    json=attempt.body,
                    headers={**self.world.headers, "Idempotency-Key": attempt.key},
                )
                if answer.status_code != 200 or answer.json() != attempt.acknowledged:
                    mismatches.append(f"{answer.status_code} {answer.text[:200]}")
        return mismatches

    def unanswered(self) -> list[Attempt]:
        return [a for a in self.attempts if a.acknowledged is None and a.refused is None]

    def _client(self, attempts: list[Attempt]) -> None:
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            for attempt in attempts:
                self._send(client, attempt)

    def _send(self, client: httpx.Client, attempt: Attempt) -> None:
        attempt.tries += 1
        headers = {**self.world.headers, "Idempotency-Key": attempt.key}
        try:
            answer = client.post(
                f"/api/v1/invitations/{attempt.token}/responses", json=attempt.body, headers=headers
            )
        except httpx.TransportError:
            return  # no answer: the client will retry
        if answer.status_code >= 500:
            return  # the server could not do it (its database was down): retry
        attempt.in_flight = answer.status_code == 409
        if attempt.in_flight:
            return  # retry later
        if answer.status_code != 200:
            attempt.refused = f"{answer.status_code} {answer.text}"
            return
        attempt.acknowledged = answer.json()
        with self._progress:
            self._acks += 1
            self._progress.notify_all()


def assert_retries_were_not_blocked(stream: SubmissionStream) -> None:
    """A crash leaves no Idempotency-Key behind: no retry was told its first try still runs."""
    blocked = [attempt.key for attempt in stream.attempts if attempt.in_flight]
    assert not blocked, f"{len(blocked)} retries got 409 for a request that died in the crash"


def assert_stored_exactly_once(engine: Engine, stream: SubmissionStream) -> None:
    """Every acknowledged submission is in the database once, with the answers that were sent."""
    refused = [a.refused for a in stream.attempts if a.refused]
    assert not refused, f"submissions were refused: {refused[:3]}"
    assert not stream.unanswered(), "some submissions never got an answer"
    with Session(engine) as session:
        for attempt in stream.attempts:
            assert attempt.acknowledged is not None
            invitation = session.exec(
                select(Invitation).where(Invitation.token_hash == hash_token(attempt.token))
            ).one()
            assert invitation.status == InvitationStatus.SUBMITTED
            acknowledged_at = datetime.fromisoformat(attempt.acknowledged["submitted_at"])
            assert invitation.submitted_at == acknowledged_at
            rows = session.exec(
                select(Response).where(Response.invitation_id == invitation.id)
            ).all()
            sent = stream.world.target_party_ids[attempt.token]
            assert sorted(row.target_party_id for row in rows) == sorted(sent)
            value = stream.world.value_for(attempt.token)
            for row in rows:
                assert row.submitted_at == acknowledged_at
                assert row.answers == dict.fromkeys(stream.world.item_ids, value)
