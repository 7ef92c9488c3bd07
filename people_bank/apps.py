from django.apps import AppConfig


class PeopleBankConfig(AppConfig):
    name = "people_bank"
    verbose_name = "People Bank"

    def ready(self):
        from people_bank import signals
        from people_bank.dashboard import register_panels
        from people_bank.payments.retention import register_rules as register_payment_rules
        from people_bank.retention import register_rules

        register_panels()
        register_rules()
        register_payment_rules()
        signals.connect()

        from people_bank.models import ClinicalManagementGroup, Interest, Service
        from ppe import counts

        # Reference data whose filter options each process keeps (ppe.filters).
        counts.watch(ClinicalManagementGroup, Interest, Service)
