"""Table rows drawn by Jinja2 (ppe.rows) read as Django's engine would draw them."""

import datetime

import jinja2
import pytest
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from ppe.models import AuditEvent
from ppe.rows import date_time, date_time_seconds, environment, render_rows

pytestmark = pytest.mark.django_db


def _django(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_moments_are_written_as_the_date_filter_writes_them_in_local_time():
    for moment in (
        timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 30, 5)),
        datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    ):
        assert date_time(moment) == _django('{{ m|date:"j M Y, H:i" }}', m=moment)
        assert date_time_seconds(moment) == _django('{{ m|date:"j M Y, H:i:s" }}', m=moment)
    summer_utc = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert date_time(summer_utc) == "1 Jul 2026, 00:30"  # British Summer Time


def test_values_are_escaped_but_django_safe_strings_are_kept():
    template = environment().from_string("{{ text }}|{{ safe }}")
    html = template.render(text='<script>alert("x")</script>', safe=mark_safe("<b>kept</b>"))
    assert html == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;|<b>kept</b>"


def test_a_name_the_rows_use_but_were_not_given_is_an_error_not_a_blank():
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()


def test_audit_rows_show_each_event_and_escape_what_was_typed(ppi_client, ppi_user):
    AuditEvent.objects.create(
        user=ppi_user,
        username=ppi_user.username,
        action=AuditEvent.Action.VIEW,
        subject_type="person",
        subject_id="42",
        detail="<i>searched</i>",
    )
    page = ppi_client.get("/audit/").content.decode()
    assert "&lt;i&gt;searched&lt;/i&gt;" in page
    assert "person 42" in page
    assert str(render_rows("audit/_event_rows.jinja", events=[])).count("No events match.") == 1
