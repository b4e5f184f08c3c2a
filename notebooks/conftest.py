"""pytest settings for the notebooks (checked by nbval, see pyproject.toml)."""
import os


def pytest_configure(config):
    """Make the nbval sanitize file (given relative in pyproject.toml) work when pytest starts elsewhere."""
    path = getattr(config.option, "nbval_sanitize_with", None)
    if path and not os.path.isabs(path) and not os.path.exists(path):
        candidate = config.rootpath / path
        if candidate.exists():
            config.option.nbval_sanitize_with = str(candidate)
