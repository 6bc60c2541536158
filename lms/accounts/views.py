from typing import Any, Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.accounts import forms, services, sessions, signin
from lms.accounts.models import User
from lms.core import identity, mail
from lms.core.auth import login_required
from lms.core.forms import show_error
from lms.core.urls import safe_next
from lms.extensions import db, limiter

bp = Blueprint("accounts", __name__)

# Parts of the settings page that other domains own (the e-mail digest choice): each
# registers at start-up (``add_settings_part``) a function of the user giving the value
# the template shows under that name, so accounts needs not import them.
_settings_parts: dict[str, Callable[[User], Any]] = {}


def add_settings_part(name: str, part: Callable[[User], Any]) -> None:
    """Show ``part(user)`` as ``name`` on the settings page; called once at start-up."""
    _settings_parts[name] = part


def _login_limit() -> str:
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                username=form.username.data, email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, audience=form.audience.data,
                locale=request.accept_languages.best_match(current_app.config["LMS_LANGUAGES"]),
            )
        except services.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            signin.sign_in(user)
            db.session.commit()
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_url = safe_next(request.args.get("next"), url_for("core.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The username, e-mail address or password is not right."))
        else:
            signin.sign_in(user, remember=form.remember.data)
            db.session.commit()
            return redirect(next_url)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this device's sign-in session for good: its cookies, even copied, no longer work."""
    signin.sign_out()
    db.session.commit()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    form = forms.SettingsForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, display_name=form.display_name.data,
                                     locale=form.locale.data)
        except services.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("accounts.settings"))
    parts = {"digest_form": None} | {name: part(current_user) for name, part in _settings_parts.items()}
    return render_template("accounts/settings.html", form=form, **parts,
                           sign_ins=sessions.live_sessions(current_user), current=signin.current_session())


@bp.route("/account/sign-out-everywhere", methods=["GET", "POST"])
@login_required
def sign_out_everywhere():
    """GET asks first and lists what would end; POST ends every other sign-in session of
    the account (this device stays signed in)."""
    current = signin.current_session()
    if request.method == "GET":
        others = [s for s in sessions.live_sessions(current_user) if s.id != current.id]
        return render_template("accounts/sign_out_everywhere.html", others=others)
    ended = sessions.end_all(current_user, "signed-out-everywhere", keep=current)
    db.session.commit()
    flash(ngettext("You are signed out on %(num)d other device. This one stays signed in.",
                   "You are signed out on %(num)d other devices. This one stays signed in.", ended), "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     keep=signin.current_session())
        except services.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Your password is changed. Every other device signed in to your account is signed out."),
                  "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def request_password_reset():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        user = services.user_for_reset_request(form.email.data)
        if user is not None:
            token = services.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = identity.site_address() + url_for("accounts.reset_password", token=token)
            hours = current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 3600 or 1
            mail.send(mail.Message(
                to=user.email,
                subject=_("Reset your password"),
                body=render_template("accounts/reset_email.txt", user=user, link=link, hours=hours),
            ))
        # The same answer whether or not the address has an account.
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config["LMS_PASSWORD_RESET_MAX_AGE"]
    try:
        services.user_for_reset_token(token, secret, max_age)
    except services.AccountError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, secret, max_age)
        except services.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            signin.sign_out()
            db.session.commit()
            flash(_("Your password is changed and every device signed in to your account is signed out. "
                    "You can sign in with the new password now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)
