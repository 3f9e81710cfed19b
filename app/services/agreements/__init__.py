"""The action loop: agreements made after a round, their follow-up, and the coach's notes."""
