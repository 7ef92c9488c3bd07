"""Template helpers for involvement requests: rung radios with their guidance, status tags."""

from dataclasses import dataclass

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString

register = template.Library()


@dataclass
class RungChoice:
    id: str
    hint_id: str
    tag: SafeString
    rung: object


@register.simple_tag
def rung_choices(bf):
    """One radio per rung, each described by its own guidance (aria-describedby)."""
    widget = bf.field.widget
    rungs = {str(rung.pk): rung for rung in bf.field.queryset}
    attrs = bf.build_widget_attrs({"id": bf.auto_id} if bf.auto_id else {})
    attrs.pop("aria-describedby", None)
    attrs.pop("aria-invalid", None)
    attrs["class"] = "nhsuk-radios__input"
    choices = []
    for _group, options, _index in widget.optgroups(bf.html_name, widget.format_value(bf.value()), attrs):
        for option in options:
            rung = rungs.get(str(option["value"]))
            if rung is None:
                continue
            option_id = option["attrs"].get("id", "")
            option["attrs"]["aria-describedby"] = f"{option_id}-hint"
            tag = BoundWidget(widget, option, bf.form.renderer).tag(wrap_label=False)
            choices.append(RungChoice(id=option_id, hint_id=f"{option_id}-hint", tag=tag, rung=rung))
    return choices


STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "in_assessment": "purple",
    "more_info": "yellow",
    "accepted": "green",
    "declined": "red",
    "people_allocated": "aqua-green",
    "active": "green",
    "evaluation": "orange",
    "closed": "white",
    "withdrawn": "grey",
}


@register.inclusion_tag("involvement_requests/status_tag.html")
def status_tag(request):
    return {"colour": STATUS_COLOURS.get(request.status, "grey"), "label": request.get_status_display()}
