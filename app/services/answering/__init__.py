"""The partner's questionnaire: its context, pages, validation, scoring and stored answers."""
