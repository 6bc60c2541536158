import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import services as accounts
from lms.admin import forms
from lms.admin import services as admin_services
from lms.competence import services as competence
from lms.competence.views import evidence_sources
from lms.core.auth import role_required
from lms.audit.services import record_access
from lms.core import limits
from lms.core.confirm import confirmation_page
from lms.core.exports import csv_response
from lms.core.i18n import localized
from lms.core.forms import show_error
from lms.extensions import db
from lms.xapi import credentials as lrs_credentials
from lms.xapi import forwarding
from lms.xapi import services as xapi
from lms.xapi import vocabulary

bp = Blueprint("admin", __name__)


@bp.context_processor
def names():
    return {"audience_names": forms.AUDIENCE_NAMES, "role_names": forms.ROLE_NAMES}


def _user_or_404(public_id: uuid.UUID):
    user = accounts.get_by_public_id(public_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@role_required("admin")
def list_users():
    form = forms.SearchForm(request.args)
    form.validate()
    filters = accounts.UserFilter(
        query=(form.q.data or "")[:100], role=form.role.data or None,
        audience=form.audience.data or None, status=form.status.data or None,
    )
    users = accounts.search_users(filters, page=limits.page_arg())
    found = ngettext("%(count)s account found.", "%(count)s accounts found.", users.total,
                     count=format_decimal(users.total))
    return render_template("admin/list_users.html", form=form, users=users, found=found)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    form = forms.NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                username=form.username.data, password=form.password.data,
                display_name=form.display_name.data, audience=form.audience.data,
                email=form.email.data, roles=form.roles.data,
            )
        except accounts.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.show_user", public_id=user.public_id))
    return render_template("admin/create_user.html", form=form)


@bp.route("/users/<uuid:public_id>")
@role_required("admin")
def show_user(public_id):
    user = _user_or_404(public_id)
    form = forms.RolesForm(roles=sorted(user.roles))
    if record_access(current_user, user, "account"):
        db.session.commit()
    return render_template("admin/show_user.html", user=user, form=form)


@bp.route("/users/<uuid:public_id>/roles", methods=["POST"])
@role_required("admin")
def update_roles(public_id):
    user = _user_or_404(public_id)
    form = forms.RolesForm()
    if form.validate_on_submit():
        try:
            accounts.set_roles(user, form.roles.data)
        except accounts.AccountError as error:
            db.session.rollback()
            show_error(form, error.message, "roles")
        else:
            db.session.commit()
            flash(_("Roles of %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.show_user", public_id=user.public_id))
    return render_template("admin/show_user.html", user=user, form=form), 400


@bp.route("/users/<uuid:public_id>/active", methods=["GET", "POST"])
@role_required("admin")
def set_active(public_id):
    """GET asks before deactivating, naming the account; POST deactivates or reactivates."""
    user = _user_or_404(public_id)
    if request.method == "GET":
        if not user.active:
            return redirect(url_for("admin.show_user", public_id=user.public_id))
        return confirmation_page(
            title=_("Deactivate %(name)s (%(username)s)?", name=user.display_name, username=user.username),
            explanation=[_("The account can no longer sign in, and whoever is signed in with it is signed out. "
                           "Its learning record is kept, and an administrator can reactivate it.")],
            action=url_for("admin.set_active", public_id=user.public_id),
            confirm=_("Yes, deactivate %(username)s", username=user.username), fields={"active": "0"},
            cancel_url=url_for("admin.show_user", public_id=user.public_id), cancel=_("No, keep the account active"))
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    try:
        accounts.set_active(user, wanted == "1")
    except accounts.AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if user.active:
            flash(_("%(username)s can sign in again.", username=user.username), "success")
        else:
            flash(_("%(username)s is deactivated and can no longer sign in.", username=user.username), "success")
    return redirect(url_for("admin.show_user", public_id=user.public_id))


@bp.route("/lrs/credentials", methods=["GET", "POST"])
@role_required("admin")
def list_credentials():
    """LRS credentials for external EdTech: issue (the secret is shown once) and revoke."""
    form = forms.CredentialForm()
    issued = None
    if form.validate_on_submit():
        try:
            credential, secret = lrs_credentials.issue(form.name.data, form.scopes.data)
        except lrs_credentials.CredentialError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            issued = (credential, secret)
            form = forms.CredentialForm(formdata=None)
    status = 400 if form.errors else 200
    page = render_template("admin/list_credentials.html", form=form, issued=issued,
                           credentials=lrs_credentials.all_credentials(), scope_names=forms.SCOPE_NAMES,
                           endpoint=url_for("lrs.about", _external=False).removesuffix("about"))
    # The page may show a secret once: never keep it in a cache.
    return page, status, {"Cache-Control": "no-store"}


def _credential_or_404(credential_id: int):
    credential = lrs_credentials.get(credential_id)
    if credential is None:
        abort(404)
    return credential


def _credential_page(credential, grant_form=None, withdraw_error=None, status=200):
    grants = credential.grants
    people = {public_id: accounts.get_by_public_id(public_id)
              for public_id in {grant.granted_by for grant in grants} | {grant.withdrawn_by for grant in grants}
              if public_id is not None}
    links = xapi.links_from(credential.id)
    learners = {key: accounts.get_by_public_id(uuid.UUID(key.rsplit("|", 1)[1]))
                for key in {link.learner_key for link in links}}
    return render_template("admin/show_credential.html", credential=credential, grants=grants, people=people,
                           grant_form=grant_form or forms.GrantForm(formdata=None), withdraw_error=withdraw_error,
                           links=links, learners=learners, scope_names=forms.SCOPE_NAMES), status


@bp.route("/lrs/credentials/<int:credential_id>")
@role_required("admin")
def show_credential(credential_id):
    """One credential: its scopes and use, whether it may speak for the platform's learners
    (with every grant and withdrawal on record), and the actors linked from its statements."""
    return _credential_page(_credential_or_404(credential_id))


@bp.route("/lrs/credentials/<int:credential_id>/grant", methods=["POST"])
@role_required("admin")
def grant_credential(credential_id):
    credential = _credential_or_404(credential_id)
    form = forms.GrantForm()
    if form.validate_on_submit():
        try:
            lrs_credentials.grant_speaking_for_learners(credential, current_user.public_id, form.reason.data or "")
        except lrs_credentials.CredentialError as error:
            db.session.rollback()
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("“%(name)s” may now send statements about the platform’s learners.", name=credential.name),
                  "success")
            return redirect(url_for("admin.show_credential", credential_id=credential.id))
    return _credential_page(credential, grant_form=form, status=400)


@bp.route("/lrs/credentials/<int:credential_id>/withdraw", methods=["POST"])
@role_required("admin")
def withdraw_grant(credential_id):
    credential = _credential_or_404(credential_id)
    try:
        lrs_credentials.withdraw_speaking_for_learners(credential, current_user.public_id)
    except lrs_credentials.CredentialError as error:
        db.session.rollback()
        return _credential_page(credential, withdraw_error=error.message, status=400)
    db.session.commit()
    flash(_("“%(name)s” may no longer send statements about the platform’s learners; what it sent "
            "before stays.", name=credential.name), "success")
    return redirect(url_for("admin.show_credential", credential_id=credential.id))


@bp.route("/lrs/credentials/<int:credential_id>/revoke", methods=["GET", "POST"])
@role_required("admin")
def revoke_credential(credential_id):
    """GET asks first, naming the credentials; POST revokes them."""
    credential = _credential_or_404(credential_id)
    if request.method == "GET":
        if not credential.active:
            return redirect(url_for("admin.list_credentials"))
        return confirmation_page(
            title=_("Revoke the credentials “%(name)s”?", name=credential.name),
            explanation=[_("Every request with them is refused from now on, so the app that uses them can no "
                           "longer send or read statements. The statements it sent are kept. Revoking cannot be "
                           "undone: issue new credentials if the app needs access again.")],
            action=url_for("admin.revoke_credential", credential_id=credential.id),
            confirm=_("Yes, revoke “%(name)s”", name=credential.name),
            cancel_url=url_for("admin.list_credentials"), cancel=_("No, keep them"))
    lrs_credentials.revoke(credential)
    db.session.commit()
    flash(_("Credentials “%(name)s” are revoked; requests with them are refused from now on.",
            name=credential.name), "success")
    return redirect(url_for("admin.list_credentials"))


@bp.route("/lrs/forwarding")
@role_required("admin")
def show_forwarding():
    """The outbox toward the external LRS: what waits, what was delivered, what was refused."""
    return render_template("admin/show_forwarding.html", state=forwarding.queue_state(),
                           enabled=forwarding.enabled())


@bp.route("/lrs/forwarding/retry", methods=["POST"])
@role_required("admin")
def retry_forwarding():
    count = forwarding.retry_dead()
    db.session.commit()
    flash(ngettext("%(count)s refused statement is queued again.", "%(count)s refused statements are queued again.",
                   count, count=format_decimal(count)), "success")
    return redirect(url_for("admin.show_forwarding"))


def _actors_page(search_form, link_form, status=200, error=None):
    page = limits.page_arg()
    search = "" if search_form.q.errors else (search_form.q.data or "")[:200]
    actors, total = xapi.external_actors(search, page=page, per_page=ACTORS_PER_PAGE)
    learners = {key: _learner(key) for key in {actor.learner_key for actor in actors if actor.learner_key}}
    pages = max(1, -(-total // ACTORS_PER_PAGE))
    return render_template("admin/list_actors.html", form=search_form, link_form=link_form, actors=actors,
                           learners=learners, total=total, page=page, pages=pages, error=error), status


ACTORS_PER_PAGE = 50


def _learner(learner_key: str):
    """The account behind a platform actor key, or None when it no longer exists."""
    return accounts.get_by_public_id(uuid.UUID(learner_key.rsplit("|", 1)[1]))


@bp.route("/lrs/actors")
@role_required("admin")
def list_actors():
    """People external apps name by an e-mail address or their own account, not by a
    platform account: an admin links each to the learner it is."""
    form = forms.ActorSearchForm(request.args)
    form.validate()
    return _actors_page(form, forms.LinkActorForm(formdata=None))


@bp.route("/lrs/actors/link", methods=["POST"])
@role_required("admin")
def link_actor():
    form = forms.LinkActorForm()
    if form.validate_on_submit():
        user = accounts.find_by_login(form.learner.data.strip())
        if user is None:
            show_error(form, _("No account has the username or e-mail address “%(name)s”.",
                               name=form.learner.data.strip()), "learner")
        else:
            try:
                count = xapi.link_actor(form.actor_key.data, xapi.account_key(user.public_id),
                                        identified_by_email_allowed=user.audience != "pupil")
            except xapi.LinkError as error:
                show_error(form, error.message)
            else:
                db.session.commit()
                flash(ngettext("%(count)s statement now counts as %(name)s’s.",
                               "%(count)s statements now count as %(name)s’s.", count,
                               count=format_decimal(count), name=user.display_name), "success")
                return redirect(url_for("admin.list_actors"))
    return _actors_page(forms.ActorSearchForm(formdata=None), form, 400)


@bp.route("/lrs/actors/unlink", methods=["GET", "POST"])
@role_required("admin")
def unlink_actor():
    """GET (``?actor_key=``) asks first, naming the actor and the learner; POST unlinks."""
    if request.method == "GET":
        actor_key = request.args.get("actor_key", "")
        learner_key = xapi.learners_of([actor_key]).get(actor_key)
        if learner_key is None:
            abort(404)
        learner = _learner(learner_key)
        actor = actor_key.split(":", 1)[-1]
        name = learner.display_name if learner else _("an account that no longer exists")
        return confirmation_page(
            title=_("Unlink %(actor)s from %(name)s?", actor=actor, name=name),
            explanation=[_("Its statements no longer count as %(name)s’s: they leave the learner’s record, and "
                           "the competence evidence they gave is withdrawn. The statements stay in the LRS, and "
                           "you can link the actor again.", name=name)],
            action=url_for("admin.unlink_actor"), confirm=_("Yes, unlink %(actor)s", actor=actor),
            fields={"actor_key": actor_key}, cancel_url=url_for("admin.list_actors"), cancel=_("No, keep the link"))
    form = forms.UnlinkActorForm()
    error = _("Say which actor to unlink.")
    if form.validate_on_submit():
        try:
            xapi.unlink_actor(form.actor_key.data)
        except xapi.LinkError as refusal:
            error = refusal.message
        else:
            error = None
    elif form.actor_key.data and form.actor_key.errors:
        error = form.actor_key.errors[-1]
    if error:
        return _actors_page(forms.ActorSearchForm(formdata=None), forms.LinkActorForm(formdata=None), 400, error)
    db.session.commit()
    flash(_("The link is undone: these statements no longer count as the learner’s."), "success")
    return redirect(url_for("admin.list_actors"))


@bp.route("/competences/mappings", methods=["GET", "POST"])
@role_required("admin")
def list_mappings():
    """Map external activities (a VR lab's, an exhibit's) to competences; see which
    activities arrive unmapped and how often."""
    form = forms.MappingForm(activity_id=request.args.get("activity_id"))
    status = 200
    if form.validate_on_submit():
        try:
            min_score = float(form.min_score.data.replace(",", ".")) if form.min_score.data else None
        except ValueError:
            show_error(form, _("Enter the minimum score as a number from 0 to 1."), "min_score")
        else:
            try:
                competence.add_mapping(form.activity_id.data, form.competence.data, min_score)
            except competence.MappingError as error:
                show_error(form, error.message, error.field)
            else:
                db.session.commit()
                flash(_("Mapping saved. New statements for this activity count as evidence."), "success")
                return redirect(url_for("admin.list_mappings"))
    if form.errors or form.form_errors:
        status = 400
    return render_template("admin/list_mappings.html", form=form, mappings=competence.admin_mappings(),
                           unmapped=competence.unmapped_activities(vocabulary.activities_prefix())), status


@bp.route("/competences/mappings/<int:mapping_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete_mapping(mapping_id):
    """GET asks first, naming the activity and the competence; POST removes the mapping."""
    if request.method == "GET":
        mapping = competence.admin_mapping(mapping_id)
        if mapping is None:
            abort(404)
        named = f"{mapping.competence.reference} {localized(mapping.competence)}"
        return confirmation_page(
            title=_("Remove the mapping of %(activity)s to %(competence)s?", activity=mapping.activity_id,
                    competence=named),
            explanation=[_("New statements about this activity no longer count as evidence of %(competence)s. "
                           "Evidence already recorded stays.", competence=named)],
            action=url_for("admin.delete_mapping", mapping_id=mapping.id), confirm=_("Yes, remove the mapping"),
            cancel_url=url_for("admin.list_mappings"), cancel=_("No, keep it"))
    if not competence.remove_mapping(mapping_id):
        abort(404)
    db.session.commit()
    flash(_("Mapping removed. Evidence already recorded stays."), "success")
    return redirect(url_for("admin.list_mappings"))


def _date_arg(name):
    from datetime import date

    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/programme")
@role_required("admin")
def programme():
    """The programme's figures for a date range, with charts, tables and a CSV export.
    Counts of fewer than five people are shown as "<5"."""
    start, end = _date_arg("from"), _date_arg("to")
    tables = admin_services.figures(start, end)
    if request.args.get("format") == "csv":
        return csv_response(admin_services.csv_rows(tables), "programme-figures.csv")
    dates = {key: request.args[key] for key in ("from", "to") if request.args.get(key)}

    def figure_url(figure):
        """Where a figure's records are listed; none for suppressed or empty figures."""
        if not figure.link or figure.suppressed or not figure.value:
            return None
        kind, filters = figure.link
        if kind == "users":
            return url_for("admin.list_users", **filters)
        return url_for("admin.programme_records", figure=kind, **filters, **dates)

    return render_template("admin/programme.html", tables=tables, start=start, end=end,
                           figure_url=figure_url, min_group=admin_services.MIN_GROUP)


@bp.route("/programme/records")
@role_required("admin")
def programme_records():
    """The records behind a programme figure (its link names the figure); a figure about
    fewer than five people has none to show."""
    start, end = _date_arg("from"), _date_arg("to")
    back = url_for("admin.programme", **{key: request.args[key] for key in ("from", "to") if request.args.get(key)})
    try:
        records = admin_services.figure_records(request.args.get("figure", ""), request.args, start, end)
    except admin_services.RecordsError as error:
        return render_template("admin/programme_records.html", records=None, problem=error.message,
                               back=back), error.status
    evidence = [item for learner in (records.learners or []) for _, items in (learner.levels or [])
                for item in items]
    named = [enrollment.user_id for enrollment in records.enrolments or []]
    named += [learner.user.id for learner in records.learners or [] if learner.user is not None]
    if record_access(current_user, named, "drill_down", str(records.title)):
        db.session.commit()
    return render_template("admin/programme_records.html", records=records, problem=None, back=back,
                           **evidence_sources(evidence))
