"""Demo users, one for each role. Development only: `seed_demo` refuses to run with DEBUG
off unless told --force, and prints these logins."""

from django.contrib.auth.models import Group, User

from ppe.access import Role

DEMO_USERS = [
    # username, password, first, last, role
    ("ppi", "ppi-demo-password", "Priya", "Sharma", Role.PPI_TEAM),
    ("ppi2", "ppi-demo-password", "Tom", "Okafor", Role.PPI_TEAM),
    ("qilead", "qi-demo-password", "Gareth", "Lewis", Role.QI_LEAD),
    ("qilead2", "qi-demo-password", "Aisha", "Begum", Role.QI_LEAD),
    ("board", "board-demo-password", "Margaret", "Ellis", Role.BOARD),
]
ADMIN = ("admin", "admin-demo-password")


def create_demo_users() -> list[tuple[str, str, str]]:
    made = []
    for username, password, first, last, role in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.nhs.uk",
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        made.append((role.value, username, password))
    admin, _ = User.objects.update_or_create(
        username=ADMIN[0],
        defaults={"email": "admin@example.nhs.uk", "is_staff": True, "is_superuser": True},
    )
    admin.set_password(ADMIN[1])
    admin.save()
    made.append(("Administrator (Django admin)", *ADMIN))
    return made


# What staff do, as the audit log records it: mostly looking at people and requests.
_AUDIT_MIX = [
    ("view", "people_bank.person", "", 70),
    ("view", "involvement_requests.involvementrequest", "", 12),
    ("change", "people_bank.person", "", 6),
    ("create", "people_bank.conversation", "", 5),
    ("view", "people_bank.person", "equality", 2),
    ("change", "involvement_requests.involvementrequest", "status", 2),
    ("export", "people_bank.person", "people list", 1),
    ("download", "outcomes.reportversion", "", 1),
    ("sign_in_failed", "auth.user", "", 1),
]


def seed_audit(*, rng, count: int, log) -> None:
    """`count` audit events over the last three years, newest busiest (the team grew), by
    the staff accounts there are, about the people and requests there are. Inserted
    directly: the log only ever has rows added, and these are as the app records them."""
    from datetime import timedelta

    from django.utils import timezone

    from involvement_requests.models import InvolvementRequest
    from people_bank.models import Person
    from ppe.bulk import insert_rows
    from ppe.models import AuditEvent

    if count <= 0:
        return
    staff = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", "username"))
    busiest = [row for row in staff if row[1] in ("ppi", "ppi2")]
    people = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    requests = InvolvementRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    kinds = [row[:3] for row in _AUDIT_MIX]
    weights = [row[3] for row in _AUDIT_MIX]
    now = timezone.now()
    span = timedelta(days=3 * 365).total_seconds()

    def rows():
        for _ in range(count):
            action, subject_type, detail = rng.choices(kinds, weights)[0]
            user_id, username = rng.choice(busiest) if busiest and rng.random() < 0.6 else rng.choice(staff)
            top = requests if subject_type.startswith("involvement") else people
            subject = str(
                min(top, int(rng.paretovariate(1.2)) if rng.random() < 0.3 else rng.randint(1, top))
            )
            at = now - timedelta(seconds=span * rng.random() ** 1.5)
            yield (at, user_id, username, action, subject_type, subject, detail, "10.0.0.1")

    fields = ("at", "user_id", "username", "action", "subject_type", "subject_id", "detail", "ip_address")
    insert_rows(AuditEvent, fields, rows())
    log(f"  audit: {count} events")
