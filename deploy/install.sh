#!/usr/bin/env bash
# The production recipe in one command: install the platform from this checkout into a
# virtualenv of its own (translations compiled as the package is built), migrate the
# database, import the shipped courses, then start the web servers (gunicorn), the graders
# (`flask exercises grader`, fed through Redis; they also build copies of people's data, see
# docs/privacy.md) and, when an external LRS is configured,
# the forwarder (`flask xapi forward`).
#
#   deploy/install.sh /etc/lms/lms.env              # then runs everything in the foreground
#   deploy/install.sh --systemd /etc/lms/lms.env    # then (re)starts the systemd units instead
#
# The settings file holds KEY=value lines (a systemd EnvironmentFile; see lms.env.example).
# It must point at PostgreSQL and Redis: this is the recipe for a real deployment, not the
# SQLite default of `make run`. Running it again upgrades in place: the package is
# reinstalled, migrations run, courses are re-imported (learners' progress is kept).
#
# Variables the recipe reads besides the platform's LMS_* settings:
#   DEPLOY_VENV        the virtualenv to install into        (default /srv/lms/venv)
#   PYTHON             the Python 3.11+ that makes it        (default python3)
#   GRADER_PROCESSES   graders to start, one per core        (default: the number of cores)
#   GUNICORN_CMD_ARGS  gunicorn's own extra options, e.g. "--bind 127.0.0.1:8000"
#   WEB_CONCURRENCY    gunicorn workers                      (default: the number of cores)
set -euo pipefail

usage() { echo "usage: $0 [--systemd] SETTINGS_FILE" >&2; exit 2; }
mode=foreground
case "${1:-}" in
    --systemd) mode=systemd; shift ;;
    --foreground) shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
esac
[ $# -eq 1 ] || usage
settings=$(realpath "$1")
[ -r "$settings" ] || { echo "$0: cannot read the settings file $1" >&2; exit 2; }
checkout=$(cd "$(dirname "$0")/.." && pwd)

set -a
# shellcheck disable=SC1090
. "$settings"
set +a

fail() { echo "$0: $*" >&2; exit 1; }
[ -n "${LMS_SECRET_KEY:-}" ] || fail "LMS_SECRET_KEY is not set in $settings (the same long random value on every app server)"
[ -n "${LMS_BASE_URL:-}" ] || fail "LMS_BASE_URL is not set in $settings (the site's public address, e.g. https://learn.example.lv)"
[ -n "${LMS_INSTANCE_PATH:-}" ] || fail "LMS_INSTANCE_PATH is not set in $settings (a folder for the deployment's own files, e.g. /var/lib/lms)"
case "${LMS_DATABASE_URL:-}" in
    postgres://*|postgresql://*) ;;
    *) fail "LMS_DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/lms), got '${LMS_DATABASE_URL:-}'" ;;
esac
for name in LMS_RATELIMIT_STORAGE_URL LMS_GRADING_QUEUE_URL; do
    case "${!name:-}" in
        redis://*|rediss://*) ;;
        *) fail "$name must be a Redis URL (redis://host:6379/0), got '${!name:-}'" ;;
    esac
done

venv=${DEPLOY_VENV:-/srv/lms/venv}
python=${PYTHON:-python3}
graders=${GRADER_PROCESSES:-$(nproc)}
flask=("$venv/bin/flask" --app lms)

echo "== installing the platform into $venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# Not editable: the wheel carries templates, static files, migrations, courses and the
# compiled translations, so nothing is served from this checkout afterwards.
# Built from a copy, so the service user needs no write access to the checkout (setuptools
# builds in the source folder) and no build files are left in it.
source_copy=$(mktemp -d)
cp -r "$checkout"/{pyproject.toml,setup.py,MANIFEST.in,README.md,lms,templates,static,migrations,courses} "$source_copy"/
"$venv/bin/pip" install --quiet --disable-pip-version-check "$source_copy"
rm -rf "$source_copy"
mkdir -p "$LMS_INSTANCE_PATH"
# gunicorn reads gunicorn.conf.py from its working directory, the instance folder.
cp "$checkout/gunicorn.conf.py" "$LMS_INSTANCE_PATH/gunicorn.conf.py"
cd "$LMS_INSTANCE_PATH"

echo "== migrating the database"
"${flask[@]}" lms init
echo "== importing the shipped courses"
"${flask[@]}" courses import

if [ "$mode" = systemd ]; then
    echo "== starting the systemd units"
    for unit in "$checkout"/deploy/systemd/*; do
        sed -e "s|/srv/lms/venv|$venv|g" -e "s|/etc/lms/lms.env|$settings|g" -e "s|/var/lib/lms|$LMS_INSTANCE_PATH|g" \
            "$unit" > "/etc/systemd/system/$(basename "$unit")"
    done
    systemctl daemon-reload
    units=(lms-web.service lms-due-soon.timer lms-digest.timer lms-retention.timer)
    for n in $(seq 1 "$graders"); do units+=("lms-grader@$n.service"); done
    [ -n "${LMS_XAPI_FORWARD_URL:-}" ] && units+=(lms-forwarder.service)
    systemctl enable "${units[@]}"
    systemctl restart "${units[@]}"
    systemctl --no-pager --lines=0 status "${units[@]}"
    exit 0
fi

echo "== serving: gunicorn, $graders grader(s)${LMS_XAPI_FORWARD_URL:+ and the forwarder} (Ctrl-C or SIGTERM stops them all)"
pids=()
start() { "$@" & pids+=("$!"); }
stop() {
    trap - TERM INT
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 0' TERM INT
start "$venv/bin/gunicorn"
for _ in $(seq 1 "$graders"); do start "${flask[@]}" exercises grader; done
if [ -n "${LMS_XAPI_FORWARD_URL:-}" ]; then start "${flask[@]}" xapi forward; fi
# Any process ending on its own is a fault: stop the rest so a supervisor sees it.
status=0
wait -n || status=$?
echo "$0: a process ended (status $status); stopping the others" >&2
stop
exit 1
