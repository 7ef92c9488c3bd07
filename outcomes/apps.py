from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes and Board reports"

    def ready(self):
        from involvement_requests.services import register_close_check
        from outcomes import panels, personal_data, retention, selectors
        from outcomes.report import panels as report_panels

        report_panels.register_all()
        panels.register_all()
        retention.register()
        personal_data.register_holder()
        # A request closes only once its outcomes are recorded and the feedback sent.
        register_close_check(selectors.close_check)

        from outcomes.models import Activity, FeedbackUpdate, Suggestion
        from ppe import counts

        counts.watch(Activity, FeedbackUpdate, Suggestion)
