"""Who is signed in, read in one query per request.

Every signed-in page needs the user, their roles (ppe.access) and whether the PPI team's
two-factor rule applies to them (ppe.two_factor). Django's ModelBackend reads the user
alone; the roles then came from the cache and the device from a second query. This backend
reads all three in one statement, always current, so a change of group or policy applies
on the very next request.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from ppe.access import Role
from ppe.compiled import execute, prepared_statement
from ppe.models import SecurityPolicy, TwoFactorDevice

BACKEND = "ppe.auth.SignedInBackend"

# On PostgreSQL the statement is prepared once per database connection and then only
# executed (ppe.compiled.execute): parsing and planning its joins and subqueries cost the
# server about 0.3 ms, three times running it, and every signed-in request pays it. The
# rows are still read afresh each time; only the plan is kept.
PREPARED_NAME = "ppe_signed_in_user"


@cache
def _statement() -> tuple[str, tuple[str, ...], object]:
    """One row per group the user is in (one row with no group name when there is none):
    the SQL, the user's attribute names and the SQL as a statement to prepare."""
    user = get_user_model()
    q = connection.ops.quote_name
    membership = user.groups.through._meta
    columns = tuple(field.column for field in user._meta.concrete_fields)
    user_columns = ", ".join(f"u.{q(column)}" for column in columns)
    sql = (
        f"SELECT {user_columns}, g.{q('name')},"  # noqa: S608 (names from the models, the id a parameter)
        f" EXISTS (SELECT 1 FROM {q(TwoFactorDevice._meta.db_table)} d WHERE d.{q('user_id')} = u.{q('id')}),"
        f" (SELECT p.{q('require_two_factor_for_ppi_team')} FROM {q(SecurityPolicy._meta.db_table)} p"
        f" WHERE p.{q('id')} = 1)"
        f" FROM {q(user._meta.db_table)} u"
        f" LEFT JOIN {q(membership.db_table)} m ON m.{q(membership.get_field('user').column)} = u.{q('id')}"
        f" LEFT JOIN {q(Group._meta.db_table)} g ON g.{q('id')} = m.{q(membership.get_field('group').column)}"
        f" WHERE u.{q('id')} = %s"
    )
    attnames = tuple(field.attname for field in user._meta.concrete_fields)
    return sql, attnames, prepared_statement(sql, (0,), name=PREPARED_NAME)


class SignedInBackend(ModelBackend):
    """ModelBackend's sign-in, with the signed-in user read together with their roles and
    two-factor state (kept on the user for ppe.access.roles_of and ppe.two_factor)."""

    def get_user(self, user_id):
        sql, attnames, prepared = _statement()
        with connection.cursor() as cursor:
            execute(cursor, sql, prepared, [user_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        width = len(attnames)
        user = get_user_model().from_db(connection.alias, attnames, rows[0][:width])
        if not self.user_can_authenticate(user):
            return None
        names = {row[width] for row in rows}
        user._ppe_roles = frozenset(role for role in Role if role.value in names)
        has_device, policy = rows[0][width + 1], rows[0][width + 2]
        user._ppe_two_factor = (bool(policy), bool(has_device))
        return user
