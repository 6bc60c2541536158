import json

from flask import Blueprint, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.core.auth import login_required
from lms.xapi import services

bp = Blueprint("xapi", __name__)

VERB_NAMES = {
    "registered": _l("Enrolled in"), "experienced": _l("Opened"), "answered": _l("Answered"),
    "attempted": _l("Attempted"), "passed": _l("Passed"), "failed": _l("Did not pass"),
    "completed": _l("Completed"), "progressed": _l("Made progress in"), "voided": _l("Withdrew a record"),
}


@bp.route("/my/record")
@login_required
def my_record():
    """The learner's own learning record as a readable timeline, newest first."""
    rows = services.statements_for_actor(services.account_key(current_user.public_id), limit=500)
    return render_template("xapi/my_record.html", statements=rows, verb_names=VERB_NAMES)


@bp.route("/my/record.json")
@login_required
def download_record():
    rows = services.statements_for_actor(services.account_key(current_user.public_id), newest_first=False)
    body = json.dumps([row.data for row in rows], ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-learning-record.json"'})
