import pytest

from lms.content import services as content
from lms.extensions import db
from lms.studio import services as studio
from tests.conftest import FIXTURE_COURSES

SETTINGS = {"title": "Spreadsheets at work", "summary": "Tables, sums and charts for the office.",
            "language": "en", "audiences": ["adult"], "track": "office", "level": "beginner",
            "estimated_hours": 4, "competences": ["digcomp:2.1@2"]}


@pytest.fixture
def frameworks(app):
    with app.app_context():
        from lms.competence import services as competence

        competence.import_frameworks(FIXTURE_COURSES / "_frameworks")
        db.session.commit()


@pytest.fixture
def author(app, make_user, frameworks):
    """A teacher an admin made an author."""
    user = make_user("ms-berzina", audience="teacher", roles=("learner", "teacher"), display_name="Ilze Bērziņa")
    with app.app_context():
        studio.grant_author(db.session.get(type(user), user.id))
        db.session.commit()
    return user


@pytest.fixture
def co_author(app, make_user):
    user = make_user("mr-ozols", audience="teacher", roles=("learner", "teacher"), display_name="Jānis Ozols")
    with app.app_context():
        studio.grant_author(db.session.get(type(user), user.id))
        db.session.commit()
    return user


@pytest.fixture
def new_course(app, author):
    """A studio course the author created (its first module and lesson named in English): its slug."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        course = studio.create_course(db.session.get(type(author), author.id), dict(SETTINGS))
        db.session.commit()
        return course.slug


def package_of(folder):
    return content.packages.folder_files(folder)
