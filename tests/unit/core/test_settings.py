"""Production refuses settings that would make the portal unsafe to run."""

import pytest

from app.core.config import DEV_SECRET, MIN_SECRET_LENGTH, Settings


@pytest.mark.parametrize("secret", [DEV_SECRET, "x", "k" * (MIN_SECRET_LENGTH - 1)])
def test_production_refuses_the_default_or_a_short_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=secret).check()


def test_production_accepts_a_long_secret_and_development_any():
    Settings(environment="production", secret_key="k" * MIN_SECRET_LENGTH).check()
    Settings(environment="development", secret_key="x").check()
