"""Mistakes of the person running a command: one sentence and exit 2, never a traceback."""


class UserError(Exception):
    """Raised for a bad path, an unknown assignment, a device that is not there."""
