from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Sign in with an email address. One message for any failure, so the form does not
    tell whether an address has an account."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is not active. Contact your board's coordinator.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class CodeForm(forms.Form):
    """A code from the authenticator app, or a backup code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "numeric"}
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="The 6-digit code the app shows once it has the key.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "numeric"}
        ),
        error_messages={"required": "Enter the 6-digit code from the app"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6 digits the app shows, like 123456")
        return code


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change with GOV.UK wording."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords are different. Enter the same one twice.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not one that has appeared in a data breach, not only "
            "numbers and not containing your name or email address. A few unrelated words "
            "make a good one."
        )
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, its email written to the outbox (scr/outbox) instead of sent from
    the request: sent after commit by a worker, retried if the mail server is down."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        from scr.outbox.services import email_enqueue, new_key

        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        html = ""
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
        email_enqueue(
            purpose="password_reset",
            key=new_key(),  # every request is its own email, with its own link
            to=to_email,
            recipient=context.get("user"),
            subject=subject,
            text=loader.render_to_string(email_template_name, context),
            html=html,
        )
