"""Find the POST forms on a page, as a browser would see them, so tests can send them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, file, ...
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = PageForm(action=a.get("action") or "", method=(a.get("method") or "get").lower())
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            existing = self._form.fields.get(name)
            if kind in {"radio", "checkbox"} and existing:
                existing.options.append(a.get("value", "on"))
                return
            options = [a.get("value", "on")] if kind in {"radio", "checkbox"} else []
            self._form.fields[name] = FormField(name, kind, options, a.get("value") or "")
        elif tag == "textarea" and name:
            self._form.fields[name] = FormField(name, "textarea")
        elif tag == "select" and name:
            self._select = FormField(name, "select")
            self._form.fields[name] = self._select
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]
