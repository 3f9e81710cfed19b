"""The REST API for integrations (mounted at /api/v1)."""
