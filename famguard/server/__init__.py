"""The FamGuard reference REST service (API v1): a FastAPI app over SQLAlchemy, run by
`famguard-server` or in a background thread by `runner.ServerThread`. Nothing on the desktop
app's path to its first paint imports this package."""
