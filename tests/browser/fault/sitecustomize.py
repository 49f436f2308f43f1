"""Injected into a test server's Python (PYTHONPATH) by tests/browser/test_errors.py: one bug.

The Overview page's city figure (lcity_data.funding.city_per_capita) raises an error whose message
names a server path, as a real bug's traceback would; the test checks none of it reaches the browser.
"""

from lcity_data import funding

SECRET = "boom in /srv/lcity/secret_module.py"


def _boom(*_args, **_kwargs):
    raise RuntimeError(SECRET)


funding.city_per_capita = _boom
