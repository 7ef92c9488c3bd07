"""Filters shared by every list page."""

import copy
from collections import OrderedDict
from typing import ClassVar

import django_filters
from django import forms
from django.db.models import Model

from ppe import counts
from ppe.models import AuditEvent

# Each process's copy of the options of reference-data filters: (versions, options, the
# rows by option value) by filter. Reference data (CMGs, services, issues, rungs,
# priorities) changes a few times a year, and its lists are drawn on every request of
# every list page.
_KEPT_OPTIONS: dict[str, tuple[str, list[tuple[str, str]], dict[str, Model]]] = {}


def _models_read(field: forms.ModelChoiceField) -> list:
    """The field's model and those it points at (an option's label may name them)."""
    model = field.queryset.model
    return [model, *(f.related_model for f in model._meta.concrete_fields if f.is_relation)]


class _FiltersCopiedCheaply(OrderedDict):
    """A FilterSet's declared filters, which django-filter deep-copies for every request
    (FilterSet.__init__), following each filter's widget, choices and queryset down to the
    queryset's SQL tree: several hundred objects on a list page. A request sets only its
    own `parent` and `model` on a filter (and django-filter may put a queryset in its
    `extra`), so each filter is copied with its own `extra` and its own method binding,
    and shares what is never changed."""

    def __deepcopy__(self, memo):
        return OrderedDict((name, _filter_copy(declared)) for name, declared in self.items())


def _filter_copy(declared: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(declared)
    copied.extra = dict(declared.extra)
    if declared.method is not None:
        copied.method = declared.method  # binds a FilterMethod to the copy, not the original
    return copied


class KeptChoicesFilterSet(django_filters.FilterSet):
    """A FilterSet whose model choice controls take their options from this process's copy
    while the models they read are unchanged (versions kept by `ppe.counts`), rather than
    from a query on every page, and values sent are checked against the same copy (the
    rows they name are the kept rows: read them, never change them). A control whose
    models are not all watched, or any while the cache is not answering, queries as
    usual: a change must never go unseen. Only for controls whose options are the
    same for every user (they are kept by FilterSet and field name), and FilterSets whose
    filters are the same on every request (the form class is made once)."""

    _form_classes: ClassVar[dict[type, type]] = {}

    @classmethod
    def get_filters(cls):
        return _FiltersCopiedCheaply(super().get_filters())

    def get_form_class(self):
        # django-filter makes a new form class, and a new field for every filter, on every
        # request. The filters are declared on the class, so their form class is made once
        # per FilterSet class; each form still gets its own copy of the fields.
        form_class = self._form_classes.get(type(self))
        if form_class is None:
            form_class = self._form_classes[type(self)] = super().get_form_class()
        return form_class

    # The version of every option the form offers: a string while they are all kept (and
    # so the same filters with the same values draw the same HTML), None when some option is
    # read from the database on each request.
    options_version: str | None = None

    # By FilterSet: the options version and a form class whose forms start from fields
    # already set up for it.
    _prepared_forms: ClassVar[dict[type, tuple[str, type]]] = {}

    @classmethod
    def prepare_fields(cls, fields: dict[str, forms.Field]) -> None:
        """Set up a new set of fields once (classes, attributes), before forms share it."""

    def filtered_by(self, queryset, data: dict):
        """`queryset` narrowed by each filter's value in `data` (cleaned values, by filter
        name), as FilterSet.filter_queryset narrows it by the form's: for a query built from
        values other than the form's own (ppe.compiled's stand-ins)."""
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            choices, kept_models = _kept_choice_fields(form_class)
            stamp = counts.stamp(kept_models) if kept_models else ""
            prepared = self._prepared_forms.get(type(self))
            args = (self.data,) if self.is_bound else ()
            if prepared is not None and stamp is not None and prepared[0] == stamp:
                self._form = prepared[1](*args, prefix=self.form_prefix)
                self.options_version = stamp
                return self._form
            form = self._form = form_class(*args, prefix=self.form_prefix)
            self.prepare_fields(form.fields)
            if stamp is None:  # the cache is not answering: every option from the database
                return form
            prefix = f"{type(self).__module__}.{type(self).__qualname__}"
            for name, keep in choices.items():
                if keep:
                    field = form.fields[name]
                    kept = _kept_options(f"{prefix}.{name}", stamp, field)
                    # Django's own setter: django-filter's would wrap the options in an
                    # iterator that expects a queryset.
                    forms.ChoiceField.choices.fset(field, kept[1])
                    _check_against(field, kept[2])
            if all(choices.values()):
                self.options_version = stamp
                # From now on forms start from copies of these fields, set up once per
                # options version rather than on every request.
                self._prepared_forms[type(self)] = (stamp, _prepared_form_class(form_class, form.fields))
        return self._form


class _PreparedFields(dict):
    """A filter form's fields as set up for one options version. Django deep-copies a
    form's fields for every form, so that one form's changes never reach another, and
    copies each list of options item by item, tuple by tuple. Options are only ever
    replaced whole (the choices setter), never changed in place, so the copies share those
    lists; the rest of each field (widget, attributes, messages, queryset) is copied as
    Django copies it."""

    def __deepcopy__(self, memo):
        for field in self.values():
            for options in (getattr(field, "_choices", None), getattr(field.widget, "choices", None)):
                options = getattr(options, "choices", options)  # inside django-filter's ChoiceIterator
                if isinstance(options, list | tuple):
                    memo[id(options)] = options
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


def _prepared_form_class(form_class: type, fields: dict[str, forms.Field]) -> type:
    """A form class whose forms start from copies of these prepared fields (themselves
    copied: the form they came from is still in use)."""
    prepared = type(form_class.__name__, (form_class,), {})
    prepared.base_fields = _PreparedFields(copy.deepcopy(fields))
    return prepared


_CHOICE_FIELDS: dict[type, tuple[dict[str, bool], list]] = {}


def _kept_choice_fields(form_class: type) -> tuple[dict[str, bool], list]:
    """The form's model choice fields (name: whether its options can be kept, that is every
    model it reads is watched by ppe.counts), and the models those kept read, in order."""
    found = _CHOICE_FIELDS.get(form_class)
    if found is None:
        choices = {
            name: all(counts.is_watched(model) for model in _models_read(field))
            for name, field in form_class.base_fields.items()
            if isinstance(field, forms.ModelChoiceField)
        }
        models = {
            model
            for name, keep in choices.items()
            if keep
            for model in _models_read(form_class.base_fields[name])
        }
        found = _CHOICE_FIELDS[form_class] = (choices, sorted(models, key=lambda model: model._meta.label))
    return found


def _kept_options(key: str, stamp: str, field: forms.ModelChoiceField):
    """(stamp, options, the rows by option value) for a field, read once per stamp."""
    kept = _KEPT_OPTIONS.get(key)
    if kept is None or kept[0] != stamp:
        choices = list(field.choices)
        options = [(str(value), str(label)) for value, label in choices]
        rows = {str(value): value.instance for value, _ in choices if hasattr(value, "instance")}
        kept = _KEPT_OPTIONS[key] = (stamp, options, rows)
    return kept


def _check_against(field: forms.ModelChoiceField, rows: dict[str, Model]) -> None:
    """Values sent for this field are looked up among the kept rows, as Django would look
    them up in the field's queryset, with the same messages."""

    def invalid(value) -> forms.ValidationError:
        return forms.ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    if isinstance(field, forms.ModelMultipleChoiceField):

        def check_values(values):
            try:
                values = frozenset(values)
            except TypeError:
                raise forms.ValidationError(
                    field.error_messages["invalid_list"], code="invalid_list"
                ) from None
            for value in values:
                field.validate_no_null_characters(value)
                if str(value) not in rows:
                    raise invalid(value)
            return [rows[str(value)] for value in values]

        field._check_values = check_values
    else:

        def to_python(value):
            if value in field.empty_values:
                return None
            field.validate_no_null_characters(value)
            if str(value) not in rows:
                raise invalid(value)
            return rows[str(value)]

        field.to_python = to_python


class DateBox(forms.DateInput):
    """A date control for a list's filters: the browser's own date picker, one labelled box
    (ppe_tags.filter_control draws it)."""

    input_type = "date"


class AuditEventFilter(KeptChoicesFilterSet):
    username = django_filters.CharFilter(label="Staff username", lookup_expr="iexact")
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, empty_label="Any action")
    subject_type = django_filters.CharFilter(
        label="Record type", help_text="For example people_bank.person", lookup_expr="iexact"
    )
    subject_id = django_filters.CharFilter(label="Record id")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From", widget=DateBox)
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To", widget=DateBox)

    class Meta:
        model = AuditEvent
        fields: list[str] = []
