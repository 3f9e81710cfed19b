"""Machinery the use cases stand on: unit of work, write lock, batch writer, SMTP, caches."""
