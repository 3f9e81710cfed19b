"""What a delivery (e-mail, webhook) can report besides success; any other exception is retried."""


class DeliveryAbandoned(Exception):
    """Retrying cannot help (no address any more, invitation revoked): the job fails now."""


class DeliverySkipped(Exception):
    """The job no longer needs sending (a reminder to someone who has since submitted)."""
