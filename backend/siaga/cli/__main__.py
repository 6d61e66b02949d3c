"""`python -m siaga.cli`, the same command as the `siaga` console script."""

from siaga.cli import app

# Guarded so that importing every module (tests/i18n/inventory.py walks the package)
# does not run the command.
if __name__ == "__main__":
    app()
