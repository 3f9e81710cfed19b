"""The coach's workspace: sign-in, collaborations, parties, participants, rounds, dashboard."""
