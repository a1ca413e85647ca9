"""Test support shared by the server, client and desktop tests: account and family builders
(accounts), the JSON client of the service tests (http), the one server launcher and fake clock
(servers), the one fault-injecting proxy (proxy) and a scripted stand-in server (scripted).
Imported as `tests.support.<module>`; pyproject's `pythonpath = ["."]` puts the repository root
on the path for both `pytest` and `python -m pytest`."""
