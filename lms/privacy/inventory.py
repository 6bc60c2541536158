"""What the platform holds about people, as data: every column of every table is listed
here as personal (it names a person, links a row to one, or holds what they wrote, did or
were told) or as holding nothing personal. ``tests/privacy/test_inventory.py`` fails when
a table or column is missing, so a new column is classified before it ships, and when a
personal column is not in ``docs/privacy.md``.

Run ``python -m lms.privacy.inventory`` to print the table that ``docs/privacy.md``
carries."""

from __future__ import annotations

from dataclasses import dataclass, field

# Who sees what, said once.
LEARNER = "the person; "
TEACHER = "their class teacher (pupils of their classes); "
REVIEWER = "their task's reviewer; "
ADMIN = "admins"

UNTIL_ERASED = "until the person is erased (on request, or by the retention command)"


@dataclass(frozen=True)
class Table:
    holds: str
    why: str
    who: str
    kept: str
    personal: dict[str, str] = field(default_factory=dict)
    other: tuple[str, ...] = ()


INVENTORY: dict[str, Table] = {
    # Accounts -----------------------------------------------------------------------------
    "user_account": Table(
        "accounts", "to sign in, to name the person to their teacher and reviewers, to count audiences",
        LEARNER + TEACHER + REVIEWER + ADMIN, UNTIL_ERASED + "; then an anonymous row keeps only the audience",
        {"public_id": "the identifier in addresses and xAPI statements", "username": "chosen name to sign in",
         "email": "adults and teachers only; pupils have none", "display_name": "the person's name",
         "password_hash": "a scrypt hash of the password", "locale": "chosen language",
         "created_at": "when the account was made", "last_login_at": "last sign-in",
         "active": "whether the account may sign in", "erased_at": "when the person was erased",
         "retention_warned_at": "when warned that the unused account will be erased"},
        ("id", "audience")),
    "user_role": Table("roles", "to decide what a person may do", ADMIN, UNTIL_ERASED,
                       {"user_id": "whose role"}, ("role",)),
    "sign_in_session": Table(
        "sign-ins (one per device)", "to keep a person signed in and let them end it", LEARNER + ADMIN,
        "until it ends or expires; erased with the person",
        {"user_id": "whose sign-in", "browser": "browser name, no version", "os": "system name, no version",
         "created_at": "when signed in", "last_seen_at": "last use", "ended_at": "when it ended",
         "token_hash": "hash of the cookie's token"},
        ("id", "remember", "expires_at", "end_reason")),
    # Learning -----------------------------------------------------------------------------
    "enrollment": Table(
        "enrolments and course progress", "to show progress and certify completion", LEARNER + TEACHER + ADMIN,
        UNTIL_ERASED + "; then kept without a name, for the programme's figures",
        {"user_id": "who is enrolled", "registration": "the enrolment's id in statements",
         "enrolled_at": "when", "left_at": "when they left", "completed_at": "when completed",
         "last_activity_at": "last step", "progress": "share done", "last_item_id": "where they stopped"},
        ("id", "course_id", "active")),
    "item_progress": Table(
        "progress per lesson, quiz, exercise and task", "to show progress", LEARNER + TEACHER,
        UNTIL_ERASED + "; then kept without a name",
        {"enrollment_id": "whose progress", "opened_at": "when opened", "completed_at": "when done",
         "best_score": "best quiz score", "last_score": "last quiz score", "attempts": "number of attempts"},
        ("id", "item_id")),
    "module_completion": Table("completed modules", "to complete courses", LEARNER + TEACHER,
                               UNTIL_ERASED + "; then kept without a name",
                               {"enrollment_id": "whose", "completed_at": "when"}, ("id", "module_id")),
    "quiz_attempt": Table(
        "quiz attempts with answers", "to grade and show results", LEARNER + TEACHER, UNTIL_ERASED,
        {"enrollment_id": "whose attempt", "answers": "the learner's answers (free text for short answers)",
         "results": "per question: right or wrong", "score": "score", "points": "points", "passed": "passed",
         "started_at": "when started", "submitted_at": "when submitted"},
        ("id", "item_id", "number", "paper", "max_points")),
    "certificate": Table(
        "certificates", "to prove completion to others", LEARNER + "anyone with the code (course, date; the "
        "name only if the adult agreed)", UNTIL_ERASED + "; then marked withdrawn",
        {"enrollment_id": "whose certificate", "code": "verification code", "issued_at": "when",
         "show_name": "the learner's choice to show their name"}, ("id", "withdrawn_at")),
    # Exercises ----------------------------------------------------------------------------
    "exercise_submission": Table(
        "code exercise submissions", "to grade and keep the best", LEARNER + TEACHER, UNTIL_ERASED,
        {"enrollment_id": "whose", "code": "the learner's code", "results": "test results",
         "logs": "console output of their code", "error": "error in their code", "score": "score",
         "passed": "passed", "submitted_at": "when", "line": "error line", "column": "error column",
         "passed_count": "tests passed", "duration_ms": "grading time"},
        ("id", "item_id", "number", "status", "total")),
    "exercise_draft": Table("the latest code of an exercise", "to reopen the learner's work", LEARNER,
                            UNTIL_ERASED, {"enrollment_id": "whose", "code": "the learner's code",
                                           "saved_at": "when"}, ("id", "item_id")),
    "grading_job": Table(
        "gradings waiting or done", "to grade off the request path", LEARNER, UNTIL_ERASED,
        {"user_id": "whose", "enrollment_id": "whose", "code": "the learner's code", "result": "outcome",
         "error": "why it failed", "created_at": "when", "started_at": "when", "finished_at": "when",
         "shown_at": "when shown", "locale": "language", "submission_id": "the submission"},
        ("id", "item_id", "kind", "state")),
    # Tasks --------------------------------------------------------------------------------
    "task_draft": Table("task drafts", "to keep work between visits", LEARNER, UNTIL_ERASED,
                        {"enrollment_id": "whose", "text": "the learner's text", "link": "their link",
                         "saved_at": "when"}, ("id", "item_id")),
    "task_hand_in": Table(
        "handed-in tasks", "to be reviewed", LEARNER + TEACHER + REVIEWER, UNTIL_ERASED,
        {"enrollment_id": "whose", "text": "the learner's text", "text_html": "the same, rendered",
         "link": "their link", "submitted_at": "when", "status": "review status"}, ("id", "item_id", "number")),
    "task_file": Table(
        "files of drafts and hand-ins", "to be reviewed", LEARNER + TEACHER + REVIEWER, UNTIL_ERASED,
        {"draft_id": "whose draft", "hand_in_id": "whose hand-in", "filename": "name the learner gave",
         "uploaded_at": "when", "blob_id": "the bytes"}, ("id", "file_type", "content_type", "size")),
    "task_file_blob": Table("the bytes of uploaded files", "to be reviewed", LEARNER + TEACHER + REVIEWER,
                            UNTIL_ERASED, {"data": "the file's content", "sha256": "its hash"}, ("id", "size")),
    "task_review": Table(
        "reviews of hand-ins", "feedback to the learner", LEARNER + TEACHER + REVIEWER,
        UNTIL_ERASED + " (the learner); a reviewer's erasure removes their name and comment",
        {"hand_in_id": "whose work", "reviewer_id": "who reviewed", "comment": "feedback about the learner",
         "comment_html": "the same, rendered", "scores": "rubric levels chosen", "points": "points",
         "score": "score", "decision": "accepted or another try", "reviewed_at": "when"},
        ("id", "reviewer_role", "max_points")),
    "work_feedback": Table(
        "teachers' comments on work", "feedback to the learner", LEARNER + TEACHER + REVIEWER,
        UNTIL_ERASED + " (the learner); an author's erasure removes their name and words",
        {"enrollment_id": "whose work", "author_id": "who commented", "body": "the comment",
         "body_html": "the same, rendered", "line": "the line of code commented on",
         "line_text": "that line of the learner's code", "created_at": "when"},
        ("id", "item_id", "author_role", "target", "target_id", "target_number")),
    # Authoring ----------------------------------------------------------------------------
    "studio_author": Table("course authors", "to let a person write courses", ADMIN, UNTIL_ERASED,
                           {"user_id": "the author", "granted_at": "when",
                            "reviewer": "whether they also review and publish studio courses"}),
    "studio_member": Table("authors of a studio course", "to share editing", "co-authors; " + ADMIN, UNTIL_ERASED,
                           {"user_id": "the author", "added_at": "when"}, ("course_id", "role")),
    "studio_revision": Table(
        "saved versions of studio courses", "history and review", "co-authors; " + ADMIN,
        "as long as the course; an author's erasure removes their name and notes",
        {"author_id": "who saved", "note": "their note", "created_at": "when"},
        ("id", "course_id", "number", "package")),
    "h5p_library": Table(
        "H5P libraries in the store", "to record who let third-party code run", ADMIN,
        "as long as the library; an admin's erasure removes their name",
        {"approved_by_id": "the admin who approved it"},
        ("id", "machine_name", "major", "minor", "patch", "title", "runnable", "manifest", "added_at", "updated_at",
         "approved_at")),
    "h5p_state": Table("where a learner left an H5P activity", "to resume it on the next visit", "the person",
                       UNTIL_ERASED, {"enrollment_id": "whose", "data": "the activity's state (their answers so far)",
                                      "saved_at": "when"}, ("item_id",)),
    "h5p_library_file": Table("files of H5P libraries", "to play H5P content", ADMIN, "as long as the library", {},
                              ("id", "library_id", "path", "data")),
    "course_reviewer": Table("reviewers of a course", "to route hand-ins", ADMIN, UNTIL_ERASED,
                             {"user_id": "the reviewer", "assigned_at": "when"}, ("course_id",)),
    # Teaching -----------------------------------------------------------------------------
    "school_class": Table(
        "classes", "to run a class", TEACHER + "members; " + ADMIN, "until the teacher deletes it",
        {"teacher_id": "the class's teacher", "created_at": "when"},
        ("id", "name", "group", "join_code", "joining_open", "ends_on", "legal_basis", "basis_date")),
    "class_member": Table("class members", "to run a class", TEACHER + ADMIN, UNTIL_ERASED,
                          {"user_id": "the member", "joined_at": "when"}, ("class_id",)),
    "class_course": Table("courses assigned to classes", "to run a class", TEACHER,
                          "until unassigned", {}, ("class_id", "course_id", "opens_at", "due_at", "close_at_due")),
    "class_item": Table("items assigned to classes", "to run a class", TEACHER, "until unassigned", {},
                        ("id", "class_id", "item_id", "course_id", "created_at", "opens_at", "due_at",
                         "close_at_due")),
    "announcement": Table("announcements", "to tell a class", TEACHER + "members", UNTIL_ERASED + " (the author)",
                          {"author_id": "who wrote it", "body": "what the teacher wrote", "html": "the same, rendered",
                           "created_at": "when", "edited_at": "when"}, ("id", "class_id")),
    "announcement_read": Table("announcements read", "to clear the dashboard", LEARNER, UNTIL_ERASED,
                               {"user_id": "who read", "read_at": "when"}, ("announcement_id",)),
    "calendar_feed": Table("secret calendar links", "to subscribe to due dates", LEARNER, UNTIL_ERASED,
                           {"user_id": "whose", "token_hash": "hash of the secret", "created_at": "when",
                            "last_used_at": "last use"}),
    # Notifications ------------------------------------------------------------------------
    "notification": Table(
        "notifications", "to tell a person what happened", LEARNER, UNTIL_ERASED,
        {"user_id": "whose", "subject": "what it is about", "url": "link", "key": "what it is unique for",
         "created_at": "when", "read_at": "when read", "emailed_at": "when e-mailed", "at": "when the thing is"},
        ("id", "kind")),
    "notification_preference": Table("e-mail digest choice", "to send the digest", LEARNER, UNTIL_ERASED,
                                     {"user_id": "whose", "email_digest": "their choice",
                                      "digest_sent_on": "last digest"}),
    # Competences --------------------------------------------------------------------------
    "competence_evidence": Table(
        "competence evidence", "to show levels traced to statements", LEARNER + TEACHER + ADMIN, UNTIL_ERASED,
        {"actor_key": "whose evidence", "statement_seq": "the statement", "score": "score", "at": "when",
         "level": "level shown", "rank": "level's rank", "counted": "whether it counts",
         "withdrawn": "withdrawn by voiding", "kind": "how obtained", "provider": "which app sent it"},
        ("id", "competence_id", "activity_id")),
    "learner_competence": Table(
        "levels per learner", "to show levels quickly", LEARNER + TEACHER + ADMIN,
        UNTIL_ERASED + "; then kept under an anonymous key for the programme's figures",
        {"actor_key": "whose", "level": "level", "rank": "rank", "evidence_count": "pieces of evidence",
         "updated_at": "when"}, ("competence_id",)),
    "self_assessment": Table("self-assessed starting levels", "to plan a teacher's learning", LEARNER,
                             UNTIL_ERASED, {"actor_key": "whose", "level": "level", "rank": "rank",
                                            "assessed_at": "when"}, ("competence_id",)),
    "self_assessment_answer": Table("self-assessment answers", "to compute starting levels", LEARNER,
                                    UNTIL_ERASED, {"actor_key": "whose", "value": "answer",
                                                   "answered_at": "when"}, ("statement_code", "competence_id")),
    "learner_active_day": Table(
        "days a learner was active", "weekly programme figures", ADMIN + " (counts; named only in groups of 5+)",
        UNTIL_ERASED + "; then kept under an anonymous key", {"actor_key": "whose", "day": "the day",
                                                             "week": "its week", "statements": "how many"}),
    # xAPI ---------------------------------------------------------------------------------
    "xapi_statement": Table(
        "learning records (xAPI statements), the platform's and external apps'", "the learning record",
        LEARNER + TEACHER + ADMIN + "; external credentials by scope", UNTIL_ERASED,
        {"actor_key": "whose", "data": "the statement: actor, result, response (code, answers)",
         "registration": "the enrolment", "timestamp": "when", "stored": "when stored",
         "statement_id": "the statement's id"},
        ("seq", "verb_id", "activity_id", "ref_target", "voided")),
    "xapi_statement_agent": Table("agents named in statements (index)", "statement queries", ADMIN, UNTIL_ERASED,
                                  {"agent_key": "who", "seq": "the statement"}, ("direct",)),
    "xapi_statement_activity": Table("activities named in statements (index)", "statement queries", ADMIN,
                                     UNTIL_ERASED, {"seq": "the statement"}, ("activity_id", "direct")),
    "xapi_actor": Table("every actor seen", "the admin's list of external actors", ADMIN, UNTIL_ERASED,
                        {"actor_key": "the actor (e-mail, account)", "first_seq": "first statement"}),
    "xapi_actor_link": Table("external actors linked to learners", "to count external evidence", ADMIN,
                             UNTIL_ERASED, {"actor_key": "the external actor", "learner_key": "the learner",
                                            "linked_at": "when"}, ("credential_id",)),
    "xapi_document": Table(
        "State, Activity Profile and Agent Profile documents", "the LRS's document resources",
        "the apps that wrote them (by scope)", UNTIL_ERASED,
        {"agent_key": "whose state or profile", "registration": "the enrolment",
         "content": "what the app stored", "updated": "when"},
        ("id", "kind", "activity_id", "document_id", "content_type", "etag")),
    "xapi_attachment": Table("statement attachments", "the LRS's attachments", ADMIN, UNTIL_ERASED,
                             {"content": "the attachment", "sha2": "its hash"}, ("content_type",)),
    "xapi_outbox": Table(
        "statements waiting to be forwarded", "forwarding to the external LRS", ADMIN,
        "until delivered; erased with the person (what was already sent is listed for the external LRS's operator)",
        {"statement_seq": "the statement", "last_error": "the external LRS's answer"},
        ("id", "state", "attempts", "next_attempt_at", "created_at", "delivered_at")),
    "xapi_activity": Table("activity definitions", "the Activities resource", ADMIN, "as long as the LRS",
                           {}, ("activity_id", "definition")),
    "xapi_credential": Table("LRS credentials of external apps", "to let apps send statements", ADMIN,
                             "until revoked", {}, ("id", "name", "key", "secret_hash", "scopes", "created_at",
                                                   "last_used_at", "revoked_at")),
    "xapi_credential_grant": Table(
        "grants to speak for learners", "the record of who allowed whose evidence", ADMIN,
        "as long as the credential; an admin's erasure clears their id",
        {"granted_by": "the admin's public id", "withdrawn_by": "the admin's public id"},
        ("id", "credential_id", "reason", "granted_at", "withdrawn_at")),
    # Privacy ------------------------------------------------------------------------------
    "erasure_request": Table(
        "erasure requests and their outcome", "to show who asked, who decided and why", ADMIN + "; the requester",
        "kept; after the erasure it points at the anonymous account and the reason is cleared",
        {"subject_id": "whom", "requested_by_id": "who asked", "reason": "the requester's words",
         "decided_by_id": "the admin", "decision_reason": "the admin's reason", "created_at": "when",
         "decided_at": "when"}, ("id", "requester_role", "status")),
    "erasure_forwarded_statement": Table(
        "ids of an erased person's statements already forwarded", "for the external LRS's operator", ADMIN,
        "kept with the request", {"statement_id": "a statement's id"}, ("id", "request_id", "endpoint")),
    "data_export": Table(
        "copies of a person's data asked for (the archive itself is a file-store blob)",
        "to hand the person, their teacher or an admin a copy of everything", "the requester",
        "LMS_EXPORT_KEEP_HOURS hours after it is ready; erased with the person or the requester",
        {"subject_id": "whose data", "requested_by_id": "who asked", "blob_id": "the archive",
         "created_at": "when asked", "finished_at": "when ready"},
        ("id", "state", "expires_at", "size", "error")),
    "access_log_entry": Table(
        "views of a person's data by teachers, reviewers and admins (among them who opened a learner's work)",
        "accountability; the learner sees who looked", LEARNER + ADMIN,
        "LMS_RETENTION_ACCESS_LOG_DAYS days; erased with the person",
        {"viewer_id": "who looked", "subject_id": "whose data", "what": "what was seen", "detail": "which",
         "at": "when"}, ("id", "item_id", "viewer_role", "work_number")),
    # Nothing personal ---------------------------------------------------------------------
    "course": Table("courses", "", "", "", {}, (
        "id", "slug", "title", "summary", "language", "audiences", "track", "level", "estimated_hours", "status",
        "competences", "lesson_completion", "archived", "imported_at", "translations")),
    "course_module": Table("course modules", "", "", "", {}, (
        "id", "course_id", "slug", "title", "summary", "position", "optional", "archived", "translations")),
    "course_item": Table("course items", "", "", "", {}, (
        "id", "course_id", "module_id", "slug", "kind", "title", "position", "optional", "archived", "minutes",
        "competences", "html", "pass_mark", "max_attempts", "questions", "show_answers", "shuffle_options", "draw",
        "exercise", "task", "h5p", "translations")),
    "h5p_content": Table("H5P activities' content", "", "", "", {}, ("item_id", "manifest", "package", "updated_at")),
    "competence_framework": Table("frameworks", "", "", "", {}, ("id", "slug", "title", "title_lv", "source",
                                                                 "levels")),
    "competence": Table("competences", "", "", "", {}, (
        "id", "framework_id", "code", "area_code", "area_title", "area_title_lv", "title", "title_lv",
        "description", "position")),
    "activity_competence": Table("activity mappings", "", "", "", {}, (
        "id", "activity_id", "competence_id", "level", "min_score", "source", "participation_counts")),
    "role_profile": Table("role profiles", "", "", "", {}, ("id", "slug", "title", "title_lv", "description",
                                                            "requires", "audiences")),
    "studio_course": Table("studio courses", "", "", "", {}, (
        "id", "slug", "title", "state", "head", "published_number", "copied_from", "created_at")),
    "platform_identity": Table("the platform's identity", "", "", "", {}, ("id", "iri", "fixed_at")),
}


def personal_columns() -> list[str]:
    return sorted(f"{table}.{column}" for table, entry in INVENTORY.items() for column in entry.personal)


def markdown() -> str:
    """The inventory as the Markdown table in ``docs/privacy.md``."""
    lines = ["| table | what | personal columns | who sees it | kept |", "| --- | --- | --- | --- | --- |"]
    for name, entry in sorted(INVENTORY.items()):
        if not entry.personal:
            continue
        columns = "; ".join(f"`{name}.{column}` ({what})" for column, what in entry.personal.items())
        lines.append(f"| `{name}` | {entry.holds}: {entry.why} | {columns} | {entry.who.strip().rstrip(';')} | {entry.kept} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
