from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.accounts import services as accounts
from lms.accounts import signin
from lms.core.auth import role_required
from lms.core.confirm import confirmation_page
from lms.core.exports import csv_response
from lms.core.forms import show_error
from lms.extensions import db, limiter
from lms.teaching import forms, services

bp = Blueprint("teaching", __name__)


def _class_or_404(class_id):
    school_class = services.class_for_teacher(class_id, current_user)
    if school_class is None:
        abort(404)
    return school_class


def _membership_or_404(class_id, public_id):
    school_class = _class_or_404(class_id)
    membership = services.member(school_class, public_id)
    if membership is None:
        abort(404)
    return school_class, membership


@bp.route("/classes", methods=["GET", "POST"])
@role_required("teacher")
def list_classes():
    form = forms.ClassForm()
    if form.validate_on_submit():
        try:
            school_class = services.create_class(current_user, form.name.data, form.group.data, form.ends_on.data)
        except services.ClassError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Class created. Share the code %(code)s with your pupils.", code=school_class.join_code), "success")
            return redirect(url_for("teaching.show_class", class_id=school_class.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("teaching/list_classes.html", form=form, classes=services.classes_of(current_user)), status


@bp.route("/classes/<int:class_id>")
@role_required("teacher")
def show_class(class_id):
    school_class = _class_or_404(class_id)
    form = forms.AssignForm()
    assigned = {a.course_id for a in school_class.assignments}
    form.course.choices = [SelectChoice(str(c.id), c.title) for c in services.assignable_courses() if c.id not in assigned]
    return render_template("teaching/show_class.html", school_class=school_class, assign_form=form,
                           password_form=forms.PupilPasswordForm(), rows=services.class_progress(school_class),
                           heat=services.heat_map(school_class))


@bp.route("/classes/<int:class_id>/join-sheet")
@role_required("teacher")
def join_sheet(class_id):
    return render_template("teaching/join_sheet.html", school_class=_class_or_404(class_id))


@bp.route("/classes/<int:class_id>/courses", methods=["POST"])
@role_required("teacher")
def assign_course(class_id):
    school_class = _class_or_404(class_id)
    course = next((c for c in services.assignable_courses() if str(c.id) == request.form.get("course")), None)
    if course is None:
        flash(_("Choose a published course to assign."), "error")
    else:
        services.assign_course(school_class, course)
        db.session.commit()
        flash(_("%(title)s is assigned; every pupil in the class is enrolled.", title=course.title), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/courses/<int:course_id>/remove", methods=["GET", "POST"])
@role_required("teacher")
def unassign_course(class_id, course_id):
    """GET asks first, naming the course and the class; POST unassigns it."""
    school_class = _class_or_404(class_id)
    if request.method == "GET":
        assignment = next((a for a in school_class.assignments if a.course_id == course_id), None)
        if assignment is None:
            abort(404)
        title = assignment.course.title
        return confirmation_page(
            title=_("Unassign %(title)s from %(name)s?", title=title, name=school_class.name),
            explanation=[_("Pupils who join the class from now on are not enrolled in %(title)s. Pupils already "
                           "enrolled stay enrolled and keep their progress, but the class page no longer shows "
                           "it.", title=title)],
            action=url_for("teaching.unassign_course", class_id=class_id, course_id=course_id),
            confirm=_("Yes, unassign %(title)s", title=title),
            cancel_url=url_for("teaching.show_class", class_id=class_id), cancel=_("No, keep it assigned"))
    services.unassign_course(school_class, course_id)
    db.session.commit()
    flash(_("The course is no longer assigned. Pupils keep their progress."), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/joining", methods=["POST"])
@role_required("teacher")
def set_joining(class_id):
    school_class = _class_or_404(class_id)
    services.set_joining(school_class, request.form.get("open") == "1")
    db.session.commit()
    flash(_("Joining is open.") if school_class.joining_open else _("Joining is closed: the code no longer works."),
          "success")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/pupils/<uuid:public_id>/password", methods=["POST"])
@role_required("teacher")
def reset_pupil_password(class_id, public_id):
    membership = _membership_or_404(class_id, public_id)[1]
    form = forms.PupilPasswordForm()
    if form.validate_on_submit():
        services.reset_password(membership, form.password.data)
        db.session.commit()
        flash(_("New password set for %(name)s. Give it to them in person.", name=membership.user.display_name),
              "success")
    else:
        flash(" ".join(str(e) for e in form.password.errors) or _("Enter a new password."), "error")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/pupils/<uuid:public_id>/remove", methods=["GET", "POST"])
@role_required("teacher")
def remove_pupil(class_id, public_id):
    """GET asks first, naming the pupil and the class; POST removes the pupil."""
    school_class, membership = _membership_or_404(class_id, public_id)
    name = membership.user.display_name
    if request.method == "GET":
        return confirmation_page(
            title=_("Remove %(name)s from %(class_name)s?", name=name, class_name=school_class.name),
            explanation=[_("%(name)s (username %(username)s) leaves the class: the class page no longer shows "
                           "their progress or competences. Their account, their courses and their learning "
                           "record are kept, and they can join again with the class code.",
                           name=name, username=membership.user.username)],
            action=url_for("teaching.remove_pupil", class_id=class_id, public_id=public_id),
            confirm=_("Yes, remove %(name)s from the class", name=name),
            cancel_url=url_for("teaching.show_class", class_id=class_id), cancel=_("No, keep them in the class"))
    services.remove_member(school_class, membership)
    db.session.commit()
    flash(_("%(name)s is no longer in this class; their learning record is kept.", name=name), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: "30 per hour", methods=["POST"])
def join():
    """Pupils join a class with its code: a username, a name and a password, no e-mail."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = forms.JoinForm(code=request.args.get("code"))
    if form.validate_on_submit():
        try:
            school_class = services.find_open_class(form.code.data)
            pupil = services.join(school_class, username=form.username.data, display_name=form.display_name.data,
                                  password=form.password.data)
        except (services.ClassError, accounts.AccountError) as error:
            db.session.rollback()
            show_error(form, error.message, error.field)
        else:
            signin.sign_in(pupil)
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=school_class.name), "success")
            return redirect(url_for("learning.dashboard"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("teaching/join.html", form=form), status


@bp.route("/classes/<int:class_id>/export.csv")
@role_required("teacher")
def export_class(class_id):
    school_class = _class_or_404(class_id)
    return csv_response(services.csv_rows(school_class), f"class-{school_class.join_code}.csv")


@bp.route("/classes/<int:class_id>/pupils/<uuid:public_id>/competences/<int:competence_id>")
@role_required("teacher")
def pupil_evidence(class_id, public_id, competence_id):
    """A heat-map cell: the evidence behind one pupil's level in one competence."""
    from lms.competence import services as competence
    from lms.xapi import services as xapi

    school_class, membership = _membership_or_404(class_id, public_id)
    evidence = competence.evidence_of(xapi.account_key(membership.user.public_id), competence_id)
    return render_template("teaching/pupil_evidence.html", school_class=school_class, pupil=membership.user,
                           evidence=evidence)
