"""Consent's own errors, derived from the core ones (each surface answers those once), so
consent never raises case work's: the two domains can change apart."""

from __future__ import annotations

from confide.platform.core.errors import Forbidden


class NotPermitted(Forbidden):
    """The person's role, or their grounds on the case (break-glass), do not allow this
    act of consent or sharing."""
