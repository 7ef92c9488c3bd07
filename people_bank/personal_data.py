"""What other apps hold about a person, for subject access and erasure.

The People Bank owns people, but requests and outcomes hold things about them too
(allocations, attendance, suggestions, evaluation answers). They cannot be imported from
here (the dependency runs the other way), so each registers, from its AppConfig.ready(),
a function that returns its part of a subject access export and one that erases what
identifies the person, keeping rows that counts read."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    name: str
    export: Callable  # (person) -> dict of sections for the subject access export
    erase: Callable  # (person) -> None


_HOLDERS: list[Holder] = []


def register(holder: Holder) -> None:
    if all(existing.name != holder.name for existing in _HOLDERS):
        _HOLDERS.append(holder)


def export_all(person) -> dict:
    data: dict = {}
    for holder in _HOLDERS:
        data.update(holder.export(person))
    return data


def erase_all(person) -> None:
    for holder in _HOLDERS:
        holder.erase(person)
