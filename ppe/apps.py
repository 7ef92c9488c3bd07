from django.apps import AppConfig


class PpeConfig(AppConfig):
    name = "ppe"
    verbose_name = "PPI service"

    def ready(self) -> None:
        from ppe import retention, signals  # noqa: F401

        retention.register_platform_rules()
