import datetime


def nhs_date(name: str, day: datetime.date) -> dict:
    """The three boxes of an NHS.UK date input, filled in as a person would."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
