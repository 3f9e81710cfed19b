"""Privacy promises kept: erasure, retention and the audit log."""
