"""A request's clock from its recorded steps, through the one engine (rule 26): pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from confide.platform.core.deadlines import Pause, foi_clock, subject_access_clock
from confide.platform.requests.schemas import RequestKind, Stage


@dataclass(frozen=True, slots=True)
class Steps:
    """What the register records that the clock depends on."""

    kind: RequestKind
    received_on: date
    identity_confirmed_on: date | None
    clarification_asked_on: date | None
    clarification_received_on: date | None
    extension_months: int
    extension_days: int
    foi_applies: bool
    closed: bool


@dataclass(frozen=True, slots=True)
class Standing:
    stage: Stage
    due_on: date | None
    tell_extension_by: date | None


def standing(steps: Steps) -> Standing:
    """The stage and the dates: subject access and case-file requests run on the one-month
    clock (a case file's is the service's own standard: the same month), FOI on 20 UK
    working days, or on none where the service's controller is not a public body."""
    pause = (
        Pause(steps.clarification_asked_on, steps.clarification_received_on)
        if steps.clarification_asked_on is not None
        else None
    )
    if steps.kind is RequestKind.FOI:
        if not steps.foi_applies:
            return Standing(Stage.NOT_SUBJECT_TO_FOI, None, None)
        foi = foi_clock(
            steps.received_on, clarification=pause, public_interest_days=steps.extension_days
        )
        waiting = foi.final_due_on is None
        return Standing(
            _closed_or(steps, Stage.AWAITING_CLARIFICATION if waiting else Stage.RUNNING),
            foi.final_due_on,
            None,
        )
    clock = subject_access_clock(
        steps.received_on,
        identity_confirmed_on=steps.identity_confirmed_on,
        pauses=[pause] if pause else [],
        extension_months=steps.extension_months,
    )
    if clock.starts_on is None:
        stage = Stage.AWAITING_IDENTITY
    elif clock.stopped_since is not None:
        stage = Stage.AWAITING_CLARIFICATION
    else:
        stage = Stage.RUNNING
    return Standing(_closed_or(steps, stage), clock.final_due_on, clock.tell_extension_by)


def _closed_or(steps: Steps, stage: Stage) -> Stage:
    return Stage.CLOSED if steps.closed else stage
