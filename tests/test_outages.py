"""Telling an outage from a bug (``core/outages.py``): the whole chain is looked along, as
a traceback shows it, so an error raised ``from None`` is not taken for the outage it
was raised while handling."""

from __future__ import annotations

import pytest

from confide.platform.core.outages import is_outage, outage_of


class Missing(Exception):
    """A bug-like error raised while handling an ``OSError``."""


def _raised(how: str) -> BaseException:
    try:
        try:
            raise ConnectionRefusedError("refused")
        except OSError as refused:
            if how == "from None":
                raise Missing() from None
            if how == "from":
                raise Missing() from refused
            raise Missing()  # noqa: B904 - the implicit chain is what is tested
    except Missing as error:
        return error
    raise AssertionError("nothing raised")


@pytest.mark.parametrize(
    ("how", "outage"), [("from None", False), ("from", True), ("while handling", True)]
)
def test_an_error_raised_from_none_ends_the_chain(how: str, outage: bool) -> None:
    error = _raised(how)
    assert is_outage(error) is outage
    assert (outage_of(error) is not None) is outage


def test_a_cause_is_followed_past_a_suppressed_context() -> None:
    """``raise X from Y`` also sets ``__suppress_context__``: its cause still counts."""
    error = Missing()
    error.__cause__ = TimeoutError()
    error.__suppress_context__ = True
    assert isinstance(outage_of(error), TimeoutError)
