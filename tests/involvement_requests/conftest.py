import pytest

from involvement_requests import services
from involvement_requests.models import Timing
from tests.factories import InvolvementRequestFactory, rung


@pytest.fixture
def complete_draft(qi_user):
    return InvolvementRequestFactory(submitted_by=qi_user, complete=True)


@pytest.fixture
def submitted(complete_draft, qi_user):
    return services.request_submit(request=complete_draft, by=qi_user)


@pytest.fixture
def in_assessment(submitted, ppi_user):
    return services.request_start_assessment(request=submitted, by=ppi_user)


def score(request, by, **overrides):
    values = {
        "relevance": 3,
        "patient_focus": 3,
        "timing": Timing.INITIATION,
        "equality": 2,
        "recommended_rung": rung(5),
    }
    return services.assessment_save(request=request, by=by, **{**values, **overrides})


@pytest.fixture
def accepted(in_assessment, ppi_user):
    score(in_assessment, ppi_user)
    return services.request_accept(request=in_assessment, by=ppi_user)
