"""Loaded only into the worker that test_report_worker_lost starts and then kills: the
first report it renders takes a minute, so the test can kill it mid-report. A marker file
makes sure the worker that takes the job over renders at normal speed."""

import os
import time
from pathlib import Path

from outcomes.report import services

_render = services.render_pdf
MARKER = Path(os.environ["PPE_SLOW_RENDER_MARKER"])


def _slow_first_render(*args, **kwargs):
    if not MARKER.exists():
        MARKER.write_text("slowed")
        time.sleep(60)
    return _render(*args, **kwargs)


services.render_pdf = _slow_first_render
