import shutil

import pytest
from django.conf import settings

from outcomes.report import figures
from tests.factories import ClinicalManagementGroupFactory, ServiceFactory

SAMPLE_SOURCE = figures.Source("tests.outcomes.sources.sample_figures")


@pytest.fixture
def sample_source(monkeypatch):
    """Wire the stand-in selector in, as the owning apps' selectors will be at merge."""
    monkeypatch.setattr(figures, "SOURCES", [SAMPLE_SOURCE])


@pytest.fixture
def services_by_cmg(db):
    """Cardiology with two services and Renal with one: three "requests received"."""
    cardiology = ClinicalManagementGroupFactory(name="Cardiology")
    renal = ClinicalManagementGroupFactory(name="Renal")
    ServiceFactory(cmg=cardiology, name="Heart failure clinic")
    ServiceFactory(cmg=cardiology, name="Cardiac rehabilitation")
    ServiceFactory(cmg=renal, name="Dialysis")
    return {"Cardiology": cardiology, "Renal": renal}


@pytest.fixture
def report_files():
    """The folder report files go to, emptied before and after the test."""
    folder = settings.MEDIA_ROOT / "board-reports"
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def stored_files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
