"""FamGuard: a desktop app with which a guardian manages a teen's safety controls."""

__version__ = "0.1.0"
