"""Reviewed tasks: handing in, reviewing with a rubric, another try, acceptance as
assessed evidence, and who may see whose work."""

import pytest
import sqlalchemy as sa

from lms.competence.models import Evidence, LearnerCompetence
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import ItemProgress, ModuleCompletion
from lms.notifications import services as notifications
from lms.tasks import services
from lms.tasks.models import FileBlob, HandIn, Review, TaskFile
from lms.xapi import services as xapi
from lms.xapi import vocabulary
from lms.xapi.models import Statement
from lms.teaching.models import ClassMember
from tests.factories import make_user
from tests.tasks.conftest import ELF, PDF, PNG, count_queries, office

PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


def statements_of(user, verb=None):
    query = sa.select(Statement).where(Statement.actor_key == xapi.account_key(user.public_id)).order_by(Statement.seq)
    if verb:
        query = query.where(Statement.verb_id == verb)
    return list(db.session.scalars(query))


def hand_in(people, user=None, **fields):
    user = user or people.pupil
    fields.setdefault("text", "My plan: pupils watch a 5-minute video, then practise in pairs.")
    made = services.save(people.enrollment(user), people.plan, hand_in=True, **fields)
    db.session.commit()
    return made


GOOD = {"level-objective": "2", "level-activities": "2"}      # 6 of 6 points
WEAK = {"level-objective": "1", "level-activities": "0"}      # 1 of 6 points


def test_a_draft_is_kept_and_handing_in_records_attempted(people):
    """Saving keeps the work without handing it in; handing in makes hand-in 1, waiting, and `attempted`."""
    enrollment = people.enrollment(people.pupil)
    assert services.save(enrollment, people.plan, text="First ideas", link="https://example.org/plan") is None
    db.session.commit()
    draft = services.draft_for(enrollment, people.plan)
    assert (draft.text, draft.link) == ("First ideas", "https://example.org/plan")
    assert services.hand_ins(enrollment, people.plan) == [] and statements_of(people.pupil, ATTEMPTED) == []

    made = hand_in(people, text="**Final** plan", link="https://example.org/plan",
                   uploads=[services.Upload("plan.pdf", PDF)])
    assert (made.number, made.status) == (1, "waiting")
    assert "<strong>Final</strong>" in made.text_html
    assert [(f.filename, f.file_type, f.content_type) for f in made.files] == [("plan.pdf", "pdf", "application/pdf")]
    [attempted] = statements_of(people.pupil, ATTEMPTED)
    assert attempted.activity_id == vocabulary.activity_id("task", "project-work", "lesson-plan")
    assert attempted.data["context"]["extensions"][vocabulary.extension_iri("hand-in")] == 1
    assert services.draft_for(enrollment, people.plan).text == "**Final** plan"  # the working copy stays


def test_handing_in_again_before_a_review_replaces_the_waiting_one(people):
    """A learner can revise until reviewed: the newer hand-in waits, the older one is kept as replaced."""
    first = hand_in(people, text="Version one")
    second = hand_in(people, text="Version two")
    assert (first.status, second.status, second.number) == ("replaced", "waiting", 2)
    assert [h.id for h in services.waiting_for(people.teacher)] == [second.id]


def test_another_try_then_acceptance_completes_the_item_with_assessed_evidence(people):
    """The teacher asks for another try with the rubric; the second hand-in is accepted, the
    item and its module are done, and the task's competences are assessed evidence."""
    enrollment = people.enrollment(people.pupil)
    learning.mark_done(enrollment, people.course.items[0])  # the module's lesson
    first = hand_in(people)
    review = services.review(people.teacher, first, levels=WEAK, comment="Say what pupils *do* in class.",
                             decision="another_try")
    db.session.commit()
    assert (review.points, review.max_points, round(review.score, 4)) == (1, 6, 0.1667)
    assert [s["level_name"] for s in review.scores] == ["Vague", "Listening only"]
    assert review.reviewer_role == "class-teacher" and "<em>do</em>" in review.comment_html
    assert first.status == "another_try"
    row = db.session.scalar(sa.select(ItemProgress).where(ItemProgress.enrollment_id == enrollment.id,
                                                          ItemProgress.item_id == people.plan.id))
    assert row.completed_at is None and row.attempts == 1
    [failed] = statements_of(people.pupil, FAILED)
    assert failed.data["result"]["success"] is False and failed.data["result"]["score"]["scaled"] == 0.1667
    task_activity = vocabulary.activity_id("task", "project-work", "lesson-plan")
    assert db.session.scalars(sa.select(Evidence).where(Evidence.activity_id == task_activity)).all() == []

    second = hand_in(people, text="Pupils practise in pairs and get feedback.")
    services.review(people.teacher, second, levels=GOOD, comment="", decision="accepted")
    db.session.commit()
    db.session.refresh(row)
    assert row.completed_at is not None and row.best_score == 1.0
    [passed] = statements_of(people.pupil, PASSED)
    context = passed.data["context"]
    assert context["instructor"]["account"]["name"] == str(people.teacher.public_id)
    assert context["extensions"][vocabulary.extension_iri("reviewer-role")] == "class-teacher"
    assert passed.data["result"] == {"score": {"scaled": 1.0, "raw": 6, "min": 0, "max": 6}, "success": True,
                                     "completion": True}
    evidence = db.session.scalars(sa.select(Evidence).where(Evidence.statement_seq == passed.seq)).all()
    assert {(e.competence.code, e.level, e.kind, e.counted) for e in evidence} == {
        ("2.1", "4", "assessed", True), ("4.2", "2", "assessed", True)}
    levels = {r.competence.code: r.level for r in db.session.scalars(sa.select(LearnerCompetence).where(
        LearnerCompetence.actor_key == xapi.account_key(people.pupil.public_id)))}
    assert levels["2.1"] == "4"  # above the lowest level: it rests on the reviewed task
    assert db.session.scalar(sa.select(ModuleCompletion).where(ModuleCompletion.enrollment_id == enrollment.id))
    with pytest.raises(services.TaskError, match="accepted"):
        services.save(enrollment, people.plan, text="more", hand_in=True)


def test_accepting_both_tasks_completes_the_course(people):
    """Module and course completion follow the existing rules: tasks count like any required item."""
    enrollment = people.enrollment(people.adult)
    learning.mark_done(enrollment, people.course.items[0])
    plan = hand_in(people, people.adult)
    services.review(people.reviewer, plan, levels=GOOD, comment="", decision="accepted")
    reflection = services.save(enrollment, people.reflection, text="I will plan exit tickets.", hand_in=True)
    review = services.review(people.reviewer, reflection, levels={}, comment="Good.", decision="accepted")
    db.session.commit()
    assert review.score is None and review.reviewer_role == "course-reviewer"
    assert enrollment.completed_at is not None and enrollment.progress == 100
    assert learning.certificate_for(enrollment) is not None


@pytest.mark.parametrize("levels, problem", [
    ({"level-objective": "2"}, "Choose a level for “Activities in class”."),
    ({"level-objective": "3", "level-activities": "1"}, "“Learning objective”: choose one of its levels, from 0 to 2 points."),
    ({"level-objective": "-1", "level-activities": "1"}, "“Learning objective”: choose one of its levels, from 0 to 2 points."),
    ({"level-objective": "99999", "level-activities": "1"}, "“Learning objective”: choose one of its levels, from 0 to 2 points."),
])
def test_a_rubric_level_missing_or_out_of_range_is_refused_and_changes_nothing(people, levels, problem):
    """A score outside a criterion's range is refused with a message naming it; nothing is saved."""
    made = hand_in(people)
    before = len(statements_of(people.pupil))
    with pytest.raises(services.ReviewError) as refused:
        services.review(people.teacher, made, levels=levels, comment="ok", decision="accepted")
    db.session.rollback()
    assert problem in [str(message) for message in refused.value.problems.values()]
    assert db.session.get(HandIn, made.id).status == "waiting"
    assert db.session.scalars(sa.select(Review)).all() == [] and len(statements_of(people.pupil)) == before


def test_acceptance_below_the_pass_mark_and_another_try_without_a_comment_are_refused(people):
    made = hand_in(people)
    with pytest.raises(services.ReviewError) as refused:
        services.review(people.teacher, made, levels=WEAK, comment="", decision="accepted")
    assert "Accepting needs at least 50% of the rubric's points; the levels chosen give 16%." in str(
        refused.value.problems["decision"])
    with pytest.raises(services.ReviewError) as refused:
        services.review(people.teacher, made, levels=WEAK, comment="  ", decision="another_try")
    assert "Tell the learner what to change" in str(refused.value.problems["comment"])
    with pytest.raises(services.ReviewError) as refused:
        services.review(people.teacher, made, levels=GOOD, comment="", decision="maybe")
    assert "decision" in refused.value.problems
    db.session.rollback()
    assert db.session.get(HandIn, made.id).status == "waiting"


def test_only_the_learners_class_teacher_or_the_courses_reviewer_may_review(people):
    """A teacher of another class, a learner, a reviewer of another course, and a course
    reviewer for a pupil in a class are all refused; the right reviewer sees each."""
    pupils_work = hand_in(people)
    adults_work = hand_in(people, people.adult)
    assert services.reviewer_role(people.teacher, pupils_work.enrollment) == "class-teacher"
    assert services.reviewer_role(people.reviewer, adults_work.enrollment) == "course-reviewer"
    for outsider, work in [(people.other_teacher, pupils_work), (people.reviewer, pupils_work),
                           (people.other_reviewer, adults_work), (people.teacher, adults_work),
                           (people.adult, pupils_work), (people.pupil, adults_work)]:
        assert services.hand_in_for_reviewer(work.id, outsider) is None, outsider.username
        with pytest.raises(services.TaskError, match="may not review"):
            services.review(outsider, work, levels=GOOD, comment="", decision="accepted")
        db.session.rollback()
    assert db.session.get(HandIn, pupils_work.id).status == "waiting"
    assert [h.id for h in services.waiting_for(people.teacher)] == [pupils_work.id]
    assert [h.id for h in services.waiting_for(people.reviewer)] == [adults_work.id]
    assert services.waiting_for(people.other_teacher) == [] and services.waiting_for(people.other_reviewer) == []


def test_a_hand_in_is_reviewed_once(people):
    made = hand_in(people)
    services.review(people.teacher, made, levels=GOOD, comment="", decision="accepted")
    db.session.commit()
    with pytest.raises(services.TaskError, match="already been reviewed"):
        services.review(people.teacher, made, levels=WEAK, comment="again", decision="another_try")


@pytest.mark.parametrize("name, data, message", [
    ("program.pdf", ELF, "program.pdf is not really a PDF document: its content does not match its name."),
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "page.pdf is not really a PDF document: its content does not match its name."),
    ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "drawing.png is not really a PNG image: its content does not match its name."),
    ("notes.txt", b"<html><body onload=alert(1)></body></html>",
     "notes.txt is not really a plain text: its content does not match its name."),
    ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "picture.svg is not a file type this task accepts"),
    ("archive.zip", office("word/document.xml")[:0] + b"PK\x05\x06" + b"\x00" * 18,
     "archive.zip is not a file type this task accepts"),
    ("plan.png", PDF, "plan.png is a PDF document, but its name does not say so: name it .pdf."),
    ("big.pdf", PDF + b"x" * (1024 * 1024), "big.pdf is larger than 1 MB, the most this task accepts per file."),
    ("macros.docx", office("word/document.xml", {"word/vbaProject.bin": b"\x00"}),
     "macros.docx cannot be accepted: it contains macros, which are not accepted."),
    ("empty.pdf", b"", "empty.pdf is empty."),
])
def test_a_file_is_checked_by_its_content_and_nothing_is_half_saved(people, name, data, message):
    """A renamed program or web page, a type not allowed, a wrong name or an oversize file is
    refused with a message naming it and the limit; the text typed with it is not saved either."""
    enrollment = people.enrollment(people.pupil)
    with pytest.raises(services.TaskError) as refused:
        services.save(enrollment, people.plan, text="Typed with the file",
                      uploads=[services.Upload("ok.png", PNG), services.Upload(name, data)])
    db.session.rollback()
    assert message in refused.value.message and refused.value.field == "files"
    assert services.draft_for(enrollment, people.plan) is None
    assert db.session.scalars(sa.select(FileBlob)).all() == []


def test_office_documents_text_and_images_are_accepted_by_content(people):
    enrollment = people.enrollment(people.pupil)
    services.save(enrollment, people.plan, uploads=[services.Upload("plan.docx", office("word/document.xml")),
                                                    services.Upload("notes.md", "Piezīmes: ēšana".encode())])
    db.session.commit()
    kinds = [(f.file_type, f.filename) for f in services.draft_for(enrollment, people.plan).files]
    assert kinds == [("docx", "plan.docx"), ("text", "notes.md")]


def test_the_file_limit_and_removing_a_draft_file_keep_handed_in_files_whole(people):
    """At most max_files; a file removed from the draft stays in the hand-in that has it, and
    its bytes go only when nothing refers to them."""
    enrollment = people.enrollment(people.pupil)
    made = hand_in(people, uploads=[services.Upload("a.pdf", PDF), services.Upload("b.png", PNG)])
    with pytest.raises(services.TaskError, match="at most 2 files"):
        services.save(enrollment, people.plan, uploads=[services.Upload("c.pdf", PDF)])
    db.session.rollback()
    draft = services.draft_for(enrollment, people.plan)
    services.save(enrollment, people.plan, text=draft.text, remove={draft.files[0].id},
                  uploads=[services.Upload("c.pdf", PDF)])
    db.session.commit()
    assert [f.filename for f in services.draft_for(enrollment, people.plan).files] == ["b.png", "c.pdf"]
    assert [f.filename for f in db.session.get(HandIn, made.id).files] == ["a.pdf", "b.png"]
    assert services.file_data(db.session.get(HandIn, made.id).files[0]) == PDF
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileBlob)) == 3
    services.save(enrollment, people.plan, text="x", remove={f.id for f in services.draft_for(enrollment, people.plan).files})
    db.session.commit()
    # c.pdf belonged to the draft only: its bytes are gone; a.pdf and b.png stay with the hand-in.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FileBlob)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TaskFile)) == 2


def test_a_link_must_be_a_web_address_and_something_must_be_handed_in(people):
    enrollment = people.enrollment(people.pupil)
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "example.org", "https://exa mple.org"):
        with pytest.raises(services.TaskError) as refused:
            services.save(enrollment, people.plan, link=bad)
        assert refused.value.field == "link"
        db.session.rollback()
    with pytest.raises(services.TaskError, match="nothing to hand in"):
        services.save(enrollment, people.plan, text="   ", hand_in=True)


def test_statuses_read_every_learner_and_task_in_a_fixed_number_of_queries(people, app):
    """For the gradebook: each learner's state per task, two queries however many."""
    waiting = hand_in(people)
    adults = hand_in(people, people.adult)
    services.review(people.reviewer, adults, levels=GOOD, comment="", decision="accepted")
    services.save(people.enrollment(people.adult), people.reflection, text="draft")
    db.session.commit()
    pairs = [people.enrollment(people.pupil).id, people.enrollment(people.adult).id]
    with count_queries(app) as queries:
        found = services.statuses(pairs, [people.plan.id, people.reflection.id])
    assert len(queries) == 2
    assert found[(pairs[0], people.plan.id)].state == "waiting"
    assert found[(pairs[0], people.plan.id)].last_handed_in_at == waiting.submitted_at
    assert found[(pairs[0], people.plan.id)].last_reviewed_at is None
    accepted = found[(pairs[1], people.plan.id)]
    assert accepted.state == "accepted" and accepted.best_score == 1.0
    assert accepted.accepted_at == accepted.last_reviewed_at == adults.review.reviewed_at
    assert found[(pairs[1], people.reflection.id)].state == "draft"
    assert found[(pairs[0], people.reflection.id)].state == "not_started"


def test_the_review_queue_takes_a_fixed_number_of_queries(people, app):
    """However many pupils wait, the queue is read in the same few queries."""
    hand_in(people)
    with count_queries(app) as few:
        services.waiting_for(people.teacher)
    year7 = db.session.scalar(sa.select(ClassMember.class_id).where(ClassMember.user_id == people.pupil.id))
    for number in range(5):
        user = make_user(f"pupil-{number}", audience="pupil")
        db.session.add(ClassMember(class_id=year7, user_id=user.id))
        learning.enrol(user, people.course)
        db.session.commit()
        hand_in(people, user)
    with count_queries(app) as many:
        assert len(services.waiting_for(people.teacher)) == 6
    assert len(many) == len(few)


def test_a_hand_in_notifies_its_reviewers_until_it_is_replaced_or_reviewed(people):
    """The class teacher hears of a pupil's hand-in and the course's reviewer of an adult's,
    nobody else; a newer hand-in replaces the notice and a review removes it."""
    def notices(user):
        return [(n.kind, n.subject, n.url) for n in notifications.notifications_of(user).notifications]

    first = hand_in(people, text="Version one")
    assert notices(people.teacher) == [("hand_in", "Anna: Plan a flipped lesson", f"/reviews/{first.id}")]
    second = hand_in(people, text="Version two")
    assert notices(people.teacher) == [("hand_in", "Anna: Plan a flipped lesson", f"/reviews/{second.id}")]
    adults_work = hand_in(people, people.adult)
    assert [n[2] for n in notices(people.reviewer)] == [f"/reviews/{adults_work.id}"]
    for outsider in (people.other_teacher, people.other_reviewer, people.pupil, people.adult):
        assert [n for n in notices(outsider) if n[0] == "hand_in"] == [], outsider.username
    services.review(people.teacher, second, levels=GOOD, comment="", decision="accepted")
    db.session.commit()
    assert notices(people.teacher) == []
    assert [n[0] for n in notices(people.pupil)] == ["reviewed"]
