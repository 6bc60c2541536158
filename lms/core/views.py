from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.core import i18n
from lms.core.urls import safe_next
from lms.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def home():
    """The front page for visitors; a signed-in person's home is their own dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    return render_template("core/home.html")


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: 200 when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen language: on the account when signed in, else in the session."""
    locale = request.form.get("locale", "")
    back = safe_next(request.form.get("next"), url_for("core.home"))
    if locale not in current_app.config["LMS_LANGUAGES"]:
        return redirect(back)
    session["locale"] = locale
    if current_user.is_authenticated:
        i18n.language_chosen(current_user, locale)
        db.session.commit()
    return redirect(back)
