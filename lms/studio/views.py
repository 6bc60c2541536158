"""The studio's pages: authors (teachers an admin made authors) and admins write courses;
admins publish. Every route: check who may, call one service, commit, render or redirect."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import FieldList, FormField

from lms.accounts import services as accounts
from lms.competence import services as competence
from lms.content import files as content_files
from lms.content.services import LEADING_H1
from lms.core import limits, markdown
from lms.core.auth import role_required
from lms.core.confirm import confirmation_page
from lms.core.forms import show_error
from lms.exercises import queues
from lms.extensions import db
from lms.h5p import player as h5p_player
from lms.h5p import views as h5p_views
from lms.studio import files as studio_files
from lms.studio import forms, itemforms
from lms.studio import services as studio

bp = Blueprint("studio", __name__, url_prefix="/studio")
# Learners' pages show a course's images at /courses/<slug>/images/...: the path a lesson's
# ``../images/x.png`` leads to from /courses/<slug>/learn/<item>.
images_bp = Blueprint("course_images", __name__)
STUDIO_ROLES = ("teacher", "admin")
MAX_PACKAGE_UPLOAD = 50 * 1024 * 1024


STATE_NAMES = {"draft": _l("Draft"), "submitted": _l("Submitted for review"), "published": _l("Published")}
FORM_KINDS = ("quiz", "exercise", "task")  # item kinds edited through a form, their file editor the advanced way
DIFF_NAMES = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}


@bp.context_processor
def names():
    return {"state_names": STATE_NAMES, "diff_names": DIFF_NAMES, "form_kinds": FORM_KINDS}


def _author() -> None:
    if not studio.may_use_studio(current_user):
        abort(403)


def _course(slug: str, *, reviewing: bool = False):
    """The studio course the visitor writes; with ``reviewing``, also one a reviewer
    (an admin, or a teacher an admin named) reads to review and publish it."""
    _author()
    course = studio.get(slug)
    if course is None or not (studio.may_edit(current_user, course)
                              or (reviewing and studio.may_review(current_user, course))):
        abort(404)
    return course


def _base(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _refused(refused: studio.StudioRefused) -> None:
    db.session.rollback()
    flash(refused.message, "error")
    for problem in refused.problems[:20]:
        flash(problem.shown(), "error")


@bp.route("")
@role_required(*STUDIO_ROLES)
def index():
    _author()
    return render_template("studio/index.html", courses=studio.courses_for(current_user),
                           shipped=studio.shipped_courses(), form=forms.PackageForm())


def _settings_form(**data) -> forms.CourseSettingsForm:
    form = forms.CourseSettingsForm(**data)
    form.competences.choices = competence.competence_choices()
    return form


def _settings(form: forms.CourseSettingsForm) -> dict:
    hours = float(form.estimated_hours.data)
    return {"title": form.title.data.strip(), "summary": form.summary.data.strip(),
            "language": form.language.data, "audiences": form.audiences.data, "level": form.level.data,
            "estimated_hours": int(hours) if hours == int(hours) else hours, "competences": form.competences.data}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def new_course():
    _author()
    form = _settings_form()
    if form.validate_on_submit():
        settings = {**_settings(form), "track": "studio"}
        try:
            course = studio.create_course(current_user, settings)
        except studio.StudioRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                show_error(form, problem.translated, problem.field.split(".")[0] or None)
        else:
            db.session.commit()
            flash(_("Course created. Write its first lesson."), "success")
            return redirect(url_for("studio.show_course", slug=course.slug))
    return render_template("studio/new_course.html", form=form), 400 if form.errors else 200


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def edit_settings(slug):
    course = _course(slug)
    outline = studio.outline(course)
    form = _settings_form(data={**outline.settings, "base": outline.number})
    if form.validate_on_submit():
        try:
            studio.update_settings(course, current_user, _base(form.base.data), _settings(form))
        except studio.StudioRefused as refused:
            db.session.rollback()
            form.form_errors.append(refused.message)
            for problem in refused.problems:
                show_error(form, problem.shown(), problem.field.split(".")[0].split("[")[0] or None)
        else:
            db.session.commit()
            flash(_("Saved as revision %(number)s.", number=course.head), "success")
            return redirect(url_for("studio.show_course", slug=slug))
    return render_template("studio/new_course.html", form=form, course=course), (
        400 if form.errors or form.form_errors else 200)


@bp.route("/import", methods=["POST"])
@role_required(*STUDIO_ROLES)
def import_package():
    _author()
    form = forms.PackageForm()
    if not form.validate_on_submit():
        return render_template("studio/index.html", courses=studio.courses_for(current_user),
                               shipped=studio.shipped_courses(), form=form), 400
    upload = form.package.data
    data = upload.stream.read(MAX_PACKAGE_UPLOAD + 1)
    name = (upload.filename or "").rsplit("/", 1)[-1].removesuffix(".zip")
    try:
        course = studio.import_zip(current_user, data, name)
    except studio.StudioRefused as refused:
        db.session.rollback()
        form.package.errors = [refused.message] + [problem.shown() for problem in refused.problems[:50]]
        return render_template("studio/index.html", courses=studio.courses_for(current_user),
                               shipped=studio.shipped_courses(), form=form), 400
    db.session.commit()
    flash(_("The package was imported as a draft."), "success")
    return redirect(url_for("studio.show_course", slug=course.slug))


@bp.route("/shipped/<slug>/copy", methods=["POST"])
@role_required(*STUDIO_ROLES)
def copy_course(slug):
    _author()
    try:
        course = studio.copy_shipped(current_user, slug)
    except studio.StudioRefused:
        abort(404)
    db.session.commit()
    flash(_("An editable copy was made; you are its owner."), "success")
    return redirect(url_for("studio.show_course", slug=course.slug))


@bp.route("/courses/<slug>")
@role_required(*STUDIO_ROLES)
def show_course(slug):
    course = _course(slug, reviewing=True)
    return render_template("studio/show_course.html", course=course, outline=studio.outline(course),
                           revision=studio.revision(course), author_form=forms.AuthorForm(),
                           may_publish=studio.is_reviewer(current_user))


@bp.route("/courses/<slug>/authors", methods=["POST"])
@role_required(*STUDIO_ROLES)
def invite_co_author(slug):
    """An author of the course invites another author to write it with them."""
    course = _course(slug)
    form = forms.AuthorForm()
    if form.validate_on_submit():
        user = accounts.find_by_login(form.user.data.strip())
        try:
            if user is None:
                raise studio.StudioRefused(_("There is no user with that username or e-mail address."))
            studio.add_co_author(course, user)
        except studio.StudioRefused as refused:
            _refused(refused)
        else:
            db.session.commit()
            flash(_("%(name)s now writes this course with you.", name=user.display_name), "success")
    else:
        flash(_("Enter the username or e-mail address of an author."), "error")
    return redirect(url_for("studio.show_course", slug=slug))


@bp.route("/courses/<slug>/move", methods=["POST"])
@role_required(*STUDIO_ROLES)
def move(slug):
    course = _course(slug)
    direction = -1 if request.form.get("direction") == "up" else 1
    target = request.form.get("slug", "")
    try:
        studio.move(course, current_user, _base(request.form.get("base")), target, direction,
                    module=request.form.get("what") == "module")
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
    return redirect(url_for("studio.show_course", slug=slug, _anchor=f"{request.form.get('what', 'item')}-{target}"))


@bp.route("/courses/<slug>/order", methods=["POST"])
@role_required(*STUDIO_ROLES)
def reorder(slug):
    """The outline's new order after a drag and drop (``order``: JSON, every module with
    its items' slugs), saved as one revision; answers JSON for the outline's script."""
    course = _course(slug)
    try:
        order = json.loads(request.form.get("order") or "null")
    except ValueError:
        order = None
    try:
        studio.reorder(course, current_user, _base(request.form.get("base")), order)
    except studio.StudioRefused as refused:
        db.session.rollback()
        return {"message": refused.message}, 409 if isinstance(refused, studio.StaleSave) else 400
    db.session.commit()
    return {"message": _("The new order is saved as revision %(number)s.", number=course.head), "base": course.head}


@bp.route("/courses/<slug>/modules", methods=["POST"])
@role_required(*STUDIO_ROLES)
def add_module(slug):
    course = _course(slug)
    title = (request.form.get("title") or "").strip()[:200] or _("New module")
    try:
        studio.add_module(course, current_user, _base(request.form.get("base")), title)
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
    return redirect(url_for("studio.show_course", slug=slug))


@bp.route("/courses/<slug>/items", methods=["POST"])
@role_required(*STUDIO_ROLES)
def add_item(slug):
    course = _course(slug)
    kind = request.form.get("kind", "")
    title = (request.form.get("title") or "").strip()[:200] or _("New item")
    refs = studio.outline(course).settings.get("competences") or [
        value for value, _label in competence.competence_choices()[:1]]
    try:
        _revision, item = studio.add_item(course, current_user, _base(request.form.get("base")),
                                          request.form.get("module", ""), kind, title,
                                          studio_files.new_item_text(kind, title, refs[0] if refs else None))
    except studio.StudioRefused as refused:
        _refused(refused)
        return redirect(url_for("studio.show_course", slug=slug))
    db.session.commit()
    return redirect(url_for("studio.edit_item", slug=slug, item=item))


@bp.route("/courses/<slug>/items/<item>/remove", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def remove_item(slug, item):
    """Asks first; the item leaves the draft, and on publish it is archived (learners'
    records of it are kept)."""
    course = _course(slug)
    outline = studio.outline(course)
    found = next((entry for module in outline.modules for entry in module["items"] if entry["slug"] == item), None)
    if found is None:
        abort(404)
    return _remove(
        course, outline, lambda base: studio.remove_item(course, current_user, base, item),
        title=_("Remove %(title)s from %(course)s?", title=found["title"], course=course.title),
        explanation=[_("The item leaves the draft. Learners keep the published version until the next "
                       "publish; then the item is archived, and their records of it are kept. You can "
                       "restore it from the history.")],
        action=url_for("studio.remove_item", slug=slug, item=item),
        confirm=_("Yes, remove %(title)s", title=found["title"]),
        done=_("%(title)s was removed from the draft.", title=found["title"]))


@bp.route("/courses/<slug>/modules/<module>/remove", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def remove_module(slug, module):
    """Asks first, naming the items that leave with the module."""
    course = _course(slug)
    outline = studio.outline(course)
    found = next((entry for entry in outline.modules if entry["slug"] == module), None)
    if found is None:
        abort(404)
    titles = ", ".join(entry["title"] for entry in found["items"])
    return _remove(
        course, outline, lambda base: studio.remove_module(course, current_user, base, module),
        title=_("Remove the module %(title)s from %(course)s?", title=found["title"], course=course.title),
        explanation=[_("Its items leave the draft with it: %(items)s.", items=titles),
                     _("Learners keep the published version until the next publish; then the module and its "
                       "items are archived, and their records are kept. You can restore them from the "
                       "history.")],
        action=url_for("studio.remove_module", slug=slug, module=module),
        confirm=_("Yes, remove the module %(title)s", title=found["title"]),
        done=_("The module %(title)s was removed from the draft.", title=found["title"]))


def _remove(course, outline, remove, *, title, explanation, action, confirm, done):
    """One way to remove a part of the draft: GET asks (the confirmation page carries the
    revision it was shown at), POST calls ``remove(base)``, commits and says ``done``."""
    if request.method == "GET":
        return confirmation_page(title=title, explanation=explanation, action=action, confirm=confirm,
                                 cancel_url=url_for("studio.show_course", slug=course.slug), cancel=_("No, keep it"),
                                 fields={"base": str(outline.number)})
    try:
        remove(_base(request.form.get("base")))
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("studio.show_course", slug=course.slug))


@bp.route("/courses/<slug>/items/<item>", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def edit_item(slug, item):
    course = _course(slug)
    try:
        kind, path, text = studio.item_file(course, item)
    except studio.StudioRefused:
        abort(404)
    if kind == "h5p":
        return redirect(url_for("studio.edit_h5p", slug=slug, item=item))
    if kind in FORM_KINDS and request.args.get("advanced") != "1":
        return _edit_with_form(course, item, kind, text)
    stale = None
    if kind == "lesson":
        front, body = studio_files.read_lesson(text)
        form = forms.LessonForm(data={"title": front.get("title"), "minutes": front.get("minutes"), "body": body,
                                      "competences": front.get("competences") or [], "base": course.head})
        form.competences.choices = competence.competence_choices()
        field = "body"
    else:
        form = forms.ItemSourceForm(data={"text": text.decode("utf-8"), "base": course.head})
        field = "text"
    if form.validate_on_submit():
        if kind == "lesson":
            front = {**front, "title": form.title.data.strip(), "minutes": form.minutes.data,
                     "competences": form.competences.data}
            new_text = studio_files.lesson_text(front, form.body.data).encode()
        else:
            new_text = form.text.data.replace("\r\n", "\n").encode()
        try:
            studio.save_item(course, current_user, _base(form.base.data), item, new_text)
        except studio.StaleSave as refused:
            db.session.rollback()
            stale = refused
            form.form_errors.append(refused.message)
        except studio.StudioRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                show_error(form, problem.shown(), field)
        else:
            db.session.commit()
            flash(_("Saved as revision %(number)s.", number=course.head), "success")
            return redirect(url_for("studio.edit_item", slug=slug, item=item))
    status = 409 if stale else 400 if form.errors or form.form_errors else 200
    return render_template("studio/edit_item.html", course=course, item=item, kind=kind, form=form,
                           stale=stale, check=None, image_form=forms.ImageForm(prefix="image", data={"base": course.head})), status


def _h5p_request_bytes() -> int:
    # A file over the limit still arrives (up to a little more), so the page can say how large it is.
    return current_app.config["LMS_H5P_MAX_BYTES"] + 256 * 1024


def _h5p_form(**kwargs) -> forms.H5PItemForm:
    form = forms.H5PItemForm(**kwargs)
    form.competences.choices = competence.competence_choices()
    return form


def _h5p_upload(form) -> tuple[str, bytes] | None:
    """(name, bytes) of the uploaded .h5p file, read never past LMS_H5P_MAX_BYTES and one
    byte (the validator refuses that, naming the limit); None when no file was chosen."""
    upload = form.package.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    data = upload.stream.read(current_app.config["LMS_H5P_MAX_BYTES"] + 1)
    upload.close()
    return upload.filename, data


H5P_FIELDS = ("title", "competences", "completion", "pass_mark", "assessed")


def _h5p_refused(form, refused: studio.StudioRefused) -> None:
    """The refusal at the form's field each problem names (the file's own problems at the file)."""
    db.session.rollback()
    form.form_errors.append(refused.message)
    for problem in refused.problems[:50]:
        name = problem.field.rsplit(".", 1)[-1].split("[")[0]
        show_error(form, problem.shown(), name if name in H5P_FIELDS else "package")


def _h5p_page(course, form, *, module=None, item=None, found=None, stale=None):
    status = 409 if stale else 400 if form.errors or form.form_errors else 200
    return render_template("studio/edit_h5p.html", course=course, form=form, module=module, item=item,
                           found=found, stale=stale), status


@bp.route("/courses/<slug>/modules/<module>/h5p", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
@limits.larger_requests(_h5p_request_bytes)
def add_h5p(slug, module):
    """Add an interactive H5P activity to a module from an .h5p file."""
    course = _course(slug)
    found = next((entry for entry in studio.outline(course).modules if entry["slug"] == module), None)
    if found is None:
        abort(404)
    form = _h5p_form(data={"base": course.head})
    if form.validate_on_submit():
        upload = _h5p_upload(form)
        if upload is None:
            show_error(form, _("Choose an .h5p file."), "package")
        else:
            try:
                _revision, item = studio.add_h5p(course, current_user, _base(form.base.data), module, *upload,
                                                 form.settings(), optional=form.optional.data)
            except studio.StudioRefused as refused:
                _h5p_refused(form, refused)
            else:
                db.session.commit()
                flash(_("The H5P activity was added (revision %(number)s).", number=course.head), "success")
                return redirect(url_for("studio.edit_h5p", slug=slug, item=item))
    return _h5p_page(course, form, module=found)


@bp.route("/courses/<slug>/h5p/<item>", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
@limits.larger_requests(_h5p_request_bytes)
def edit_h5p(slug, item):
    """An H5P activity's settings, and its file replaced (the item keeps its address)."""
    course = _course(slug)
    try:
        found = studio.h5p_item(course, item)
    except studio.StudioRefused:
        abort(404)
    stale = None
    form = _h5p_form(data={**found.settings, "optional": found.optional, "base": course.head})
    if form.validate_on_submit():
        upload = _h5p_upload(form) or (None, None)
        try:
            studio.save_h5p(course, current_user, _base(form.base.data), item, form.settings(),
                            optional=form.optional.data, filename=upload[0], data=upload[1])
        except studio.StaleSave as refused:
            db.session.rollback()
            stale = refused
            form.form_errors.append(refused.message)
        except studio.StudioRefused as refused:
            _h5p_refused(form, refused)
        else:
            db.session.commit()
            flash(_("Saved as revision %(number)s.", number=course.head), "success")
            return redirect(url_for("studio.edit_h5p", slug=slug, item=item))
    return _h5p_page(course, form, item=item, found=found, stale=stale)


def _previewed(token: str) -> tuple[int, int, str]:
    found = studio.read_preview_token(current_app.config["SECRET_KEY"], token)
    if found is None:
        abort(404)
    return found


# A draft's H5P activity plays in the preview as learners would see it, in the same sandboxed
# frame (its requests carry no cookie: the signed token is what lets them in); the page
# around it forwards nothing, so nothing is recorded.
@bp.route("/h5p-preview/<token>/")
def preview_h5p(token):
    course_id, number, item = _previewed(token)
    base = url_for("studio.preview_h5p", token=token, _external=True).rstrip("/")
    manifest = studio.previewed_file((course_id, number, item), "h5p.json")
    if manifest is None:
        abort(404)
    title = str((json.loads(manifest) or {}).get("title") or item)
    return h5p_views.player_page(base, item, title, str((json.loads(manifest) or {}).get("language") or "en"),
                                 f"urn:lms:studio-preview:{item}")


@bp.route("/h5p-preview/<token>/player/<path:name>")
def preview_h5p_player(token, name):
    _previewed(token)
    return h5p_views.player_asset(name)


@bp.route("/h5p-preview/<token>/content/<path:name>")
def preview_h5p_content(token, name):
    return h5p_views.frame_file(studio.previewed_file(_previewed(token), name), name)


@bp.route("/h5p-preview/<token>/libraries/<folder>/<path:name>")
def preview_h5p_library(token, folder, name):
    _previewed(token)
    return h5p_views.frame_file(h5p_player.library_file(folder, name), name)


def _image_request_bytes() -> int:
    # An image over the limit still arrives, so the page can say how large it is.
    return content_files.MAX_IMAGE_BYTES + 256 * 1024


@bp.route("/courses/<slug>/items/<item>/images", methods=["POST"])
@role_required(*STUDIO_ROLES)
@limits.larger_requests(_image_request_bytes)
def add_image(slug, item):
    """Upload an image into the course; the lesson shows it at its end."""
    course = _course(slug)
    try:
        kind, _path, text = studio.item_file(course, item)
    except studio.StudioRefused:
        abort(404)
    if kind != "lesson":
        abort(404)
    image_form = forms.ImageForm(prefix="image")
    if image_form.validate_on_submit():
        upload = image_form.image.data
        data = upload.stream.read(content_files.MAX_IMAGE_BYTES + 1)
        upload.close()
        try:
            _revision, shown = studio.add_image(course, current_user, _base(image_form.base.data), item,
                                                upload.filename or "", data, image_form.alt.data)
        except studio.StudioRefused as refused:
            db.session.rollback()
            show_error(image_form, refused.message, "image")
            for problem in refused.problems[:20]:
                show_error(image_form, problem.shown(), "image")
        else:
            db.session.commit()
            flash(_("The image was added at the end of the lesson as %(markdown)s (revision %(number)s).",
                    markdown=shown, number=course.head), "success")
            return redirect(url_for("studio.edit_item", slug=slug, item=item))
    front, body = studio_files.read_lesson(text)
    form = forms.LessonForm(formdata=None, data={"title": front.get("title"), "minutes": front.get("minutes"),
                                                 "body": body, "base": course.head})
    return render_template("studio/edit_item.html", course=course, item=item, kind=kind, form=form, stale=None,
                           check=None, image_form=image_form), 400


def _image(found) -> Response:
    """An image with its own media type (``nosniff`` is on every response); an SVG is also
    sandboxed, so even opened on its own it runs nothing."""
    if found is None:
        abort(404)
    data, media_type = found
    response = Response(data, mimetype=media_type, headers={"Cache-Control": "private, max-age=300"})
    if media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.route("/courses/<slug>/images/<path:name>")
@role_required(*STUDIO_ROLES)
def show_image(slug, name):
    """An image of the newest revision, for the lesson preview an author sees."""
    return _image(studio.image(_course(slug, reviewing=True), f"{studio.IMAGES_FOLDER}/{name}"))


@images_bp.route("/courses/<slug>/images/<path:name>", endpoint="show_image")
def show_published_image(slug, name):
    """An image of a course learners see (published or shipped as files)."""
    return _image(studio.published_image(slug, f"{studio.IMAGES_FOLDER}/{name}"))


def _item_form(kind: str, **kwargs):
    form = forms.ITEM_FORMS[kind](**kwargs)
    form.competences.choices = competence.competence_choices()
    return form


NOTE_GROUPS = ("hand_in",)  # groups of fields the item forms show the validator's messages at


def _place_problems(form, problems) -> dict[str, list[str]]:
    """Each validator problem at the form's field it names (the nearest one shown): a
    field's own errors, or notes for a question, its options or the question list."""
    fields = {}

    def walk(container):
        for sub in container:
            fields[sub.id] = sub
            if isinstance(sub, (FieldList, FormField)):
                walk(sub)

    walk(form)
    notes: dict[str, list[str]] = {}
    for problem in problems:
        target = itemforms.field_id(problem.field)
        if target.endswith("-answer") and fields.get(target[:-len("answer")] + "type") is not None and \
                fields[target[:-len("answer")] + "type"].data == "true_false":
            target = target[:-len("answer")] + "truth"
        group = target.split("-")[0]
        while target and target not in fields:
            target = target.rpartition("-")[0]
        field = fields.get(target)
        if field is None and group in NOTE_GROUPS:
            notes.setdefault(group, []).append(problem.translated)
        elif field is None:
            form.form_errors.append(problem.shown())
        elif isinstance(field, (FieldList, FormField)):
            notes.setdefault(target, []).append(problem.translated)
        else:
            field.errors = [*field.errors, problem.translated]
    return notes


def _edit_with_form(course, item, kind, text):
    """A quiz's, an exercise's or a task's form; add/remove/move buttons change the form
    only, "Save" writes the file the validator checks and saves nothing when it has problems."""
    to_form, from_form = itemforms.KINDS[kind]
    stale, notes, status = None, {}, 200
    if request.method == "GET":
        loaded = studio_files.load(text)
        form = _item_form(kind, data={**to_form(loaded if isinstance(loaded, dict) else {}), "base": course.head})
    else:
        form = _item_form(kind)
        action = request.form.get("action", "save")
        if action != "save":
            data = itemforms.apply_action(form.data, action)
            if data is None:
                abort(400)
            form = _item_form(kind, formdata=None, data=data)
        elif form.validate_on_submit():
            new_text = studio_files.dump(from_form(form.data)).encode()
            try:
                studio.save_item(course, current_user, _base(form.base.data), item, new_text)
            except studio.StaleSave as refused:
                db.session.rollback()
                stale, status = refused, 409
                form.form_errors.append(refused.message)
            except studio.StudioRefused as refused:
                db.session.rollback()
                form.form_errors.append(refused.message)
                notes, status = _place_problems(form, refused.problems), 400
            else:
                db.session.commit()
                flash(_("Saved as revision %(number)s.", number=course.head), "success")
                return redirect(url_for("studio.edit_item", slug=course.slug, item=item))
        else:
            status = 400
    return _item_form_page(course, item, kind, form, stale=stale, notes=notes), status


def _item_form_page(course, item, kind, form, *, stale=None, notes=None, check=None, checking=False):
    """An item's form page; its Save always posts to the item's own address (the check's
    page shows the exercise's form too)."""
    return render_template(f"studio/edit_{kind}.html", course=course, item=item, kind=kind, form=form,
                           stale=stale, notes=notes or {}, type_names=forms.QUESTION_TYPE_NAMES,
                           check=check, checking=checking)


@bp.route("/courses/<slug>/items/<item>/check", methods=["POST"])
@role_required(*STUDIO_ROLES)
def check_exercise(slug, item):
    """Queue the grading of the saved exercise as validation does, done by the graders
    like learners' submissions; the check's page shows each test's result when it is done."""
    course = _course(slug)
    try:
        kind, _path, _text = studio.item_file(course, item)
    except studio.StudioRefused:
        abort(404)
    if kind != "exercise":
        abort(404)
    try:
        started = studio.start_check(course, current_user, item, str(get_locale() or "en"))
    except studio.StudioRefused as refused:  # a check of theirs is still running
        _refused(refused)
        return redirect(url_for("studio.edit_item", slug=slug, item=item))
    if isinstance(started, studio.ExerciseCheck):  # not a valid exercise: nothing to grade
        return _check_page(course, item, started, None)
    db.session.commit()
    queues.dispatch_grading(current_app._get_current_object(), started)
    return redirect(url_for("studio.show_check", slug=slug, item=item, job_id=started.id))


@bp.route("/courses/<slug>/items/<item>/checks/<int:job_id>")
@role_required(*STUDIO_ROLES)
def show_check(slug, item, job_id):
    """A check's page: "checking…" (refreshing itself) until the graders are done, then
    each test's result."""
    course = _course(slug)
    try:
        job, found = studio.check_result(current_user, job_id)
    except studio.StudioRefused:
        abort(404)
    db.session.commit()  # a check past its time is given up
    return _check_page(course, item, found, job)


def _check_page(course, item, found, job):
    """The exercise's form as saved, with the check's results (or "checking…") under it."""
    try:
        kind, _path, text = studio.item_file(course, item)
    except studio.StudioRefused:
        abort(404)
    if kind != "exercise":
        abort(404)
    to_form, _from_form = itemforms.KINDS[kind]
    loaded = studio_files.load(text)
    form = _item_form(kind, formdata=None,
                      data={**to_form(loaded if isinstance(loaded, dict) else {}), "base": course.head})
    return _item_form_page(course, item, kind, form, check=found, checking=job is not None and found is None)


@bp.route("/courses/<slug>/preview", methods=["POST"])
@role_required(*STUDIO_ROLES)
def preview(slug):
    """The lesson text rendered by the same sanitising renderer learners get."""
    _course(slug)
    body = request.form.get("body", "")[:500_000]
    return Response(markdown.render(LEADING_H1.sub("", body, count=1)), mimetype="text/html")


@bp.route("/courses/<slug>/as-learner", defaults={"item": None})
@bp.route("/courses/<slug>/as-learner/<item>")
@role_required(*STUDIO_ROLES)
def view_as_learner(slug, item):
    """The newest revision as learners would see it, the whole course or one item: read
    from the package, so nobody is enrolled and nothing is recorded."""
    course = _course(slug, reviewing=True)
    try:
        view = studio.learner_view(course, item)
    except studio.StudioRefused as refused:
        if not refused.problems:
            abort(404)
        _refused(refused)
        return redirect(url_for("studio.show_course", slug=slug))
    token = None
    if view.item and view.item["kind"] == "h5p":
        token = studio.preview_token(current_app.config["SECRET_KEY"], course, view.item["slug"])
    return render_template("studio/view_as_learner.html", course=course, view=view, token=token,
                           language=str(get_locale()))


@bp.route("/courses/<slug>/submit", methods=["POST"])
@role_required(*STUDIO_ROLES)
def submit(slug):
    course = _course(slug)
    try:
        studio.submit(course, current_user)
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
        flash(_("Submitted for review: an administrator will publish it."), "success")
    return redirect(url_for("studio.show_course", slug=slug))


@bp.route("/courses/<slug>/publish", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def publish(slug):
    """An admin, or a reviewer an admin named, publishes the newest revision."""
    course = _course(slug, reviewing=True)
    if not studio.is_reviewer(current_user):
        abort(403)
    if request.method == "GET":
        changes = studio.changes_for_learners(course)
        explanation = [_("%(count)s learners are enrolled. They keep their progress; removed items are archived, "
                         "not deleted.", count=changes.enrolled)]
        for label, titles in ((_("Added"), changes.added), (_("Removed"), changes.removed),
                              (_("Changed"), changes.changed)):
            explanation.append(f"{label}: {', '.join(titles)}" if titles else f"{label}: " + _("nothing"))
        return confirmation_page(title=_("Publish %(title)s?", title=course.title), explanation=explanation,
                                 action=url_for("studio.publish", slug=slug),
                                 confirm=_("Yes, publish %(title)s", title=course.title),
                                 cancel_url=url_for("studio.show_course", slug=slug),
                                 cancel=_("No, do not publish it now"))
    try:
        studio.publish(course, current_user)
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
        flash(_("Published: learners see this version now."), "success")
    return redirect(url_for("studio.show_course", slug=slug))


@bp.route("/courses/<slug>/history")
@role_required(*STUDIO_ROLES)
def history(slug):
    course = _course(slug, reviewing=True)
    new = min(max(_base(request.args.get("new")) or course.head, 1), course.head)
    old = min(max(_base(request.args.get("old")) or new - 1, 1), course.head)
    return render_template("studio/history.html", course=course, revisions=studio.revisions(course),
                           old=old, new=new, diff=studio.diff(course, old, new) if old != new else [])


@bp.route("/courses/<slug>/revisions/<int:number>/restore", methods=["GET", "POST"])
@role_required(*STUDIO_ROLES)
def restore(slug, number):
    course = _course(slug)
    if studio.revision(course, number) is None:
        abort(404)
    if request.method == "GET":
        return confirmation_page(
            title=_("Restore revision %(number)s of %(title)s?", number=number, title=course.title),
            explanation=[_("Its content becomes a new draft revision; no revision is deleted and learners keep "
                           "the published version.")],
            action=url_for("studio.restore", slug=slug, number=number),
            confirm=_("Yes, restore revision %(number)s", number=number),
            cancel_url=url_for("studio.history", slug=slug), cancel=_("No, keep the newest revision"))
    try:
        studio.restore(course, current_user, number)
    except studio.StudioRefused as refused:
        _refused(refused)
    else:
        db.session.commit()
        flash(_("Revision %(number)s restored as a new draft.", number=number), "success")
    return redirect(url_for("studio.history", slug=slug))


@bp.route("/courses/<slug>/export.zip")
@role_required(*STUDIO_ROLES)
def export(slug):
    """A studio course the visitor writes, or (admins) any shipped course, as a package."""
    _author()
    course = studio.get(slug)
    if course is not None and not studio.may_edit(current_user, course):
        abort(404)
    if course is None and not current_user.has_role("admin"):
        abort(404)
    try:
        name, data = studio.export(slug)
    except studio.StudioRefused:
        abort(404)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}.zip"'})


@bp.route("/authors", methods=["GET", "POST"])
@role_required("admin")
def authors():
    form = forms.AuthorForm()
    status = 200
    if form.validate_on_submit():
        user = accounts.find_by_login(form.user.data.strip())
        try:
            if user is None:
                raise studio.StudioRefused(_("There is no user with that username or e-mail address."))
            studio.grant_author(user)
        except studio.StudioRefused as refused:
            db.session.rollback()
            show_error(form, refused.message, "user")
            status = 400
        else:
            db.session.commit()
            flash(_("%(name)s can now write courses in the studio.", name=user.display_name), "success")
            return redirect(url_for("studio.authors"))
    elif form.errors:
        status = 400
    return render_template("studio/authors.html", form=form, authors=studio.authors(),
                           reviewer_form=forms.CourseReviewerForm(prefix="reviewer"), reviewers=studio.reviewers()), status


@bp.route("/reviewers", methods=["POST"])
@role_required("admin")
def name_reviewer():
    """An admin names a teacher who reviews and publishes studio courses."""
    form = forms.CourseReviewerForm(prefix="reviewer")
    if form.validate_on_submit():
        user = accounts.find_by_login(form.user.data.strip())
        try:
            if user is None:
                raise studio.StudioRefused(_("There is no user with that username or e-mail address."))
            studio.name_reviewer(user)
        except studio.StudioRefused as refused:
            db.session.rollback()
            show_error(form, refused.message, "user")
        else:
            db.session.commit()
            flash(_("%(name)s can now review and publish studio courses.", name=user.display_name), "success")
            return redirect(url_for("studio.authors"))
    return render_template("studio/authors.html", form=forms.AuthorForm(), authors=studio.authors(),
                           reviewer_form=form, reviewers=studio.reviewers()), 400
