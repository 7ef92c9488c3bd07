import random

import pytest

from involvement_requests import demo, rules
from involvement_requests.models import Assessment, InvolvementRequest, Status
from involvement_requests.services import answers_of
from people_bank import demo as people_demo
from ppe.demo import create_demo_users

pytestmark = pytest.mark.django_db


def test_demo_requests_cover_every_state_and_keep_the_rules():
    create_demo_users()
    people_demo.seed(
        rng=random.Random(1),
        sizes={"people": 30, "organisations": 5, "conversations": 40},
        log=lambda line: None,
    )
    demo.seed(rng=random.Random(7), sizes={"requests": 400}, log=lambda line: None)
    assert InvolvementRequest.objects.count() == 400
    assert set(InvolvementRequest.objects.values_list("status", flat=True)) == set(Status.values)
    assessed = InvolvementRequest.objects.filter(assessed_at__isnull=False).count()
    assert Assessment.objects.count() == assessed
    assert not InvolvementRequest.objects.filter(status=Status.CLOSED, achieved_rung__isnull=True).exists()
    # Every request past draft has every answer submitting asks for.
    for request in InvolvementRequest.objects.exclude(status=Status.DRAFT)[:100]:
        assert rules.missing_answers(answers_of(request)) == {}, request.pk
    # Running it again adds nothing.
    demo.seed(rng=random.Random(7), sizes={"requests": 400}, log=lambda line: None)
    assert InvolvementRequest.objects.count() == 400
