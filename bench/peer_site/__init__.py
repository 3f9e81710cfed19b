"""The peer, django-survey-and-report, as a minimal Django site (run in its own virtualenv)."""
