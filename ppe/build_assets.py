"""Build the stylesheet and copy the NHS.UK frontend's script and images into static/dist.

Run by `make run` and `make test` (python -m ppe.build_assets). Built files are never
committed. We compile the NHS.UK Sass ourselves so that no page fetches anything from
another host: the font face is off (Arial, the NHS fallback) and images come from our
static files.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
SOURCE = ROOT / "static" / "scss"
DIST = ROOT / "static" / "dist"


def _newest(paths) -> float:
    return max((p.stat().st_mtime for p in paths), default=0.0)


def build(force: bool = False) -> None:
    if not FRONTEND.exists():
        sys.exit("node_modules/nhsuk-frontend is missing: run `npm ci` first.")
    DIST.mkdir(parents=True, exist_ok=True)
    css = DIST / "ppe.css"
    inputs = list(SOURCE.glob("*.scss")) + [ROOT / "package-lock.json"]
    if force or not css.exists() or css.stat().st_mtime < _newest(inputs):
        subprocess.run(  # noqa: S603 - our own fixed command line
            [
                str(ROOT / "node_modules" / ".bin" / "sass"),
                "--load-path=node_modules",
                "--no-source-map",
                "--style=compressed",
                "--quiet-deps",
                str(SOURCE / "ppe.scss"),
                str(css),
            ],
            check=True,
            cwd=ROOT,
        )
    shutil.copytree(FRONTEND / "assets" / "images", DIST / "nhsuk" / "images", dirs_exist_ok=True)
    shutil.copy2(FRONTEND / "nhsuk-frontend.min.js", DIST / "nhsuk-frontend.min.js")
    print(f"assets built in {DIST.relative_to(ROOT)}")


if __name__ == "__main__":
    build(force="--force" in sys.argv)
