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
