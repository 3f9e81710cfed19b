"""Server-rendered pages: the partner's questionnaire and the coach's workspace."""
