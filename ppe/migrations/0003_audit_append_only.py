from django.db import migrations

# On PostgreSQL the audit trail is append-only for everyone, the application included.
# (TRUNCATE is left to the database owner: the test runner empties tables with it.)
FORWARD = """
CREATE OR REPLACE FUNCTION ppe_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ppe_audit_no_update BEFORE UPDATE OR DELETE ON ppe_auditevent
    FOR EACH ROW EXECUTE FUNCTION ppe_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS ppe_audit_no_update ON ppe_auditevent;
DROP FUNCTION IF EXISTS ppe_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ppe", "0002_audit_event")]

    operations = [migrations.RunPython(forward, backward)]
