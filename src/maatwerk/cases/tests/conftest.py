from maatwerk.testing.cases import make_cases  # noqa: F401 (used by the tests here)

# The team and user fixtures (teams, professional, colleague, outsider) are in the
# repository's root conftest.py, shared with the journeys and meetings tests.
