"""The default ladder of engagement and Quality Strategy priorities.

Loaded by migration 0002 into empty tables (the PPI team edits them afterwards), and by
tests that run after a database flush.
"""

RUNGS = [
    (
        1,
        "Informing",
        "inform",
        False,
        "We tell patients, carers and the public about a decision, a change or a service. "
        "Communication is one way: people are kept up to date but have no say.",
        "A leaflet about a new clinic; a web page on changes to visiting; a newsletter article.",
    ),
    (
        2,
        "Consulting",
        "engage",
        False,
        "We ask people for their views on options we have drawn up and take them into account. "
        "The decision stays with staff, and we tell people what we decided and why.",
        "A survey on appointment letters; comment cards on a new ward layout; a routine questionnaire.",
    ),
    (
        3,
        "Engaging",
        "engage",
        False,
        "We talk with patients and carers in depth and more than once, so their experience "
        "shapes how we understand the problem before options are set.",
        "Focus groups with people who use the discharge lounge; listening events with a community group.",
    ),
    (
        4,
        "Involving",
        "involve",
        True,
        "Patients and carers work with staff throughout the project, on its group or board, "
        "and influence what is done. Staff still make the final decisions.",
        "A Patient Partner on a project steering group; Hospital Improvers testing a new information pack.",
    ),
    (
        5,
        "Collaborating / Partnering",
        "involve",
        True,
        "Patients and staff share the work and agree decisions together at each stage, "
        "including which options to take forward.",
        "Patients and staff jointly choosing the priorities of a service redesign and reviewing the results.",
    ),
    (
        6,
        "Co-producing",
        "coproduce",
        True,
        "Staff work in equal partnership with patients and carers from the very start, sharing "
        "power and decisions in the design, delivery, management and evaluation of the work.",
        "A clinic pathway designed, run and evaluated by patients and staff as equals from initiation.",
    ),
]

PRIORITIES = [
    ("Safe care: reducing avoidable harm", "Fewer falls, pressure ulcers, infections and medication errors."),
    ("Effective care: better outcomes", "Care that follows the best evidence, with fewer avoidable deaths."),
    (
        "Patient experience: kind and person-centred care",
        "Patients and carers treated with dignity, kept informed and involved in decisions.",
    ),
    (
        "Timely care: flow and discharge",
        "Shorter waits and delays, from the front door to a safe discharge home.",
    ),
    ("Fair care: reducing inequalities", "Equal access and outcomes for every community the Trust serves."),
    ("Our people: a caring, well-led workforce", "Staff supported to give their best to patients."),
]


def load_defaults(Rung, QualityPriority) -> None:
    """Fill the tables if they are empty. Takes the model classes so a migration can pass
    its historical models."""
    if not Rung.objects.exists():
        for order, name, level, partners, description, examples in RUNGS:
            Rung.objects.create(
                order=order,
                name=name,
                spectrum_level=level,
                partners_allowed=partners,
                description=description,
                examples=examples,
            )
    if not QualityPriority.objects.exists():
        for order, (name, description) in enumerate(PRIORITIES, start=1):
            QualityPriority.objects.create(order=order, name=name, description=description)
