"""The strategy's priority groups to start with: the migration loads them once, and the
PPI team edits the list afterwards."""

PRIORITY_GROUPS = [
    "Ethnic minority communities",
    "Young people (16 to 25)",
    "Disabled people",
    "Unpaid carers",
    "People living in the most deprived areas",
    "LGBTQ+ people",
]
