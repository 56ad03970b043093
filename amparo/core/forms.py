"""Form helpers shared by every app's pages."""

from django import forms


class Form(forms.Form):
    """A Django form whose labels carry no trailing colon, like every hand-written Amparo form
    (so a page mixing both reads the same). Use it as `from amparo.core.forms import Form`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
