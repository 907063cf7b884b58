"""The production environment as docs/setup.md documents it, run for real: the
production settings module (not the test settings), in processes of their own.

- ``maatwerk check --deploy`` finds no issue, not even a warning, once the static
  files are collected;
- before ``collectstatic``, the check fails and the WSGI application refuses to start
  (otherwise every page would be a server error);
- the WSGI application then answers with the security headers, and redirects plain
  HTTP to HTTPS.

The values the documentation leaves open (``…``) are filled in here; a new
placeholder in the documented set-up makes the test fail until it is filled in too.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "docs" / "setup.md"


def documented_environment() -> dict[str, str]:
    """The variables of step 3 (**Configure**) of the production outline."""
    text = SETUP.read_text(encoding="utf-8")
    text = text[text.index("## Production") :]
    step = text[text.index("3. **Configure**") : text.index("4. **")]
    block = re.search(r"```sh\n(.*?)```", step, re.DOTALL).group(1)
    variables = dict(re.findall(r"^\s*([A-Z][A-Z0-9_]*)=(\S*)", block, re.MULTILINE))
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(variables), variables
    return variables


def production_environment(tmp_path: Path) -> dict[str, str]:
    filled = {
        "SECRET_KEY": Fernet.generate_key().decode() * 2,  # long and random
        "MAATWERK_FIELD_KEYS": Fernet.generate_key().decode(),
        "MAATWERK_AUDIT_CHECKPOINT_KEY": Fernet.generate_key().decode(),  # 44 characters
        "MAATWERK_SIGNAL_MATCH_KEY": Fernet.generate_key().decode(),  # 44 characters
        "DATABASE_URL": f"sqlite:///{tmp_path / 'maatwerk.sqlite3'}",
        "EMAIL_HOST": "smtp.example.org",
    }
    env = documented_environment()
    for name, value in env.items():
        if "…" in value:
            assert name in filled, f"docs/setup.md: fill in a test value for {name} here"
            env[name] = filled[name]
    env["MAATWERK_VAR_DIR"] = str(tmp_path / "var")  # not /srv/maatwerk/var
    # Nothing from this process (the test settings set SECRET_KEY and MAATWERK_VAR_DIR).
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", **env}


def run(env, cwd, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def maatwerk(env, cwd, *args):
    return run(env, cwd, "-m", "maatwerk.manage", *args)


# Calls the WSGI application as gunicorn would, for one page and one static file,
# once as the proxy passes an HTTPS request on and once as plain HTTP.
WSGI_REQUESTS = """
import json, sys
from wsgiref.util import setup_testing_defaults
from maatwerk.conf.wsgi import application

def get(path, **extra):
    environ = {"PATH_INFO": path, "HTTP_HOST": "maatwerk.example.org", **extra}
    setup_testing_defaults(environ)
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))
    b"".join(application(environ, start_response))
    return answer

css = sys.argv[1]
print(json.dumps({
    "page": get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https"),
    "static": get(css, HTTP_X_FORWARDED_PROTO="https"),
    "plain": get("/accounts/login/"),
}))
"""


def test_the_documented_production_environment(tmp_path):
    env = production_environment(tmp_path)
    assert env["DEBUG"] == "false"

    before = maatwerk(env, tmp_path, "check", "--deploy")
    assert before.returncode != 0
    assert "maatwerk_static.E001" in before.stderr, before.stderr
    refused = run(env, tmp_path, "-c", "import maatwerk.conf.wsgi")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "collectstatic" in refused.stderr

    collected = maatwerk(env, tmp_path, "collectstatic", "--no-input", "-v", "0")
    assert collected.returncode == 0, collected.stderr

    after = maatwerk(env, tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "System check identified no issues" in after.stdout, after.stdout
    assert "WARNING" not in after.stdout + after.stderr

    manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
    css = "/static/" + manifest["paths"]["maatwerk/maatwerk.css"]
    served = run(env, tmp_path, "-c", WSGI_REQUESTS, css)
    assert served.returncode == 0, served.stderr
    answers = json.loads(served.stdout)

    page = answers["page"]
    assert page["status"].startswith("200"), page
    headers = page["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "no-store" in headers["Cache-Control"]

    static = answers["static"]
    assert static["status"].startswith("200"), static
    assert "immutable" in static["headers"]["Cache-Control"]  # WhiteNoise, not no-store

    plain = answers["plain"]
    assert plain["status"].startswith("301"), plain
    assert plain["headers"]["Location"] == "https://maatwerk.example.org/accounts/login/"
