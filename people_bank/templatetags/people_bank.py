from django import template

register = template.Library()


@register.filter
def staff_name(user, empty: str = "None") -> str:
    """A staff user's full name, or their username, or `empty` when there is no one."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()
