"""Form helpers shared by every app's pages."""

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


class Form(forms.Form):
    """A Django form whose labels carry no trailing colon, like every hand-written Amparo form
    (so a page mixing both reads the same). Use it as `from amparo.core.forms import Form`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class QuickRadioSelect(forms.RadioSelect):
    """A RadioSelect written out in Python: the very HTML of Django's radio templates, without
    the template engine. Django renders every option through four nested templates; a
    screening of dozens of questions spent most of its server time there (test_forms holds the
    two equal)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        own = widget["attrs"]
        parts = [
            "<div",
            f' id="{escape(own["id"])}"' if own.get("id") else "",
            f' class="{escape(own["class"])}"' if own.get("class") else "",
            ">",
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
            for option in options:
                parts.append(f"<div>\n    {_option(option)}\n\n</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _option(option: dict) -> str:
    value = "" if option["value"] is None else f' value="{escape(str(option["value"]))}"'
    tag = f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"{value}{_attrs(option["attrs"])}>\n'
    if not option.get("wrap_label"):
        return tag
    label_for = f' for="{escape(option["attrs"]["id"])}"' if option["attrs"].get("id") else ""
    return f"<label{label_for}>{tag} {conditional_escape(option['label'])}</label>"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: name="value", a bare name for True, nothing for False."""
    return "".join(
        f" {escape(k)}" if v is True else f' {escape(k)}="{escape(str(v))}"' for k, v in attrs.items() if v is not False
    )


class DateInput(forms.DateInput):
    """A date picker whose value is always ISO (`2001-02-14`), whatever the page's language.

    `<input type="date">` reads and writes only ISO dates; Django's DateInput renders the
    language's format (`14/02/2001` in Spanish), which the browser discards, so the field posted
    empty and saving a person erased their date of birth. Every date field uses this widget."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's own argument name)
        super().__init__(attrs, format=format or "%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">` with the ISO value it requires (`2026-10-24T09:00`)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=format or "%Y-%m-%dT%H:%M")
