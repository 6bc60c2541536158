import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from lms.competence import services
from lms.core.auth import login_required
from lms.extensions import db
from lms.xapi import services as xapi

bp = Blueprint("competence", __name__)


def _me() -> str:
    return xapi.account_key(current_user.public_id)


@bp.route("/my/competences")
@login_required
def my_competences():
    return render_template("competence/my_competences.html", profiles=services.profile(_me()),
                           readiness=services.readiness(_me()), activity_link=_activity_link)


def _activity_link(activity_id: str):
    """(title, url) of a platform lesson or quiz behind an activity id, else None."""
    from lms.catalog import services as catalog

    marker = "/xapi/activities/"
    if marker not in activity_id:
        return None
    parts = activity_id.split(marker, 1)[1].split("/")
    if len(parts) != 3 or parts[0] not in ("lesson", "quiz"):
        return None
    course = catalog.get_course(parts[1])
    item = catalog.find_item(course, parts[2]) if course else None
    if item is None:
        return None
    return f"{course.title}: {item.title}", url_for("learning.show_item", slug=course.slug, item_slug=item.slug)


@bp.route("/my/competences.json")
@login_required
def download_competences():
    body = [{
        "framework": item.framework.slug, "title": item.framework.title,
        "competences": [{
            "code": entry.competence.code, "title": entry.competence.title, "level": entry.level,
            "evidence": [{"statement": str(e.statement_seq), "activity": e.activity_id, "level": e.level,
                          "score": e.score, "at": e.at.isoformat() + "Z"} for e in entry.evidence],
        } for entry in item.entries if entry.level],
    } for item in services.profile(_me())]
    return Response(json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-competences.json"'})


@bp.route("/my/competences/evidence/<int:seq>")
@login_required
def show_evidence(seq):
    """The statement behind a level, as stored: the learner's own only."""
    row = services.statement_for(_me(), seq)
    if row is None:
        abort(404)
    return render_template("competence/show_evidence.html", statement=row,
                           pretty=json.dumps(row.data, ensure_ascii=False, indent=2))


@bp.route("/my/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment():
    """Teachers' self-reflection along DigCompEdu: a starting level per competence, kept
    apart from evidenced levels, and a learning plan from the courses that develop them."""
    framework = services.self_assessment_framework()
    if framework is None:
        abort(404)
    problems = []
    if request.method == "POST":  # CSRFProtect has checked the token
        answers = {}
        for competence in framework.competences:
            answers[competence.id] = request.form.get(f"c-{competence.id}", "")
        try:
            count = services.save_self_assessment(_me(), answers)
        except ValueError as error:
            db.session.rollback()
            problems.append(str(error))
        else:
            db.session.commit()
            flash(ngettext("%(num)d answer saved.", "%(num)d answers saved.", count), "success")
            return redirect(url_for("competence.self_assessment"))
    return render_template("competence/self_assessment.html", framework=framework,
                           answers=services.self_assessed(_me()), plan=services.learning_plan(_me()),
                           problems=problems, activity_link=_activity_link), 400 if problems else 200
