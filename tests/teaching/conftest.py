"""A class ready for follow-up work: its teacher, a pupil in it, the test courses."""

from dataclasses import dataclass

import pytest

from lms.accounts import services as accounts
from lms.extensions import db
from lms.teaching import services
from lms.teaching.models import SchoolClass


@dataclass
class Classroom:
    class_id: int
    teacher: object
    pupil_username: str = "kid1"
    pupil_password: str = "pupil password"

    @property
    def url(self) -> str:
        return f"/classes/{self.class_id}"


def add_pupil(app, class_id, username, name="Anna", password="pupil password"):
    """A pupil joins the class as through its code (no e-mail)."""
    with app.app_context():
        pupil = services.join(db.session.get(SchoolClass, class_id), username=username, display_name=name,
                              password=password)
        db.session.commit()
        return pupil.id


@pytest.fixture
def classroom(app, teacher, courses):
    """The teacher's class "Robotics club" with the pupil kid1 (Anna) in it; nobody signed in."""
    with app.app_context():
        school_class = services.create_class(accounts.find_by_login(teacher.username), "Robotics club")
        db.session.commit()
        class_id = school_class.id
    add_pupil(app, class_id, "kid1")
    return Classroom(class_id, teacher)


@pytest.fixture
def as_pupil(client, login):
    def sign_in(username="kid1", password="pupil password"):
        client.post("/logout")
        login(type("Pupil", (), {"username": username}), password=password)
    return sign_in


@pytest.fixture
def as_teacher(client, login, teacher):
    def sign_in(user=None):
        client.post("/logout")
        login(user or teacher)
    return sign_in
