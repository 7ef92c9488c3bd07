from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes and Board reports"

    def ready(self):
        from outcomes.report import panels

        panels.register_all()
