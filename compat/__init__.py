"""Every private or internal name Parley borrows from a library, one module per library.

Each module checks the installed version when imported (compat.versions) and says
what to do when it differs. Nothing else in Parley reaches a library's internals
(ruff SLF001; tests/test_library_internals.py names what is borrowed).
"""
