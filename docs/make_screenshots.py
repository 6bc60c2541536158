"""Take the README's screenshots: the shipped courses and demo accounts on a fresh
SQLite database, served locally and photographed with Debian's Chromium.

    .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-shots-")
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from lms import create_app
    from lms.accounts import services as accounts
    from lms.content import services as content
    from lms.extensions import db

    app = create_app({"LMS_PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        db.create_all()
        content.import_courses()
        accounts.seed_demo()
        db.session.commit()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1200, "height": 800}, locale="lv-LV")

        def shot(name: str) -> None:
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)

        page.goto(base + "/")
        shot("home")
        page.goto(base + "/login")
        page.get_by_label("Lietotājvārds vai e-pasta adrese").fill("demo-adult")
        page.get_by_label("Parole").fill("demo-adult-pass")
        page.get_by_role("button", name="Pieteikties").last.click()
        page.goto(base + "/courses")
        shot("catalogue")
        page.goto(base + "/courses/digital-essentials-for-work")
        page.get_by_role("button", name="Pieteikties šim kursam").click()
        shot("lesson")
        page.get_by_role("button", name="Atzīmēt kā paveiktu").click()
        page.goto(base + "/my")
        shot("my-learning")
        page.goto(base + "/my/record")
        shot("learning-record")
        page.goto(base + "/courses/js-fundamentals")
        page.get_by_role("button", name="Pieteikties šim kursam").click()
        page.goto(base + "/courses/js-fundamentals/learn/price-with-vat")
        page.get_by_role("button", name="Palaist parauga testus").click()
        page.locator("#results .test-results").wait_for()
        page.locator(".exercise-work").scroll_into_view_if_needed()
        shot("exercise")
        browser.close()
    server.shutdown()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
