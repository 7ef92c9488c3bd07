from django.apps import AppConfig


class InvolvementRequestsConfig(AppConfig):
    name = "involvement_requests"
    verbose_name = "Patient Involvement Requests"

    def ready(self):
        from involvement_requests import dashboard, personal_data
        from ppe.access import Role
        from ppe.dashboard import Panel, register

        register(
            Panel(Role.QI_LEAD, "involvement_requests/panels/qi_lead.html", dashboard.qi_lead_panel, order=10)
        )
        register(
            Panel(
                Role.PPI_TEAM, "involvement_requests/panels/ppi_team.html", dashboard.ppi_team_panel, order=20
            )
        )
        personal_data.register_holder()

        from involvement_requests.models import InvolvementRequest, QualityPriority, Rung
        from people_bank.models import ClinicalManagementGroup
        from ppe import counts

        counts.watch(InvolvementRequest)
        # Reference data: filter options (ppe.filters) and names in request lists
        # (selectors.reference) are kept until it changes.
        counts.watch(QualityPriority, Rung, ClinicalManagementGroup)
