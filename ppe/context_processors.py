from django.conf import settings

from ppe import navigation


def service(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_name": settings.SERVICE_NAME,
        "trust_name": settings.TRUST_NAME,
        "nav_items": navigation.items_for(user) if signed_in else [],
    }
