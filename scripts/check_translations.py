"""Check that the Dutch translation is complete and that the compiled .mo is current.

1. Extract the messages again (into a copy of the catalogue) and fail on any msgid
   that has no Dutch translation or is marked fuzzy.
2. Compile the committed .po and compare it with the committed .mo (by content).
English is the source language of the msgids, so it needs no catalogue.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "src" / "maatwerk"
CATALOGUE = APP / "locale" / "nl" / "LC_MESSAGES"
MAATWERK = ROOT / ".venv" / "bin" / "maatwerk"


def run(*args, **kwargs) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout  # noqa: S603


def entries(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("msgid ")) - 1  # header


def main() -> int:
    problems = []
    po, mo = CATALOGUE / "django.po", CATALOGUE / "django.mo"
    if not po.exists() or not mo.exists():
        print(f"missing {po} or {mo}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "saved"
        shutil.copytree(CATALOGUE, saved)
        try:
            env = {**os.environ, "DEBUG": "true", "MAATWERK_VAR_DIR": tmp}
            run(str(MAATWERK), "makemessages", "-l", "nl", "--no-obsolete", cwd=APP, env=env)
            untranslated = run("msgattrib", "--untranslated", "--no-obsolete", str(po))
            fuzzy = run("msgattrib", "--only-fuzzy", "--no-obsolete", str(po))
        finally:
            shutil.rmtree(CATALOGUE)
            shutil.copytree(saved, CATALOGUE)
        if entries(untranslated) > 0:
            problems.append(f"{entries(untranslated)} untranslated Dutch messages:\n{untranslated}")
        if entries(fuzzy) > 0:
            problems.append(f"{entries(fuzzy)} fuzzy Dutch messages:\n{fuzzy}")
        fresh = Path(tmp) / "fresh.mo"
        run("msgfmt", "--check", "-o", str(fresh), str(po))
        if run("msgunfmt", str(fresh)) != run("msgunfmt", str(mo)):
            problems.append("django.mo is out of date: run `make messages` and commit it")
    if problems:
        print("\n\n".join(problems))
        print("\nTranslations: FAILED (`make messages`, translate, commit .po and .mo)")
        return 1
    print("Translations: Dutch catalogue complete and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
