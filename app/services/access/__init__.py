"""The small core every domain shares: load-or-404 in an organisation, paging, scoring rules."""
