"""Package discovery for the wheel: the source root installs as the package `parley`.

The source tree keeps its layers at the top (`models/`, `schema/`, `server.py` ...);
installed, they live under `parley.` so that generic names never reach the top of
site-packages. Every sub-package is found here, none is listed by hand.
"""

from setuptools import find_packages, setup

NOT_SHIPPED = ["tests", "tests.*", "bench", "bench.*", "tools", "tools.*", "docs", "docs.*"]

setup(
    packages=["parley", *(f"parley.{name}" for name in find_packages(exclude=NOT_SHIPPED))],
    package_dir={"parley": "."},
    # Served at /static (server.py): GraphiQL's assets, the inbox page, vendored browser
    # libraries, with their licences.
    package_data={"parley": ["static/**/*"]},
)
