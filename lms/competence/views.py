import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user

from lms.catalog import services as catalog
from lms.competence import kinds, services
from lms.core.auth import login_required
from lms.core.i18n import localized
from lms.extensions import db
from lms.xapi import services as xapi

bp = Blueprint("competence", __name__)


def _me() -> str:
    return xapi.account_key(current_user.public_id)


@bp.app_template_filter("evidence_kind")
def evidence_kind(evidence) -> str:
    """How a piece of evidence was obtained, in the reader's language (every page that
    lists evidence: the learner's, a teacher's drill-down, the admin's)."""
    return kinds.describe(evidence.kind, evidence.provider)


@bp.app_template_filter("level_name")
def level_name(competence, code) -> str:
    """A level of the competence's framework by its name in the reader's language
    ("Independent (3)"), not its code; the code itself for a level the scale lacks."""
    if code is None:
        return "—"
    entry = competence.framework.level(code)
    return localized(entry) if entry else str(code)


@bp.app_template_filter("named_competences")
def named_competences(refs) -> list:
    """A course's ``framework:code@level`` references as (competence, level code)."""
    return services.named_references(list(refs or []))


def audiences_of(user) -> set[str]:
    """The audiences whose roles fit a person: their own, and teacher for a teacher."""
    return {user.audience, *(["teacher"] if user.has_role("teacher") else [])}


def evidence_sources(evidence) -> dict:
    """What an evidence list names instead of activity ids: the course items behind the
    platform's activities and the names external activities give themselves."""
    return {"evidence_items": catalog.items_for_activities({e.activity_id for e in evidence}),
            "activity_names": services.activity_names(evidence, str(get_locale() or "en").split("_")[0])}


@bp.app_context_processor
def evidence_kind_names():
    return {"evidence_kind_names": kinds.NAMES}


@bp.route("/my/competences")
@login_required
def my_competences():
    readiness = services.readiness(_me(), audiences_of(current_user))
    profiles = services.profile(_me())
    evidence = [e for item in profiles for entry in item.entries for e in entry.evidence]
    return render_template("competence/my_competences.html", profiles=profiles, readiness=readiness,
                           activity_links=_activity_links({a for role in readiness for gap in role.gaps
                                                           for a in gap.next_activities}),
                           **evidence_sources(evidence))


def _activity_links(activity_ids) -> dict[str, tuple[str, str]]:
    """{activity id: (title, url)} for the platform items among the ids, in one query."""
    return {activity_id: (f"{item.course.title}: {item.title}",
                          url_for("learning.show_item", slug=item.course.slug, item_slug=item.slug))
            for activity_id, item in catalog.items_for_activities(activity_ids).items()}


@bp.route("/my/competences.json")
@login_required
def download_competences():
    def waiting(entry):
        evidence = entry.not_yet_counted
        return {"participated_not_yet_assessed": evidence.level} if evidence is not None else {}

    body = [{
        "framework": item.framework.slug, "title": item.framework.title,
        "competences": [{
            "code": entry.competence.code, "title": entry.competence.title, "level": entry.level, **waiting(entry),
            "evidence": [{"statement": str(e.statement_seq), "activity": e.activity_id, "level": e.level,
                          "kind": e.kind, "how": evidence_kind(e), "provider": e.provider, "counted": e.counted,
                          "score": e.score, "at": e.at.isoformat() + "Z"} for e in entry.evidence],
        } for entry in item.entries if entry.evidence],
    } for item in services.profile(_me())]
    return Response(json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-competences.json"'})


@bp.route("/my/competences/evidence/<bigint:seq>")
@login_required
def show_evidence(seq):
    """The statement behind a level, as stored: the learner's own only."""
    row = services.statement_for(_me(), seq)
    if row is None:
        abort(404)
    item = catalog.items_for_activities([row.activity_id] if row.activity_id else []).get(row.activity_id)
    return render_template("competence/show_evidence.html", statement=row, item=item,
                           pretty=json.dumps(row.data, ensure_ascii=False, indent=2))


@bp.route("/my/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment():
    """Teachers' self-reflection along DigCompEdu: statements about their practice, 2-3 per
    competence, whose answers give a starting level per competence, kept apart from
    evidenced levels, and a learning plan from the courses that develop them."""
    framework = services.self_assessment_framework()
    if framework is None:
        abort(404)
    questionnaire = services.questionnaire()
    problems = []
    answers = services.self_assessment_answers(_me())
    if request.method == "POST":  # CSRFProtect has checked the token
        given = {s.code: request.form.get(f"a-{s.code}", "")
                 for items in questionnaire.competences.values() for s in items}
        try:
            count = services.save_self_assessment(_me(), given)
        except ValueError as error:
            db.session.rollback()
            problems.append(str(error))
            answers = {code: value for code, value in given.items() if value}
        else:
            db.session.commit()
            flash(ngettext("%(num)d competence has a starting level.", "%(num)d competences have a starting level.",
                           count), "success")
            return redirect(url_for("competence.self_assessment"))
    plan = services.learning_plan(_me())
    return render_template("competence/self_assessment.html", framework=framework, questionnaire=questionnaire,
                           answers=answers, levels=services.self_assessed(_me()), plan=plan, problems=problems,
                           activity_links=_activity_links({a for _, _, ids in plan for a in ids})), \
        400 if problems else 200
