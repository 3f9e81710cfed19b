"""Setting up collaborations: questionnaires, parties, participants, rounds, invitations."""
