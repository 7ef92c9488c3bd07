"""The app's URLs and the floor: the same stack (sessions, sign-in, layout) rendering a
table of N rows held in memory, so each page's time can be read against what the
framework itself costs for a page of that size."""

import datetime

from django.shortcuts import render
from django.urls import path

from ppe.urls import handler500  # noqa: F401
from ppe.urls import urlpatterns as app_urlpatterns

TODAY = datetime.date(2026, 12, 1)


def floor(request, rows: int):
    data = [
        {"pk": n, "name": f"Row {n} Example", "status": "Active", "date": TODAY, "count": n * 7 % 13}
        for n in range(rows)
    ]
    return render(request, "floor.html", {"rows": data})


urlpatterns = [path("__floor__/<int:rows>/", floor, name="bench_floor"), *app_urlpatterns]
