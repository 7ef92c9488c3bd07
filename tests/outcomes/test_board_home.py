"""A Board member's home page: published case studies, nothing in draft."""

import pytest
from django.urls import reverse

from tests.factories import default_ladder

pytestmark = pytest.mark.django_db


def test_a_board_member_finds_the_latest_published_case_studies_on_their_home_page(board_client):
    from tests.factories import CaseStudyFactory

    default_ladder()
    CaseStudyFactory(title="Discharge before midday", status="published")
    CaseStudyFactory(title="A draft not yet approved", status="draft")
    page = board_client.get(reverse("home")).content.decode()
    assert "Discharge before midday" in page and "A draft not yet approved" not in page
