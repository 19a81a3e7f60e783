"""The version check every compat module runs at import: is this the library it was written for?

A compat module reaches into a library's internals, which move between releases
without notice. Importing it against another release fails at once, with a
message that says what to do, rather than later with an AttributeError deep in a
request.
"""

from __future__ import annotations

from importlib.metadata import version


class UnsupportedVersion(ImportError):
    """The installed release of a library is not the one a compat module supports."""


def require_version(
    distribution: str, supported: str, installed: str, compat_module: str = "parley.compat"
) -> None:
    """Raise UnsupportedVersion unless `installed` is `supported` or in its release series.

    `supported` is a full version ("3.3.2": exactly that one) or a release series
    ("0.55": any 0.55.x). `compat_module` is the module that borrows the internals.
    """
    if installed == supported or installed.startswith(supported + "."):
        return
    wanted = supported if supported.count(".") >= 2 else f"{supported}.x"
    path = compat_module.replace(".", "/") + ".py"
    raise UnsupportedVersion(
        f"{distribution} {installed} is installed, but Parley supports {distribution} {wanted} "
        f"only ({path} uses its internals). Install the pinned version "
        f"(make .venv/.installed-stamp), or run `make upgrade` and update {path} "
        "and tests/test_library_internals.py."
    )


def require_installed(distribution: str, supported: str, compat_module: str) -> None:
    """`require_version` against the installed version of `distribution`."""
    require_version(distribution, supported, version(distribution), compat_module)
