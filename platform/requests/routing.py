"""Who a subject access request may proceed for, by the young person's age and capacity
(rule 30, policy 3.2): pure, no database.

The tenant's capacity age (default 12) presumes a young person at or over it can decide
for themselves, and a recorded judgement either way stands over the presumption
(``consent/capacity.assess``). Then:

- the young person's own request (made by "the young person themselves" and recorded as
  about the case's young person) proceeds when they can decide for themselves, with the
  full view of what they may have; while they cannot (or no one knows: no date of birth
  and no judgement), it waits for a recorded judgement that they can;
- anyone else's request about them (a parent's, a carer's, a solicitor's...) is answered
  with the parent's view only (nothing from the young person's confidential side, rule
  15). It proceeds at once about a young person who cannot decide for themselves; about
  one who can, it waits until the young person's agreement is recorded, or a manager
  records a judgement that they lack capacity (which then routes it as the first case);
  about one whose capacity no one knows, it waits for either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from confide.platform.exports.schemas import BundleView
from confide.platform.requests.schemas import Relation


class Route(StrEnum):
    OWN = "own"  # the young person's own request
    FOR_CHILD = "for_child"  # someone else's, about a young person who cannot yet decide
    NEEDS_AGREEMENT = "needs_agreement"  # someone else's, about one who can decide
    CAPACITY_UNKNOWN = "capacity_unknown"  # someone else's; no one knows if they can


class WaitsFor(StrEnum):
    AGREEMENT = "agreement"  # the young person's agreement (or a judgement of no capacity)
    CAPACITY = "capacity"  # a judgement that the young person can decide for themselves
    AGREEMENT_OR_CAPACITY = "agreement_or_capacity"  # either, as nothing is known yet


@dataclass(frozen=True, slots=True)
class Routing:
    route: Route
    waits_for: WaitsFor | None  # None: it proceeds
    view: BundleView  # whose view the bundle holds

    @property
    def proceeds(self) -> bool:
        return self.waits_for is None


def route(
    relation: Relation, has_capacity: bool | None, agreed: bool, *, about_young_person: bool
) -> Routing:
    """The route of a subject access request made by someone of ``relation`` to the young
    person, who can decide for themselves (``has_capacity``: True, False, or None when
    unknown), with or without their agreement recorded. ``about_young_person``: the
    request's recorded data subject is the case's young person. Only a request from the
    person themselves *about the young person* is the young person's own: anyone else's,
    and a "self" request about someone else on the case (a parent asking for their own
    data), is answered with the parent's view."""
    if relation is Relation.SELF and about_young_person:
        waits = None if has_capacity else WaitsFor.CAPACITY
        return Routing(Route.OWN, waits, BundleView.FULL)
    if has_capacity is False:
        return Routing(Route.FOR_CHILD, None, BundleView.PARENT)
    if has_capacity is None:
        waits = None if agreed else WaitsFor.AGREEMENT_OR_CAPACITY
        return Routing(Route.CAPACITY_UNKNOWN, waits, BundleView.PARENT)
    return Routing(Route.NEEDS_AGREEMENT, None if agreed else WaitsFor.AGREEMENT, BundleView.PARENT)
