"""The real app plus one bare endpoint, the baseline every page is compared with."""

from lms import create_app

app = create_app()


@app.route("/bench/bare")
def bare():
    return "ok"
