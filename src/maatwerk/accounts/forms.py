from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from maatwerk.core import forms as core_forms


class LoginForm(core_forms.InputRulesMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username and password do not match. Both are case-sensitive. After "
            "several failed attempts the account is locked for a while."
        ),
        "inactive": _("This account has been deactivated."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username")
        # Django sets the length after making the field, so only the browser checks it;
        # a longer username would reach django-axes' log (255 characters on PostgreSQL).
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["password"].label = _("Password")


class TokenForm(core_forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("Enter the code from your authenticator app."),
            "min_length": _("The code has six digits."),
            "max_length": _("The code has six digits."),
        },
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of digits only."))
        if self.device is None:
            raise forms.ValidationError(_("No authenticator app has been set up."))
        allowed, _data = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(_("Too many wrong codes. Wait a moment and try again."))
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("This code is not correct or has expired."))
        return token
