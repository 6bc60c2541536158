from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.accounts import services as accounts
from lms.accounts import signin
from lms.core.auth import login_required, role_required
from lms.audit.services import record_access
from lms.core.confirm import confirmation_page
from lms.core.exports import csv_response
from lms.core.forms import show_error
from lms.core import identity
from lms.extensions import db, limiter
from lms.teaching import announcements, calendar, due_dates, forms, services

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


@bp.context_processor
def legal_bases():
    return {"legal_bases": services.LEGAL_BASES}


@bp.route("/classes/<int:class_id>/basis", methods=["POST"])
@role_required("teacher")
def record_basis(class_id):
    """Record on what basis the class's members take part (classes made before it was asked)."""
    school_class = _class_or_404(class_id)
    form = forms.LegalBasisForm()
    if form.validate_on_submit():
        try:
            services.record_legal_basis(school_class, form.legal_basis.data, form.basis_date.data)
        except services.ClassError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("teaching.show_class", class_id=class_id))
        db.session.commit()
        flash(_("The basis is recorded; pupils can join."), "success")
        return redirect(url_for("teaching.show_class", class_id=class_id))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes", methods=["GET", "POST"])
@role_required("teacher")
def list_classes():
    form = forms.ClassForm()
    if form.validate_on_submit():
        try:
            school_class = services.create_class(current_user, form.name.data, form.group.data, form.ends_on.data,
                                                 form.legal_basis.data, form.basis_date.data)
        except services.ClassError as error:
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("Class created. Share the code %(code)s with your pupils.", code=school_class.join_code), "success")
            return redirect(url_for("teaching.show_class", class_id=school_class.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("teaching/list_classes.html", form=form, classes=services.classes_of(current_user)), status


def _assign_form(school_class, form=None):
    form = form or forms.AssignForm(formdata=None)
    assigned = {a.course_id for a in school_class.assignments}
    form.course.choices = [SelectChoice(str(c.id), c.title) for c in services.assignable_courses() if c.id not in assigned]
    return form


def _item_form(form=None):
    """Items grouped by course, each option named by its title (and kind) for a screen reader."""
    form = form or forms.AssignItemForm(formdata=None, prefix=forms.ITEM_PREFIX)
    kinds = {"lesson": _("lesson"), "quiz": _("quiz"), "exercise": _("exercise"), "task": _("task")}
    form.item.choices = {course.title: [SelectChoice(str(i.id), f"{i.title} ({kinds.get(i.kind, i.kind)})")
                                        for i in items] for course, items in services.assignable_items()}
    return form


def _class_page(school_class, status=200, **forms_given):
    """The teacher's class page, with any form that was refused showing its errors."""
    return render_template(
        "teaching/show_class.html", school_class=school_class,
        assign_form=_assign_form(school_class, forms_given.get("assign_form")),
        item_form=_item_form(forms_given.get("item_form")),
        announcement_form=forms_given.get("announcement_form") or forms.AnnouncementForm(formdata=None),
        password_form=forms.PupilPasswordForm(), basis_form=forms.LegalBasisForm(formdata=None), rows=services.class_progress(school_class),
        heat=services.heat_map(school_class), work=due_dates.class_work(school_class),
        announcements=announcements.of_class(school_class)), status


def _dates(form):
    """The form's dates as stored (naive UTC), from the wall-clock times typed."""
    return (due_dates.from_local(form.opens_at.data), due_dates.from_local(form.due_at.data),
            bool(form.close_at_due.data))


@bp.route("/classes/<int:class_id>")
@role_required("teacher")
def show_class(class_id):
    return _class_page(_class_or_404(class_id))


@bp.route("/classes/<int:class_id>/join-sheet")
@role_required("teacher")
def join_sheet(class_id):
    return render_template("teaching/join_sheet.html", school_class=_class_or_404(class_id))


@bp.route("/classes/<int:class_id>/courses", methods=["POST"])
@role_required("teacher")
def assign_course(class_id):
    school_class = _class_or_404(class_id)
    form = _assign_form(school_class, forms.AssignForm())
    if not form.validate_on_submit():
        if not form.course.data or form.course.errors:
            form.course.errors = [_("Choose a published course to assign.")]
        return _class_page(school_class, 400, assign_form=form)
    course = next(c for c in services.assignable_courses() if str(c.id) == form.course.data)
    try:
        services.assign_course(school_class, course, *_dates(form))
    except due_dates.DueDateError as error:
        db.session.rollback()
        show_error(form, error.message, error.field)
        return _class_page(school_class, 400, assign_form=form)
    db.session.commit()
    flash(_("%(title)s is assigned; every pupil in the class is enrolled.", title=course.title), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/items", methods=["POST"])
@role_required("teacher")
def assign_item(class_id):
    school_class = _class_or_404(class_id)
    form = _item_form(forms.AssignItemForm(prefix=forms.ITEM_PREFIX))
    if not form.validate_on_submit():
        if not form.item.data or form.item.errors:
            form.item.errors = [_("Choose an item of a published course.")]
        return _class_page(school_class, 400, item_form=form)
    item = services.assignable_item(int(form.item.data))
    if item is None:
        abort(400)
    try:
        services.assign_item(school_class, item, *_dates(form))
    except due_dates.DueDateError as error:
        db.session.rollback()
        show_error(form, error.message, error.field)
        return _class_page(school_class, 400, item_form=form)
    db.session.commit()
    flash(_("%(title)s is assigned to the class.", title=item.title), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id) + "#assigned-work")


def _edit_dates(school_class, assignment, title, action):
    """GET: the dates as they are; POST: new dates, or none with "Remove the dates"."""
    if request.method == "GET":
        form = forms.DueDatesForm(formdata=None, data={
            "opens_at": due_dates.to_local(assignment.opens_at), "due_at": due_dates.to_local(assignment.due_at),
            "close_at_due": assignment.close_at_due})
    else:
        form = forms.DueDatesForm()
        if form.validate_on_submit():
            try:
                if request.form.get("clear") == "1":
                    due_dates.set_dates(assignment, None, None, False)
                else:
                    due_dates.set_dates(assignment, *_dates(form))
            except due_dates.DueDateError as error:
                db.session.rollback()
                show_error(form, error.message, error.field)
            else:
                db.session.commit()
                flash(_("The dates of %(title)s are saved.", title=title), "success")
                return redirect(url_for("teaching.show_class", class_id=school_class.id) + "#assigned-work")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("teaching/edit_dates.html", school_class=school_class, form=form, title=title,
                           action=action), status


@bp.route("/classes/<int:class_id>/courses/<int:course_id>/dates", methods=["GET", "POST"])
@role_required("teacher")
def edit_course_dates(class_id, course_id):
    school_class = _class_or_404(class_id)
    assignment = services.course_assignment(school_class, course_id)
    if assignment is None:
        abort(404)
    return _edit_dates(school_class, assignment, assignment.course.title,
                       url_for("teaching.edit_course_dates", class_id=class_id, course_id=course_id))


@bp.route("/classes/<int:class_id>/items/<int:assignment_id>/dates", methods=["GET", "POST"])
@role_required("teacher")
def edit_item_dates(class_id, assignment_id):
    school_class = _class_or_404(class_id)
    assignment = services.item_assignment(school_class, assignment_id)
    if assignment is None:
        abort(404)
    return _edit_dates(school_class, assignment, assignment.item.title,
                       url_for("teaching.edit_item_dates", class_id=class_id, assignment_id=assignment_id))


@bp.route("/classes/<int:class_id>/items/<int:assignment_id>/remove", methods=["GET", "POST"])
@role_required("teacher")
def unassign_item(class_id, assignment_id):
    """GET asks first, naming the item and the class; POST unassigns it."""
    school_class = _class_or_404(class_id)
    assignment = services.item_assignment(school_class, assignment_id)
    if assignment is None:
        abort(404)
    if request.method == "GET":
        title = assignment.item.title
        return confirmation_page(
            title=_("Unassign %(title)s from %(name)s?", title=title, name=school_class.name),
            explanation=[_("The item and its dates leave the class's assigned work. Pupils keep their progress, "
                           "and stay enrolled in its course.")],
            action=url_for("teaching.unassign_item", class_id=class_id, assignment_id=assignment_id),
            confirm=_("Yes, unassign %(title)s", title=title),
            cancel_url=url_for("teaching.show_class", class_id=class_id), cancel=_("No, keep it assigned"))
    services.unassign_item(school_class, assignment)
    db.session.commit()
    flash(_("The item is no longer assigned on its own. Pupils keep their progress."), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id) + "#assigned-work")


# Announcements ---------------------------------------------------------------------------------

@bp.route("/classes/<int:class_id>/announcements", methods=["POST"])
@role_required("teacher")
def post_announcement(class_id):
    school_class = _class_or_404(class_id)
    form = forms.AnnouncementForm()
    if form.validate_on_submit():
        try:
            announcements.post(school_class, current_user, form.body.data,
                               url_for("teaching.show_my_class", class_id=class_id))
        except announcements.AnnouncementError as error:
            db.session.rollback()
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("The announcement is posted; the class's pupils are notified."), "success")
            return redirect(url_for("teaching.show_class", class_id=class_id) + "#announcements")
    return _class_page(school_class, 400, announcement_form=form)


def _announcement_or_404(school_class, announcement_id):
    announcement = announcements.in_class(school_class, announcement_id)
    if announcement is None:
        abort(404)
    return announcement


@bp.route("/classes/<int:class_id>/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@role_required("teacher")
def edit_announcement(class_id, announcement_id):
    school_class = _class_or_404(class_id)
    announcement = _announcement_or_404(school_class, announcement_id)
    form = forms.AnnouncementForm(formdata=request.form if request.method == "POST" else None,
                                  data={"body": announcement.body})
    if request.method == "POST" and form.validate_on_submit():
        try:
            announcements.edit(announcement, form.body.data)
        except announcements.AnnouncementError as error:
            db.session.rollback()
            show_error(form, error.message, error.field)
        else:
            db.session.commit()
            flash(_("The announcement is saved."), "success")
            return redirect(url_for("teaching.show_class", class_id=class_id) + "#announcements")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("teaching/edit_announcement.html", school_class=school_class, announcement=announcement,
                           form=form), status


@bp.route("/classes/<int:class_id>/announcements/<int:announcement_id>/delete", methods=["POST"])
@role_required("teacher")
def delete_announcement(class_id, announcement_id):
    school_class = _class_or_404(class_id)
    announcements.delete(_announcement_or_404(school_class, announcement_id))
    db.session.commit()
    flash(_("The announcement is deleted."), "success")
    return redirect(url_for("teaching.show_class", class_id=class_id) + "#announcements")


# What learners see of their classes ----------------------------------------------------------

@bp.route("/my/classes/<int:class_id>")
@login_required
def show_my_class(class_id):
    """A learner's view of a class they are in: its announcements and its dated work."""
    school_class = services.class_of_member(class_id, current_user)
    if school_class is None:
        abort(404)
    posted = announcements.of_class(school_class)
    return render_template("teaching/show_my_class.html", school_class=school_class, announcements=posted,
                           read=announcements.read_ids(current_user, posted),
                           work=due_dates.due_work(current_user, class_id=class_id))


@bp.route("/my/announcements/<int:announcement_id>/read", methods=["POST"])
@login_required
def mark_announcement_read(announcement_id):
    announcement = announcements.visible_to_member(current_user, announcement_id)
    if announcement is None:
        abort(404)
    announcements.mark_read(current_user, announcement)
    db.session.commit()
    if request.form.get("back") == "class":
        return redirect(url_for("teaching.show_my_class", class_id=announcement.class_id))
    return redirect(url_for("learning.dashboard") + "#announcements")


@bp.route("/my/calendar", methods=["GET", "POST"])
@login_required
def calendar_link():
    """GET: whether a calendar link exists; POST: a new link, shown this once (the old
    one stops working). Rendered, not redirected, so the token is never in a cookie."""
    link = None
    if request.method == "POST":
        token = calendar.new_link(current_user)
        db.session.commit()
        link = identity.site_address() + url_for("teaching.calendar_feed", token=token)
    return render_template("teaching/calendar_link.html", feed=calendar.feed_of(current_user), link=link)


@bp.route("/my/calendar/stop", methods=["POST"])
@login_required
def stop_calendar():
    calendar.stop(current_user)
    db.session.commit()
    flash(_("Your calendar link no longer works."), "success")
    return redirect(url_for("teaching.calendar_link"))


@bp.route("/calendar/<token>.ics")
@limiter.limit(lambda: "120 per hour")
def calendar_feed(token):
    """The feed a calendar app reads: no sign-in, the secret token is the key."""
    learner = calendar.learner_for(token)
    if learner is None:
        abort(404)
    base = identity.site_address()

    def link_for(work):
        if work.item is not None:
            return base + url_for("learning.show_item", slug=work.course.slug, item_slug=work.item.slug)
        return base + url_for("catalog.show_course", slug=work.course.slug)

    body = calendar.feed(learner, link_for)
    db.session.commit()
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


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
    rows = services.csv_rows(school_class)
    record_access(current_user, [member.user_id for member in school_class.members], "progress",
                  f"{school_class.name} (CSV)")
    db.session.commit()
    return csv_response(rows, f"class-{school_class.join_code}.csv")


@bp.route("/classes/<int:class_id>/pupils/<uuid:public_id>/competences/<int:competence_id>")
@role_required("teacher")
def pupil_evidence(class_id, public_id, competence_id):
    """A heat-map cell: the evidence behind one pupil's level in one competence."""
    from lms.competence import services as competence
    from lms.xapi import services as xapi

    from lms.competence.views import evidence_sources

    school_class, membership = _membership_or_404(class_id, public_id)
    evidence = competence.evidence_of(xapi.account_key(membership.user.public_id), competence_id)
    record_access(current_user, membership.user, "evidence", school_class.name)
    db.session.commit()
    return render_template("teaching/pupil_evidence.html", school_class=school_class, pupil=membership.user,
                           evidence=evidence, **evidence_sources(evidence))
