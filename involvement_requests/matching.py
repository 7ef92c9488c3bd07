"""Who to suggest for a request, and why: one plain function of values, no database.

`rank(wanted, candidates)` scores each candidate against what the request wants and returns
the suggestions best first, each with its reasons in words. The database narrows the bank
to a pool of likely people first (involvement_requests.selectors.match_for_request); this
decides the order and the words.

Equality answers reach this module only as one number per candidate, `diversity_gain`:
how many answers they hold that the group working on the request does not. The answers
themselves never come back out, and no reason names a characteristic.
"""

from __future__ import annotations

import datetime
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

PAID_SESSIONS_CAP = 6  # a Patient Partner is paid for at most six sessions a calendar month

# Points for each reason; the weights are the PPI team's sense of what matters most.
SERVICE_POINTS = 3
INTEREST_POINTS = 2
FORMAT_POINTS = 2
FORMAT_MISMATCH = -4
DAY_POINTS = 1
NOT_RECENTLY_INVOLVED = 2
LOAD_PENALTY = 2  # per recent allocation or invitation
DIVERSITY_POINTS = 1  # per answer the group lacks, up to DIVERSITY_MAX
DIVERSITY_MAX = 3
AT_CAP_PENALTY = -20
COUNTED_MATCHES = 3  # more matching services or interests than this add nothing

DAY_LABELS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True)
class Wanted:
    """What the request asks for, as the match page sees it."""

    on: datetime.date
    services: frozenset[int] = frozenset()
    interests: frozenset[int] = frozenset()
    online: bool = False  # the work happens online …
    face_to_face: bool = False  # … or face to face (both False: either will do)
    days: frozenset[str] = frozenset()
    partners_allowed: bool = False  # the request's rung lets Patient Partners be allocated
    recent_months: int = 6


@dataclass(frozen=True)
class Candidate:
    person_id: int
    status: str = "active"
    can_be_invited: bool = True
    services: Mapping[int, str] = field(default_factory=dict)
    interests: Mapping[int, str] = field(default_factory=dict)
    online: bool = False
    face_to_face: bool = False
    days: frozenset[str] = frozenset()
    is_improver: bool = False  # a confirmed Hospital Improver
    partner_started_on: datetime.date | None = None  # set for Patient Partners
    partner_tenure_ends_on: datetime.date | None = None
    recent_load: int = 0  # allocations and invitations in the last `recent_months`
    paid_sessions: int = 0  # paid sessions this calendar month
    diversity_gain: int = 0


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    score: int
    as_partner: bool  # may be allocated as a Patient Partner on this request
    as_improver: bool  # may be invited as a Hospital Improver
    reasons: tuple[str, ...]
    cautions: tuple[str, ...] = ()


def uk_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def tenure_in_force(candidate: Candidate, on: datetime.date) -> bool:
    started, ends = candidate.partner_started_on, candidate.partner_tenure_ends_on
    return started is not None and ends is not None and started <= on < ends


def diversity_gain(group: Iterable[tuple[str, str]], candidate: Iterable[tuple[str, str]]) -> int:
    """How many (characteristic, answer) pairs the candidate would add to the group's.

    An empty group gains nothing to compare against, so no one scores for it then."""
    have = set(group)
    if not have:
        return 0
    return len(set(candidate) - have)


def _names(matched: Mapping[int, str]) -> str:
    names = sorted(matched.values())
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def base_points(
    wanted: Wanted,
    *,
    services: int,
    interests: int,
    online: bool,
    face_to_face: bool,
    days: Container[str],
    recent_load: int,
) -> int:
    """The points for what the request wants and how busy someone has been, from counts
    only: cheap enough to run over the whole bank, so the database's pool is cut by the
    same weights the full score uses. `services` and `interests` count the matches.

    involvement_requests.selectors._base_points_sql says the same in SQL, to cut the pool
    in the database: change the two together (a test compares them)."""
    points = SERVICE_POINTS * min(services, COUNTED_MATCHES) + INTEREST_POINTS * min(
        interests, COUNTED_MATCHES
    )
    if wanted.online or wanted.face_to_face:
        fits = (wanted.online and online) or (wanted.face_to_face and face_to_face)
        points += FORMAT_POINTS if fits else FORMAT_MISMATCH
    points += DAY_POINTS * sum(1 for day in wanted.days if day in days)
    if recent_load == 0:
        points += NOT_RECENTLY_INVOLVED
    else:
        points -= LOAD_PENALTY * recent_load
    return points


def score(wanted: Wanted, candidate: Candidate) -> Suggestion | None:
    """The candidate's suggestion for this request, or None when they must not appear:
    not active, no consent to be invited, or neither a Hospital Improver nor a Patient
    Partner in tenure on a rung that allows partners."""
    if candidate.status != "active" or not candidate.can_be_invited:
        return None
    as_partner = wanted.partners_allowed and tenure_in_force(candidate, wanted.on)
    as_improver = candidate.is_improver
    if not (as_partner or as_improver):
        return None

    services = {k: v for k, v in candidate.services.items() if k in wanted.services}
    interests = {k: v for k, v in candidate.interests.items() if k in wanted.interests}
    points = base_points(
        wanted,
        services=len(services),
        interests=len(interests),
        online=candidate.online,
        face_to_face=candidate.face_to_face,
        days=candidate.days,
        recent_load=candidate.recent_load,
    )
    reasons: list[str] = []
    cautions: list[str] = []

    if as_partner:
        reasons.append(f"Patient Partner, tenure in force until {uk_date(candidate.partner_tenure_ends_on)}")
    if as_improver:
        reasons.append("Hospital Improver")
    reasons.append("Has agreed to be invited")
    if services:
        reasons.append(f"Experience of {_names(services)}")
    if interests:
        reasons.append(f"Cares about {_names(interests).lower()}")

    formats = [
        (wanted.online, candidate.online, "online"),
        (wanted.face_to_face, candidate.face_to_face, "face to face"),
    ]
    asked = [(has, label) for want, has, label in formats if want]
    if asked:
        can = [label for has, label in asked if has]
        if can:
            reasons.append(f"Can take part {' or '.join(can)}")
        else:
            cautions.append(f"Cannot take part {' or '.join(label for _has, label in asked)}")
    if wanted.days:
        free = [d for d in DAY_LABELS if d in wanted.days and d in candidate.days]
        if free:
            reasons.append("Free on " + ", ".join(DAY_LABELS[d] for d in free))
        else:
            cautions.append("Not usually free on the days wanted")

    if as_partner:
        if candidate.paid_sessions >= PAID_SESSIONS_CAP:
            points += AT_CAP_PENALTY
            cautions.append(
                f"Already has {candidate.paid_sessions} paid sessions this month: another would not be paid"
            )
        else:
            reasons.append(
                f"{candidate.paid_sessions} paid session{'s' if candidate.paid_sessions != 1 else ''} "
                f"this month, fewer than {PAID_SESSIONS_CAP}"
            )

    months = wanted.recent_months
    if candidate.recent_load == 0:
        reasons.append(f"Not asked to take part in the last {months} months")
    else:
        times = "once" if candidate.recent_load == 1 else f"{candidate.recent_load} times"
        cautions.append(f"Asked to take part {times} in the last {months} months")

    if candidate.diversity_gain > 0:
        points += DIVERSITY_POINTS * min(candidate.diversity_gain, DIVERSITY_MAX)
        reasons.append("Would widen the diversity of the group")

    return Suggestion(
        person_id=candidate.person_id,
        score=points,
        as_partner=as_partner,
        as_improver=as_improver,
        reasons=tuple(reasons),
        cautions=tuple(cautions),
    )


def rank(wanted: Wanted, candidates: Iterable[Candidate], limit: int | None = None) -> list[Suggestion]:
    """Every candidate who may appear, best first (ties: the longer-standing record first)."""
    suggestions = [s for s in (score(wanted, c) for c in candidates) if s is not None]
    suggestions.sort(key=lambda s: (-s.score, s.person_id))
    return suggestions[:limit] if limit is not None else suggestions
