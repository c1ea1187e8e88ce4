"""Read the forms of a page: their address, method and fields, as a browser would submit them.

Only what the fuzz test needs: each form's action, method and enctype, its named fields with the value a
browser would send unchanged (the `value` of inputs, the checked radio or box, the selected option, the text
of a textarea, the first named submit button), which fields are hidden, and every same-site address named in
the form's attributes (htmx `hx-post`, `formaction`, `data-*` addresses that scripts post the form to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local", "time", "month",
              "week", "range", "color", ""}


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values a browser sends unchanged
    hidden: set[str] = field(default_factory=set)
    visible: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    addresses: set[str] = field(default_factory=set)  # other addresses this form's fields may be sent to


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: tuple[str, bool] | None = None  # name, has a selected option
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        self.loose: set[str] = set()  # hx-post addresses outside any form

    def _addresses(self, attrs: dict) -> set[str]:
        found = set()
        for key, value in attrs.items():
            if not value or not value.startswith("/") or value.startswith("//"):
                continue
            if key in ("hx-post", "hx-put", "hx-patch", "formaction") or (key.startswith("data-") and key != "data-src"):
                found.add(value)
        return found

    def handle_starttag(self, tag, attr_list):
        attrs = {k: (v if v is not None else "") for k, v in attr_list}
        if tag == "form":
            self.current = Form(attrs.get("action", ""), (attrs.get("method") or "get").lower(),
                                attrs.get("enctype", ""))
            self.current.addresses |= self._addresses(attrs)
            self.forms.append(self.current)
            return
        form = self.current
        if form is None:
            self.loose |= {v for k, v in attrs.items() if k in ("hx-post",) and v.startswith("/")}
            return
        form.addresses |= self._addresses(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind != "reset":
                    form.buttons.append((name, attrs.get("value", "")))
                return
            values = form.fields.setdefault(name, [])
            if kind == "file":
                form.files.add(name)
                form.fields.pop(name)
                return
            (form.hidden if kind == "hidden" else form.visible).add(name)
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    if kind == "radio":
                        values.clear()
                    values.append(attrs.get("value", "on"))
                elif kind == "radio" and not values:
                    values.append(attrs.get("value", "on"))  # a browser sends nothing; a valid choice reaches further
            else:
                values.append(attrs.get("value", ""))
        elif tag == "select" and name:
            form.fields.setdefault(name, [])
            form.visible.add(name)
            self.select = (name, False)
            self.first_option = None
        elif tag == "option" and self.select:
            value = attrs.get("value")
            if self.first_option is None:
                self.first_option = value if value is not None else ""
            if "selected" in attrs:
                form.fields[self.select[0]].append(value or "")
                self.select = (self.select[0], True)
        elif tag == "textarea" and name:
            self.textarea = name
            self.text = []
            form.visible.add(name)
        elif tag == "button" and name and attrs.get("type", "submit").lower() == "submit":
            form.buttons.append((name, attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select and self.current is not None:
            name, chosen = self.select
            if not chosen and self.first_option is not None:
                self.current.fields[name].append(self.first_option)
            self.select = None
        elif tag == "textarea" and self.textarea and self.current is not None:
            self.current.fields.setdefault(self.textarea, []).append("".join(self.text).removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def read_forms(html: str) -> tuple[list[Form], set[str]]:
    """The forms of a page, and the hx-post addresses outside any form."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.forms, reader.loose
