"""Every route, opened by every kind of visitor, answers as the matrix says.

A new route fails ``test_the_matrix_covers_every_route`` until it is added here, so the
matrix grows with the application."""

import pytest

from lms.accounts import services
from lms.exercises import queues

ANON, PUPIL, ADULT, TEACHER, ADMIN = "anonymous", "pupil", "adult", "teacher", "admin"
VISITORS = (ANON, PUPIL, ADULT, TEACHER, ADMIN)


def everyone(code):
    return dict.fromkeys(VISITORS, code)


def signed_in(code):
    return {ANON: 302, PUPIL: code, ADULT: code, TEACHER: code, ADMIN: code}


def admin_only(code):
    return {ANON: 302, PUPIL: 403, ADULT: 403, TEACHER: 403, ADMIN: code}


# (endpoint, method): (path builder, form data, expected status per visitor)
MATRIX = {
    ("static", "GET"): (lambda s: "/static/css/site.css", None, everyone(200)),
    ("core.home", "GET"): (lambda s: "/", None, {**everyone(302), ANON: 200}),
    ("core.healthz", "GET"): (lambda s: "/healthz", None, everyone(200)),
    ("core.set_language", "POST"): (lambda s: "/language", {"locale": "en"}, everyone(302)),
    ("accounts.register", "GET"): (lambda s: "/register", None, {**everyone(302), ANON: 200}),
    ("accounts.register", "POST"): (lambda s: "/register", {}, {**everyone(302), ANON: 200}),
    ("accounts.login", "GET"): (lambda s: "/login", None, {**everyone(302), ANON: 200}),
    ("accounts.login", "POST"): (lambda s: "/login", {}, {**everyone(302), ANON: 200}),
    ("accounts.logout", "POST"): (lambda s: "/logout", {}, everyone(302)),
    ("accounts.settings", "GET"): (lambda s: "/account", None, signed_in(200)),
    ("accounts.settings", "POST"): (lambda s: "/account", {}, signed_in(200)),
    ("accounts.sign_out_everywhere", "GET"): (lambda s: "/account/sign-out-everywhere", None, signed_in(200)),
    ("accounts.sign_out_everywhere", "POST"): (lambda s: "/account/sign-out-everywhere", {}, everyone(302)),
    ("accounts.change_password", "GET"): (lambda s: "/account/password", None, signed_in(200)),
    ("accounts.change_password", "POST"): (lambda s: "/account/password", {}, signed_in(200)),
    ("accounts.request_password_reset", "GET"): (lambda s: "/password/reset", None, everyone(200)),
    ("accounts.request_password_reset", "POST"): (lambda s: "/password/reset", {}, everyone(200)),
    ("accounts.reset_password", "GET"): (lambda s: f"/password/reset/{s['token']}", None, everyone(200)),
    ("accounts.reset_password", "POST"): (lambda s: f"/password/reset/{s['token']}", {}, everyone(200)),
    ("admin.list_users", "GET"): (lambda s: "/admin/users", None, admin_only(200)),
    ("admin.create_user", "GET"): (lambda s: "/admin/users/new", None, admin_only(200)),
    ("admin.create_user", "POST"): (lambda s: "/admin/users/new", {}, admin_only(200)),
    ("admin.show_user", "GET"): (lambda s: f"/admin/users/{s['subject']}", None, admin_only(200)),
    ("admin.update_roles", "POST"): (lambda s: f"/admin/users/{s['subject']}/roles",
                                     {"roles": ["learner"]}, admin_only(302)),
    # Destructive actions ask first: GET shows what will happen, POST does it.
    ("admin.set_active", "GET"): (lambda s: f"/admin/users/{s['subject']}/active", None, admin_only(200)),
    ("admin.set_active", "POST"): (lambda s: f"/admin/users/{s['subject']}/active",
                                   {"active": "1"}, admin_only(302)),
    ("catalog.list_courses", "GET"): (lambda s: "/courses", None, everyone(200)),
    ("catalog.show_course", "GET"): (lambda s: "/courses/first-steps", None, everyone(200)),
    ("learning.dashboard", "GET"): (lambda s: "/my", None, signed_in(200)),
    ("learning.enrol", "POST"): (lambda s: "/courses/first-steps/enrol", {}, everyone(302)),
    ("learning.leave", "GET"): (lambda s: "/courses/first-steps/leave", None, signed_in(200)),
    ("learning.leave", "POST"): (lambda s: "/courses/first-steps/leave", {}, everyone(302)),
    ("learning.show_item", "GET"): (lambda s: "/courses/first-steps/learn/welcome", None, signed_in(200)),
    ("learning.mark_done", "POST"): (lambda s: "/courses/first-steps/learn/welcome/done", {}, everyone(302)),
    ("learning.start_attempt", "POST"): (lambda s: "/courses/first-steps/learn/basics-check/attempts", {},
                                         everyone(302)),
    ("learning.show_attempt", "GET"): (lambda s: "/courses/first-steps/learn/basics-check/attempts/1", None,
                                       signed_in(200)),
    ("learning.show_attempt", "POST"): (lambda s: "/courses/first-steps/learn/basics-check/attempts/1", {},
                                        signed_in(200)),
    ("exercises.run_code", "POST"): (lambda s: "/courses/code-practice/learn/sum-numbers/run",
                                     {"code": "export const sum = () => 0;"}, everyone(302)),
    # Only the learner whose grading it is may ask how it goes: everyone else gets 404.
    ("exercises.show_job", "GET"): (lambda s: f"/courses/code-practice/learn/sum-numbers/gradings/{s['job']}", None,
                                    signed_in(404)),
    ("exercises.submit_code", "POST"): (lambda s: "/courses/code-practice/learn/sum-numbers/submit",
                                        {"code": "export const sum = () => 0;"}, everyone(302)),
    ("exercises.reset_code", "GET"): (lambda s: "/courses/code-practice/learn/sum-numbers/reset", None,
                                      signed_in(200)),
    ("exercises.reset_code", "POST"): (lambda s: "/courses/code-practice/learn/sum-numbers/reset", {},
                                       everyone(302)),
    # Only the learner who made a submission may open it: everyone else gets 404, not 403.
    ("exercises.show_submission", "GET"): (lambda s: f"/courses/code-practice/learn/sum-numbers/submissions/"
                                           f"{s['submission']}", None, signed_in(404)),
    ("exercises.copy_submission", "POST"): (lambda s: f"/courses/code-practice/learn/sum-numbers/submissions/"
                                            f"{s['submission']}/copy", {}, signed_in(404)),
    # Tasks: the learner's own hand-in; files and reviews only for the learner and their
    # reviewers (everyone else: 404, as if they did not exist); the queue for teachers.
    ("tasks.save_hand_in", "POST"): (lambda s: "/courses/project-work/learn/reflection/hand-in",
                                     {"text": "My reflection", "action": "save"}, everyone(302)),
    ("tasks.download_file", "GET"): (lambda s: f"/task-files/{s['task_file']}", None, signed_in(404)),
    ("tasks.review_queue", "GET"): (lambda s: "/reviews", None, {**admin_only(403), TEACHER: 200}),
    ("tasks.review_hand_in", "GET"): (lambda s: f"/reviews/{s['hand_in']}", None, {**admin_only(403), TEACHER: 404}),
    ("tasks.review_hand_in", "POST"): (lambda s: f"/reviews/{s['hand_in']}", {"decision": "accepted"},
                                       {**admin_only(403), TEACHER: 404}),
    ("tasks.list_reviewers", "GET"): (lambda s: "/admin/reviewers", None, admin_only(200)),
    ("tasks.add_reviewer", "POST"): (lambda s: "/admin/reviewers/project-work", {"user": "subject"}, admin_only(400)),
    ("tasks.remove_reviewer", "POST"): (lambda s: f"/admin/reviewers/project-work/{s['subject']}/remove", {},
                                        admin_only(404)),
    # The gradebook: a class's for its teacher only (another teacher's class is a 404); a
    # course's for its reviewers and admins; a learner's work only for those who may see it.
    ("gradebook.show_class_gradebook", "GET"): (lambda s: f"/classes/{s['class']}/gradebook", None,
                                                {**admin_only(403), TEACHER: 404}),
    ("gradebook.export_class_csv", "GET"): (lambda s: f"/classes/{s['class']}/gradebook.csv", None,
                                            {**admin_only(403), TEACHER: 404}),
    ("gradebook.export_class_xlsx", "GET"): (lambda s: f"/classes/{s['class']}/gradebook.xlsx", None,
                                             {**admin_only(403), TEACHER: 404}),
    ("gradebook.list_gradebooks", "GET"): (lambda s: "/gradebooks", None, {**admin_only(200), TEACHER: 200}),
    ("gradebook.show_course_gradebook", "GET"): (lambda s: "/courses/project-work/gradebook", None,
                                                 {**admin_only(200), TEACHER: 404}),
    ("gradebook.export_course_csv", "GET"): (lambda s: "/courses/project-work/gradebook.csv", None,
                                             {**admin_only(200), TEACHER: 404}),
    ("gradebook.export_course_xlsx", "GET"): (lambda s: "/courses/project-work/gradebook.xlsx", None,
                                              {**admin_only(200), TEACHER: 404}),
    # An admin may open any learner's work (the subject is enrolled in project-work).
    ("gradebook.show_work", "GET"): (lambda s: f"/work/{s['subject']}/project-work/reflection", None,
                                     {**admin_only(200), TEACHER: 404}),
    ("gradebook.add_feedback", "POST"): (lambda s: f"/work/{s['subject']}/project-work/reflection/feedback",
                                         {"target": "hand_in", "target_id": "1", "body": "Hi"},
                                         {**admin_only(400), TEACHER: 404}),
    ("gradebook.my_feedback", "GET"): (lambda s: "/my/feedback", None, signed_in(200)),
    ("learning.show_certificate", "GET"): (lambda s: "/courses/first-steps/certificate", None, signed_in(200)),
    ("learning.show_certificate", "POST"): (lambda s: "/courses/first-steps/certificate", {"show_name": "0"},
                                            everyone(302)),
    ("learning.find_certificate", "GET"): (lambda s: "/certificates", None, everyone(200)),
    ("learning.verify_certificate", "GET"): (lambda s: f"/certificates/{s['certificate']}", None, everyone(200)),
    ("xapi.my_record", "GET"): (lambda s: "/my/record", None, signed_in(200)),
    ("xapi.download_record", "GET"): (lambda s: "/my/record.json", None, signed_in(200)),
    ("admin.list_credentials", "GET"): (lambda s: "/admin/lrs/credentials", None, admin_only(200)),
    ("admin.list_credentials", "POST"): (lambda s: "/admin/lrs/credentials", {}, admin_only(400)),
    ("admin.revoke_credential", "GET"): (lambda s: f"/admin/lrs/credentials/{s['credential']}/revoke", None,
                                         admin_only(200)),
    ("admin.revoke_credential", "POST"): (lambda s: f"/admin/lrs/credentials/{s['credential']}/revoke", {},
                                          admin_only(302)),
    ("admin.show_credential", "GET"): (lambda s: f"/admin/lrs/credentials/{s['credential']}", None,
                                       admin_only(200)),
    ("admin.grant_credential", "POST"): (lambda s: f"/admin/lrs/credentials/{s['credential']}/grant", {},
                                         admin_only(302)),
    # The walk goes in order of endpoints: what admin.grant_credential granted is withdrawn.
    ("admin.withdraw_grant", "POST"): (lambda s: f"/admin/lrs/credentials/{s['credential']}/withdraw", {},
                                       admin_only(302)),
    ("competence.my_competences", "GET"): (lambda s: "/my/competences", None, signed_in(200)),
    ("competence.download_competences", "GET"): (lambda s: "/my/competences.json", None, signed_in(200)),
    ("competence.self_assessment", "GET"): (lambda s: "/my/self-assessment", None, signed_in(404)),
    ("competence.self_assessment", "POST"): (lambda s: "/my/self-assessment", {}, signed_in(404)),
    ("competence.show_evidence", "GET"): (lambda s: "/my/competences/evidence/1", None, signed_in(404)),
    ("admin.list_mappings", "GET"): (lambda s: "/admin/competences/mappings", None, admin_only(200)),
    ("admin.list_mappings", "POST"): (lambda s: "/admin/competences/mappings", {}, admin_only(400)),
    ("admin.delete_mapping", "GET"): (lambda s: "/admin/competences/mappings/999999/delete", None, admin_only(404)),
    ("admin.delete_mapping", "POST"): (lambda s: "/admin/competences/mappings/999999/delete", {}, admin_only(404)),
    ("h5p.list_libraries", "GET"): (lambda s: "/admin/h5p/libraries", None, admin_only(200)),
    ("h5p.list_libraries", "POST"): (lambda s: "/admin/h5p/libraries", {}, admin_only(400)),
    ("h5p.approve_library", "POST"): (lambda s: "/admin/h5p/libraries/999999/approve", {}, admin_only(404)),
    ("h5p.revoke_library", "POST"): (lambda s: "/admin/h5p/libraries/999999/revoke", {}, admin_only(404)),
    # The player's frame has no cookies: its files answer to a signed token only.
    ("h5p_player.player_document", "GET"): (lambda s: "/h5p/play/not-a-token/", None, everyone(404)),
    ("h5p_player.player_file", "GET"): (lambda s: "/h5p/play/not-a-token/player/main.bundle.js", None,
                                        everyone(404)),
    ("h5p_player.content_file", "GET"): (lambda s: "/h5p/play/not-a-token/content/h5p.json", None, everyone(404)),
    ("h5p_player.library_file", "GET"): (lambda s: "/h5p/play/not-a-token/libraries/H5P.X-1.0/x.js", None,
                                         everyone(404)),
    ("h5p_player.record_statement", "POST"): (lambda s: "/courses/first-steps/h5p/welcome/statements", {},
                                              signed_in(400)),
    ("h5p_player.save_state", "POST"): (lambda s: "/courses/first-steps/h5p/welcome/state", {}, signed_in(400)),
    ("teaching.list_classes", "GET"): (lambda s: "/classes", None, {**admin_only(403), TEACHER: 200}),
    ("teaching.list_classes", "POST"): (lambda s: "/classes", {}, {**admin_only(403), TEACHER: 400}),
    ("teaching.show_class", "GET"): (lambda s: f"/classes/{s['class']}", None, {**admin_only(403), TEACHER: 404}),
    ("teaching.join_sheet", "GET"): (lambda s: f"/classes/{s['class']}/join-sheet", None,
                                     {**admin_only(403), TEACHER: 404}),
    ("teaching.assign_course", "POST"): (lambda s: f"/classes/{s['class']}/courses", {},
                                         {**admin_only(403), TEACHER: 404}),
    ("teaching.unassign_course", "GET"): (lambda s: f"/classes/{s['class']}/courses/1/remove", None,
                                          {**admin_only(403), TEACHER: 404}),
    ("teaching.unassign_course", "POST"): (lambda s: f"/classes/{s['class']}/courses/1/remove", {},
                                           {**admin_only(403), TEACHER: 404}),
    ("teaching.record_basis", "POST"): (lambda s: f"/classes/{s['class']}/basis", {},
                                        {**admin_only(403), TEACHER: 404}),
    ("teaching.set_joining", "POST"): (lambda s: f"/classes/{s['class']}/joining", {},
                                       {**admin_only(403), TEACHER: 404}),
    ("teaching.reset_pupil_password", "POST"): (
        lambda s: f"/classes/{s['class']}/pupils/{s['subject']}/password", {}, {**admin_only(403), TEACHER: 404}),
    ("teaching.remove_pupil", "GET"): (
        lambda s: f"/classes/{s['class']}/pupils/{s['subject']}/remove", None, {**admin_only(403), TEACHER: 404}),
    ("teaching.remove_pupil", "POST"): (
        lambda s: f"/classes/{s['class']}/pupils/{s['subject']}/remove", {}, {**admin_only(403), TEACHER: 404}),
    ("teaching.export_class", "GET"): (lambda s: f"/classes/{s['class']}/export.csv", None,
                                       {**admin_only(403), TEACHER: 404}),
    ("teaching.pupil_evidence", "GET"): (
        lambda s: f"/classes/{s['class']}/pupils/{s['subject']}/competences/1", None, {**admin_only(403), TEACHER: 404}),
    ("teaching.assign_item", "POST"): (lambda s: f"/classes/{s['class']}/items", {},
                                       {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_course_dates", "GET"): (lambda s: f"/classes/{s['class']}/courses/{s['course']}/dates", None,
                                            {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_course_dates", "POST"): (lambda s: f"/classes/{s['class']}/courses/{s['course']}/dates", {},
                                             {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_item_dates", "GET"): (lambda s: f"/classes/{s['class']}/items/{s['class_item']}/dates", None,
                                          {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_item_dates", "POST"): (lambda s: f"/classes/{s['class']}/items/{s['class_item']}/dates", {},
                                           {**admin_only(403), TEACHER: 404}),
    ("teaching.unassign_item", "GET"): (lambda s: f"/classes/{s['class']}/items/{s['class_item']}/remove", None,
                                        {**admin_only(403), TEACHER: 404}),
    ("teaching.unassign_item", "POST"): (lambda s: f"/classes/{s['class']}/items/{s['class_item']}/remove", {},
                                         {**admin_only(403), TEACHER: 404}),
    ("teaching.post_announcement", "POST"): (lambda s: f"/classes/{s['class']}/announcements", {"body": "Hi"},
                                             {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_announcement", "GET"): (
        lambda s: f"/classes/{s['class']}/announcements/{s['announcement']}/edit", None, {**admin_only(403), TEACHER: 404}),
    ("teaching.edit_announcement", "POST"): (
        lambda s: f"/classes/{s['class']}/announcements/{s['announcement']}/edit", {"body": "Changed"},
        {**admin_only(403), TEACHER: 404}),
    ("teaching.delete_announcement", "POST"): (
        lambda s: f"/classes/{s['class']}/announcements/{s['announcement']}/delete", {},
        {**admin_only(403), TEACHER: 404}),
    # A class and its announcements are for its members only: everyone else gets 404.
    ("teaching.show_my_class", "GET"): (lambda s: f"/my/classes/{s['class']}", None, signed_in(404)),
    ("teaching.mark_announcement_read", "POST"): (lambda s: f"/my/announcements/{s['announcement']}/read", {},
                                                  signed_in(404)),
    ("teaching.calendar_link", "GET"): (lambda s: "/my/calendar", None, signed_in(200)),
    ("teaching.calendar_link", "POST"): (lambda s: "/my/calendar", {}, signed_in(200)),
    ("teaching.stop_calendar", "POST"): (lambda s: "/my/calendar/stop", {}, everyone(302)),
    # The secret link is the key: no sign-in, the same for everyone who has it.
    ("teaching.calendar_feed", "GET"): (lambda s: f"/calendar/{s['calendar']}.ics", None, everyone(200)),
    ("notifications.list_notifications", "GET"): (lambda s: "/notifications", None, signed_in(200)),
    # Only the person notified may open or read a notification.
    ("notifications.open_notification", "GET"): (lambda s: f"/notifications/{s['notification']}", None,
                                                  signed_in(404)),
    ("notifications.mark_read", "POST"): (lambda s: f"/notifications/{s['notification']}/read", {}, signed_in(404)),
    ("notifications.mark_all_read", "POST"): (lambda s: "/notifications/read-all", {}, everyone(302)),
    ("notifications.update_digest", "POST"): (lambda s: "/account/notifications", {}, everyone(302)),
    ("teaching.join", "GET"): (lambda s: "/join", None, {**everyone(302), ANON: 200}),
    ("teaching.join", "POST"): (lambda s: "/join", {}, {**everyone(302), ANON: 400}),
    ("admin.programme", "GET"): (lambda s: "/admin/programme", None, admin_only(200)),
    ("admin.programme_records", "GET"): (lambda s: "/admin/programme/records?figure=statements&provider=none", None,
                                         admin_only(200)),
    ("admin.show_forwarding", "GET"): (lambda s: "/admin/lrs/forwarding", None, admin_only(200)),
    ("admin.retry_forwarding", "POST"): (lambda s: "/admin/lrs/forwarding/retry", {}, admin_only(302)),
    ("admin.list_actors", "GET"): (lambda s: "/admin/lrs/actors", None, admin_only(200)),
    ("admin.link_actor", "POST"): (lambda s: "/admin/lrs/actors/link", {}, admin_only(400)),
    ("admin.unlink_actor", "GET"): (lambda s: "/admin/lrs/actors/unlink", None, admin_only(404)),
    ("admin.unlink_actor", "POST"): (lambda s: "/admin/lrs/actors/unlink", {}, admin_only(400)),
    # The studio: authors (teachers an admin made authors) and admins; the matrix's teacher
    # is no author. A course that does not exist is a 404 for those who may use the studio.
    ("studio.index", "GET"): (lambda s: "/studio", None, admin_only(200)),
    ("studio.new_course", "GET"): (lambda s: "/studio/new", None, admin_only(200)),
    ("studio.new_course", "POST"): (lambda s: "/studio/new", {}, admin_only(400)),
    ("studio.import_package", "POST"): (lambda s: "/studio/import", {}, admin_only(400)),
    ("studio.copy_course", "POST"): (lambda s: "/studio/shipped/no-such-course/copy", {}, admin_only(404)),
    ("studio.edit_settings", "GET"): (lambda s: "/studio/courses/no-such-course/settings", None, admin_only(404)),
    ("studio.edit_settings", "POST"): (lambda s: "/studio/courses/no-such-course/settings", {}, admin_only(404)),
    ("studio.show_course", "GET"): (lambda s: "/studio/courses/no-such-course", None, admin_only(404)),
    ("studio.invite_co_author", "POST"): (lambda s: "/studio/courses/no-such-course/authors", {}, admin_only(404)),
    ("studio.move", "POST"): (lambda s: "/studio/courses/no-such-course/move", {}, admin_only(404)),
    ("studio.reorder", "POST"): (lambda s: "/studio/courses/no-such-course/order", {}, admin_only(404)),
    ("studio.add_module", "POST"): (lambda s: "/studio/courses/no-such-course/modules", {}, admin_only(404)),
    ("studio.add_item", "POST"): (lambda s: "/studio/courses/no-such-course/items", {}, admin_only(404)),
    ("studio.edit_item", "GET"): (lambda s: "/studio/courses/no-such-course/items/intro", None, admin_only(404)),
    ("studio.edit_item", "POST"): (lambda s: "/studio/courses/no-such-course/items/intro", {}, admin_only(404)),
    ("studio.add_h5p", "GET"): (lambda s: "/studio/courses/no-such-course/modules/module-1/h5p", None,
                                admin_only(404)),
    ("studio.add_h5p", "POST"): (lambda s: "/studio/courses/no-such-course/modules/module-1/h5p", {},
                                 admin_only(404)),
    ("studio.edit_h5p", "GET"): (lambda s: "/studio/courses/no-such-course/h5p/sveiciens", None, admin_only(404)),
    ("studio.edit_h5p", "POST"): (lambda s: "/studio/courses/no-such-course/h5p/sveiciens", {}, admin_only(404)),
    ("studio.preview_h5p", "GET"): (lambda s: "/studio/h5p-preview/not-a-token/", None, everyone(404)),
    ("studio.preview_h5p_player", "GET"): (lambda s: "/studio/h5p-preview/not-a-token/player/main.bundle.js", None,
                                           everyone(404)),
    ("studio.preview_h5p_content", "GET"): (lambda s: "/studio/h5p-preview/not-a-token/content/h5p.json", None,
                                            everyone(404)),
    ("studio.preview_h5p_library", "GET"): (lambda s: "/studio/h5p-preview/not-a-token/libraries/H5P.X-1.0/x.js",
                                            None, everyone(404)),
    ("studio.check_exercise", "POST"): (lambda s: "/studio/courses/no-such-course/items/sum/check", {},
                                        admin_only(404)),
    ("studio.show_check", "GET"): (lambda s: "/studio/courses/no-such-course/items/sum/checks/1", None,
                                   admin_only(404)),
    ("studio.remove_item", "GET"): (lambda s: "/studio/courses/no-such-course/items/intro/remove", None,
                                    admin_only(404)),
    ("studio.remove_item", "POST"): (lambda s: "/studio/courses/no-such-course/items/intro/remove", {},
                                     admin_only(404)),
    ("studio.remove_module", "GET"): (lambda s: "/studio/courses/no-such-course/modules/module-1/remove", None,
                                      admin_only(404)),
    ("studio.remove_module", "POST"): (lambda s: "/studio/courses/no-such-course/modules/module-1/remove", {},
                                       admin_only(404)),
    ("studio.preview", "POST"): (lambda s: "/studio/courses/no-such-course/preview", {}, admin_only(404)),
    ("studio.view_as_learner", "GET"): (lambda s: "/studio/courses/no-such-course/as-learner/intro", None,
                                        admin_only(404)),
    ("studio.add_image", "POST"): (lambda s: "/studio/courses/no-such-course/items/intro/images", {},
                                   admin_only(404)),
    ("studio.show_image", "GET"): (lambda s: "/studio/courses/no-such-course/images/chart.png", None,
                                   admin_only(404)),
    # A course's images are part of what anyone may read of it; none is there: 404.
    ("course_images.show_image", "GET"): (lambda s: "/courses/first-steps/images/none.png", None, everyone(404)),
    ("studio.submit", "POST"): (lambda s: "/studio/courses/no-such-course/submit", {}, admin_only(404)),
    ("studio.publish", "GET"): (lambda s: "/studio/courses/no-such-course/publish", None, admin_only(404)),
    ("studio.publish", "POST"): (lambda s: "/studio/courses/no-such-course/publish", {}, admin_only(404)),
    ("studio.history", "GET"): (lambda s: "/studio/courses/no-such-course/history", None, admin_only(404)),
    ("studio.restore", "GET"): (lambda s: "/studio/courses/no-such-course/revisions/1/restore", None,
                                admin_only(404)),
    ("studio.restore", "POST"): (lambda s: "/studio/courses/no-such-course/revisions/1/restore", {},
                                 admin_only(404)),
    ("studio.export", "GET"): (lambda s: "/studio/courses/no-such-course/export.zip", None, admin_only(404)),
    ("studio.authors", "GET"): (lambda s: "/studio/authors", None, admin_only(200)),
    ("studio.authors", "POST"): (lambda s: "/studio/authors", {}, admin_only(400)),
    ("studio.name_reviewer", "POST"): (lambda s: "/studio/reviewers", {}, admin_only(400)),
    # The LRS: machine clients use HTTP Basic; a signed-in browser may only read its own.
    ("lrs.about", "GET"): (lambda s: "/xapi/about", None, everyone(200)),
    ("lrs.get_statements", "GET"): (lambda s: "/xapi/statements", None, {**signed_in(200), ANON: 401}),
    ("lrs.post_statements", "POST"): (lambda s: "/xapi/statements", {}, everyone(401)),
    ("lrs.put_statement", "PUT"): (lambda s: "/xapi/statements", {}, everyone(401)),
    # Documents, activities and agents: HTTP Basic credentials only, never a browser session.
    **{("lrs.state", method): (lambda s: "/xapi/activities/state", {}, everyone(401))
       for method in ("GET", "PUT", "POST", "DELETE")},
    **{("lrs.activity_profile", method): (lambda s: "/xapi/activities/profile", {}, everyone(401))
       for method in ("GET", "PUT", "POST", "DELETE")},
    **{("lrs.agent_profile", method): (lambda s: "/xapi/agents/profile", {}, everyone(401))
       for method in ("GET", "PUT", "POST", "DELETE")},
    ("lrs.activities", "GET"): (lambda s: "/xapi/activities", None, everyone(401)),
    ("lrs.agents", "GET"): (lambda s: "/xapi/agents", None, everyone(401)),
    # Personal data: only the person, their teacher or an admin may ask for an erasure
    # (anyone else: 404); only admins decide.
    ("privacy.my_privacy", "GET"): (lambda s: "/my/privacy", None, signed_in(200)),
    ("privacy.notice", "GET"): (lambda s: "/privacy/pupils", None, everyone(200)),
    ("privacy.request_erasure", "GET"): (lambda s: f"/privacy/erasure/{s['subject']}", None,
                                         {**signed_in(404), ADMIN: 200}),
    ("privacy.request_erasure", "POST"): (lambda s: f"/privacy/erasure/{s['subject']}", {},
                                          {**signed_in(404), ADMIN: 302}),
    ("privacy.export_data", "GET"): (lambda s: f"/privacy/export/{s['subject']}", None,
                                     {**signed_in(404), ADMIN: 200}),
    ("privacy.export_data", "POST"): (lambda s: f"/privacy/export/{s['subject']}", {},
                                      {**signed_in(404), ADMIN: 302}),
    # Only the copy's requester may download it; the matrix's visitors asked for none.
    ("privacy.download_export", "GET"): (lambda s: f"/privacy/export/{s['subject']}/1.zip", None,
                                         signed_in(404)),
    ("privacy.list_requests", "GET"): (lambda s: "/admin/privacy/requests", None, admin_only(200)),
    ("privacy.show_request", "GET"): (lambda s: f"/admin/privacy/requests/{s['erasure_request']}", None,
                                      admin_only(200)),
    ("privacy.approve_request", "GET"): (lambda s: f"/admin/privacy/requests/{s['erasure_request']}/approve", None,
                                         admin_only(200)),
    ("privacy.approve_request", "POST"): (lambda s: f"/admin/privacy/requests/{s['erasure_request']}/approve", {},
                                          admin_only(302)),
    ("privacy.refuse_request", "POST"): (lambda s: f"/admin/privacy/requests/{s['erasure_request']}/refuse", {},
                                         admin_only(400)),
    ("privacy.access_log_page", "GET"): (lambda s: "/admin/privacy/access-log?what=export&since=2026-01-01", None,
                                         admin_only(200)),
}


def complete_course(app, username):
    """Enrol ``username`` in first-steps and complete it (its certificate code returned)."""
    from werkzeug.datastructures import MultiDict

    from lms.catalog import services as catalog
    from lms.extensions import db
    from lms.learning import services as learning
    from tests.conftest import ALL_CORRECT

    with app.app_context():
        course = catalog.get_course("first-steps")
        enrollment = learning.enrol(services.find_by_login(username), course)
        for slug in ("welcome", "safe-passwords"):
            learning.mark_done(enrollment, catalog.find_item(course, slug))
        attempt = learning.start_attempt(enrollment, catalog.find_item(course, "basics-check"))
        learning.submit_attempt(enrollment, attempt, MultiDict(ALL_CORRECT).to_dict(flat=False))
        db.session.commit()
        return learning.certificate_for(enrollment).code


def someone_elses_class(app) -> dict:
    """A class run by a teacher who is not the visitor, with the subject in it, a course
    and an item assigned and an announcement posted: every teacher's own-class checks
    make them a 404 for the visiting teacher, and every member check for the visitor."""
    from lms.accounts.services import find_by_login
    from lms.catalog import services as catalog
    from lms.extensions import db
    from lms.teaching import announcements, calendar
    from lms.teaching import services as teaching
    from lms.teaching.models import ClassMember
    from lms.notifications import services as notifications
    from tests.factories import make_user

    with app.app_context():
        owner = make_user("class-owner", audience="teacher", roles=("learner", "teacher"))
        school_class = teaching.create_class(owner, "Someone else's class")
        db.session.add(ClassMember(class_id=school_class.id, user_id=find_by_login("subject").id))
        course = catalog.get_course("first-steps")
        teaching.assign_course(school_class, course)
        class_item = teaching.assign_item(school_class, catalog.find_item(course, "basics-check"))
        announcement = announcements.post(school_class, owner, "Hello", f"/my/classes/{school_class.id}")
        notification = notifications.notify(find_by_login("subject"), "reviewed", "Work", "/my")
        token = calendar.new_link(find_by_login("subject"))
        db.session.commit()
        return {"class": school_class.id, "course": course.id, "class_item": class_item.id,
                "announcement": announcement.id, "notification": notification.id, "calendar": token}


def someone_elses_submission(app) -> int:
    """A submission of sum-numbers by the subject (stored as graded, no grading needed)."""
    from lms.catalog import services as catalog
    from lms.exercises.models import ExerciseSubmission
    from lms.extensions import db
    from lms.learning import services as learning

    with app.app_context():
        course = catalog.get_course("code-practice")
        enrollment = learning.enrol(services.find_by_login("subject"), course)
        submission = ExerciseSubmission(enrollment_id=enrollment.id, item_id=catalog.find_item(course, "sum-numbers").id,
                                        number=1, code="export const sum = () => 0;", status="ok", results=[],
                                        passed_count=0, total=4, score=0.0, passed=False)
        db.session.add(submission)
        db.session.commit()
        return submission.id


def someone_elses_hand_in(app) -> tuple[int, int]:
    """The subject's hand-in of the lesson-plan task, with a file: (hand-in id, file id)."""
    from lms.catalog import services as catalog
    from lms.content import services as content
    from lms.extensions import db
    from lms.learning import services as learning
    from lms.tasks import services as tasks
    from tests.tasks.conftest import PDF, TASK_COURSES

    with app.test_request_context():
        content.import_courses(TASK_COURSES)
        course = catalog.get_course("project-work")
        enrollment = learning.enrol(services.find_by_login("subject"), course)
        made = tasks.save(enrollment, catalog.find_item(course, "lesson-plan"), text="Plan",
                          uploads=[tasks.Upload("plan.pdf", PDF)], hand_in=True)
        db.session.commit()
        return made.id, made.files[0].id


def someone_elses_job(app) -> int:
    """A finished run of sum-numbers by the subject."""
    from lms.catalog import services as catalog
    from lms.exercises.models import GradingJob
    from lms.extensions import db
    from lms.learning import services as learning

    with app.app_context():
        course = catalog.get_course("code-practice")
        user = services.find_by_login("subject")
        enrollment = learning.active_enrollment(user, course)
        job = GradingJob(user_id=user.id, enrollment_id=enrollment.id, item_id=catalog.find_item(course, "sum-numbers").id,
                         kind="run", code="export const sum = () => 0;", locale="en", state="failed", error="x")
        db.session.add(job)
        db.session.commit()
        return job.id


def someone_to_erase(app) -> int:
    """An open erasure request about a learner of their own (approving it erases them, and
    no other route needs them)."""
    from lms.extensions import db
    from lms.privacy import requests as erasure_requests
    from tests.factories import make_user

    with app.app_context():
        person = make_user("to-erase")
        request = erasure_requests.request_erasure(person, by=person, reason="")
        db.session.commit()
        return request.id


def issue_credential(app) -> int:
    from lms.extensions import db
    from lms.xapi import credentials

    with app.app_context():
        credential, _ = credentials.issue("Matrix", ["all"])
        db.session.commit()
        return credential.id


def ensure_enrolled(app, username):
    from lms.catalog import services as catalog
    from lms.extensions import db
    from lms.learning import services as learning

    with app.app_context():
        for slug in ("first-steps", "code-practice", "project-work"):
            learning.enrol(services.find_by_login(username), catalog.get_course(slug))
        db.session.commit()


@pytest.fixture
def app(make_app):
    # The walk signs in once per route; the login limit is tested in tests/accounts.
    return make_app(LMS_LOGIN_RATE_LIMIT="1000 per minute", LMS_EXERCISE_RATE_LIMIT="1000 per minute")


def test_the_matrix_covers_every_route(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - MATRIX.keys() == set(), "add these routes to the role matrix"
    assert MATRIX.keys() - routes == set(), "these routes no longer exist"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_answers_each_visitor_as_expected(app, client, make_user, login, courses, visitor):
    subject = make_user("subject")
    with app.app_context():
        token = services.make_reset_token(services.find_by_login("subject"), app.config["SECRET_KEY"])
    make_user("keeper", roles=("admin",))  # so the admin under test is never the last one
    if visitor != ANON:
        roles = {PUPIL: ("learner",), ADULT: ("learner",), TEACHER: ("learner", "teacher"),
                 ADMIN: ("learner", "admin")}[visitor]
        audience = {PUPIL: "pupil", ADULT: "adult", TEACHER: "teacher", ADMIN: "adult"}[visitor]
        user = make_user(f"{visitor}-user", audience=audience, roles=roles)
    values = {"subject": subject.public_id, "token": token, "certificate": complete_course(app, "subject"),
              "credential": issue_credential(app), **someone_elses_class(app),
              "submission": someone_elses_submission(app), "job": someone_elses_job(app),
              "erasure_request": someone_to_erase(app)}
    values["hand_in"], values["task_file"] = someone_elses_hand_in(app)
    if visitor != ANON:
        complete_course(app, user.username)

    wrong = []
    for (endpoint, method), (path, data, expected) in sorted(MATRIX.items()):
        queues.wait_idle(60)  # a run queued by an earlier route is graded before the next one
        if visitor != ANON:
            client.delete_cookie("session")
            ensure_enrolled(app, user.username)
            login(user)
        headers = {"X-Experience-API-Version": "1.0.3"} if endpoint.startswith("lrs.") else {}
        response = client.open(path(values), method=method, data=data, headers=headers)
        response.close()
        if response.status_code != expected[visitor]:
            wrong.append(f"{method} {endpoint}: {response.status_code}, expected {expected[visitor]}")
        if visitor == ANON and expected[visitor] == 302 and endpoint.startswith("admin."):
            assert "/login" in response.headers["Location"]
    assert wrong == []
