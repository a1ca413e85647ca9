"""famguard-teen: the teen's phone, simulated on the command line, using only the public API
through famguard.api.ApiClient (the same calls the app's "Teen's phone" panel makes).

    famguard-teen --server URL signup --email E --name N --birth-date YYYY-MM-DD
    famguard-teen --server URL login --email E
    famguard-teen --server URL pair CODE [--yes]
    famguard-teen --server URL controls | rules | activity | guardians | unlink | logout
    famguard-teen --server URL usage add|set MINUTES [--date YYYY-MM-DD]
    famguard-teen --server URL ask-time MINUTES --reason TEXT

`controls` and `rules` report the version they show as applied (the guardians' delivery receipt);
`rules` and `activity` show who manages the account, the rules in plain words, any temporary rule
and the change log.

The password is never taken on the command line, where every local user can read it in the
process list: it is asked for at a prompt, or read from the first line of standard input with
--password-stdin, or from FAMGUARD_TEEN_PASSWORD (for scripts). The sign-in is remembered in the
system keyring (the refresh token, and this phone's device token, with which the right password
still gets in while strangers' wrong guesses lock the account; never a plain file). Without a
keyring, give --email (and the password as above) with every command. FAMGUARD_KEYRING_PREFIX
changes the keyring namespace (tests use it)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from famguard.api import ApiClient, TokenManager, Versioned, check_server_url, make_session
from famguard.api import errors as e
from famguard.credentials import CredentialError, CredentialStore
from famguard.domain import teen_view
from famguard.domain.controls import Controls
from famguard.domain.models import Account, GuardianLink, Pairing, Role, TimeRequest, UsageDay
from famguard.domain.pairing_code import code_problem
from famguard.domain.temporary import RuleStatus, rule_status
from famguard.domain.values import format_minutes

MAX_DAY_MINUTES = 1440

# --- the core, usable from Python --------------------------------------------------------------


def teen_client(server_url: str, tokens: TokenManager | None = None) -> ApiClient:
    return ApiClient(server_url, make_session("FamGuard-teen"), tokens=tokens)


def sign_up(api: ApiClient, email: str, password: str, name: str, birth_date: date) -> tuple[Account, str | None]:
    """Create a teen account and sign `api` in as it; returns the account and this device's token
    (None from a server that issues none)."""
    api.create_account(email, password, name, Role.TEEN.value, birth_date)
    device_token = api.sign_in(email, password)
    return api.me(), device_token


def redeem(api: ApiClient, code: str) -> Pairing:
    """Enter the guardian's code; the pairing says the guardian's name (`guardian_name`)."""
    return api.redeem_pairing(code)


def accept(api: ApiClient, pairing: Pairing) -> Pairing:
    return api.accept_pairing(pairing.id)


def decline(api: ApiClient, pairing: Pairing) -> None:
    api.cancel_pairing(pairing.id)


def effective_controls(api: ApiClient) -> Controls:
    return api.my_controls().controls


def apply_controls(api: ApiClient) -> Versioned:
    """Fetch the effective controls and report their version as applied, as a phone does after
    every change it receives (the guardians see "on Maya's phone")."""
    current = api.my_controls()
    api.report_applied(current.etag)
    return current


def report_usage(api: ApiClient, minutes: int, day: date | None = None) -> UsageDay:
    """Set the minutes used on `day` (default the teen's today). The last report of a day wins."""
    return api.report_usage(day or api.my_usage().date, minutes)


def add_usage(api: ApiClient, minutes: int, day: date | None = None) -> UsageDay:
    """Add `minutes` to what the service has for `day` (default the teen's today)."""
    known = api.my_usage(day)
    return api.report_usage(known.date, min(MAX_DAY_MINUTES, known.minutes + minutes))


def overview(api: ApiClient) -> list[str]:
    """Who manages the account, the temporary rules and the rules in effect, in plain words;
    reports the version shown as applied."""
    links = api.my_guardians()
    if not links:
        return [teen_view.managed_by(links)]  # "No guardian manages this account: no controls apply."
    current = apply_controls(api)
    lines = [teen_view.managed_by(links, current.controls.timezone)]  # since which of the teen's days
    today = api.my_usage().date
    # The one in force first, then the planned ones by their first day, each said which it is:
    # latest first, all "Temporary rule:", read as if the last one applied (an outside tester).
    rules = sorted((r for r in api.my_temporary_rules() if r.status != "ended"), key=lambda r: r.starts_on)
    for rule in rules:
        kind = "in force" if rule_status(rule.starts_on, rule.ends_on, today) is RuleStatus.ACTIVE else "planned"
        lines.append(f"Temporary rule, {kind}: {teen_view.rule_in_words(rule, today)}")
    return lines + controls_listing(current.controls)


def activity_lines(api: ApiClient, limit: int = 50) -> list[str]:
    """The change log, newest first, at the teen's clock (the time zone of their controls; the
    computer's while no guardian manages the account), as the guardian's "What Maya sees" shows
    it: the computer's clock could read an hour off."""
    try:
        zone: ZoneInfo | None = ZoneInfo(api.my_controls().controls.timezone)
    except e.NotFound:  # no guardian, no controls: the computer's clock
        zone = None
    return [f"{e.at.astimezone(zone):%a %d %b %H:%M}  {teen_view.activity_in_words(e)}" for e in api.my_activity(limit)]


def ask_for_time(api: ApiClient, minutes: int, reason: str) -> TimeRequest:
    return api.ask_for_time(minutes, reason)


def requests_today(api: ApiClient) -> str:
    """What became of today's requests for more time (the teen's day), a line each, as the phone
    says it: what waits, what was given and by whom, what was refused."""
    today = api.my_usage().date
    mine = sorted((r for r in api.my_time_requests() if r.date == today), key=lambda r: r.created_at, reverse=True)
    return teen_view.requests_in_words(mine, linked=bool(api.my_guardians()))


def guardians(api: ApiClient) -> list[GuardianLink]:
    return api.my_guardians()


def unlink_all(api: ApiClient) -> None:
    """The teen ends every link with a guardian."""
    api.unlink(api.me().id)


# --- the command line --------------------------------------------------------------------------


def _credentials() -> CredentialStore:
    return CredentialStore(os.environ.get("FAMGUARD_KEYRING_PREFIX", "FamGuard-Teen"))


def _known_device(server: str, email: str) -> str | None:
    """This phone's device token for the account, from its last sign-in here: with it a right
    password passes the account lock a stranger's wrong guesses put on the account (API.md,
    "Sign-in"). Without a usable keyring the sign-in goes ahead as a new device's."""
    try:
        return _credentials().load_device(server, email)
    except CredentialError:
        return None


def _remember(server: str, email: str, tokens: TokenManager, name: str, device_token: str | None = None) -> None:
    store = _credentials()
    try:
        store.save(server, email, tokens.refresh_token or "", name)
        store.save_last_account(server, email)
        if device_token is not None:  # the one sent (if any) no longer works: keep the new one
            store.save_device(server, email, device_token)
        tokens.persist = lambda token: store.save(server, email, token, name)
    except CredentialError as exc:
        print(f"Note: {exc.message} Give --email and the password with each command.", file=sys.stderr)


PASSWORD_ENV = "FAMGUARD_TEEN_PASSWORD"  # noqa: S105 - the variable's name
_HOW_TO_GIVE_IT = "Give the password at the prompt, with --password-stdin, or in FAMGUARD_TEEN_PASSWORD."


def _password(args: argparse.Namespace) -> str | None:
    """The password from stdin (--password-stdin), the environment, or a prompt on a terminal."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n") or None
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password: ") or None
    return None


def _signed_in(args: argparse.Namespace) -> ApiClient:
    """A client signed in with --email and a password, or with the sign-in remembered in the keyring."""
    email = getattr(args, "email", None)
    password = _password(args) if email else None
    tokens = TokenManager()
    api = teen_client(args.server, tokens)
    if email and password:
        device_token = _known_device(api.base_url, email)
        new_device_token = api.sign_in(email, password, device_token)
        _remember(api.base_url, email, tokens, api.me().display_name, new_device_token)
        return api
    store = _credentials()
    try:
        last = store.last_account()
        saved = store.load(*last) if last and last[0] == api.base_url else None
    except CredentialError as exc:
        raise SystemExit(f"{exc.message}\nSign in with --email and the password. {_HOW_TO_GIVE_IT}") from None
    if saved is None:
        raise SystemExit("Not signed in. Run `famguard-teen --server URL login --email E` first.")
    assert last is not None
    tokens = TokenManager(saved.refresh_token)
    tokens.persist = lambda token: store.save(last[0], last[1], token, saved.display_name)
    return teen_client(args.server, tokens)


def _cmd_signup(args: argparse.Namespace) -> int:
    tokens = TokenManager()
    api = teen_client(args.server, tokens)
    password = _password(args)
    if password is None:
        raise SystemExit(_HOW_TO_GIVE_IT)
    account, device_token = sign_up(api, args.email, password, args.name, args.birth_date)
    _remember(api.base_url, args.email, tokens, account.display_name, device_token)
    print(f"Signed up and signed in as {account.display_name} (age {account.age}).")
    return 0


def _cmd_login(args: argparse.Namespace) -> int:
    account = _signed_in(args).me()
    print(f"Signed in as {account.display_name}.")
    return 0


def _cmd_logout(args: argparse.Namespace) -> int:
    api = _signed_in(args)
    account = api.me()
    api.sign_out()
    try:
        store = _credentials()
        store.delete(args.server, account.email)
        store.forget_last_account()
    except CredentialError as exc:
        print(f"Note: {exc.message}", file=sys.stderr)
    print("Signed out.")
    return 0


def _ask(question: str) -> bool:
    """y/N on the terminal; no input at all (EOF, as in scripts without stdin) means no."""
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


def _cmd_pair(args: argparse.Namespace) -> int:
    problem = code_problem(args.code)
    if problem is not None:  # said before signing in: nothing to ask the service
        print(problem, file=sys.stderr)
        return 2
    api = _signed_in(args)
    pairing = redeem(api, args.code)
    name = pairing.guardian_name or "a guardian"
    print(f"{name} wants to be your guardian on FamGuard.")
    if not args.yes and not _ask(f"Let {name} manage your safety settings? [y/N] "):
        decline(api, pairing)
        print("Declined; nothing was linked.")
        return 1
    accept(api, pairing)
    print(f"Accepted. {name} now confirms on their side to finish linking.")
    return 0


def controls_listing(controls: Controls) -> list[str]:
    """One line per declared control, as the teen reads it ("Comments on your videos: Friends"), in
    the words `rules` uses: the guardian's labels say "your teen"."""
    return [f"{name}: {value}" for name, value in teen_view.rules_in_words(controls)]


def _cmd_controls(args: argparse.Namespace) -> int:
    api = _signed_in(args)
    try:
        current = apply_controls(api)
    except e.NotFound:
        if api.my_guardians():
            raise
        # The service's 404 read "… so no controls was not found." once worded by main().
        print(teen_view.managed_by([]), file=sys.stderr)
        return 1
    for line in controls_listing(current.controls):
        print(line)
    print(f"(Reported to your guardians: version {current.etag} is applied on this phone.)")
    return 0


def _cmd_rules(args: argparse.Namespace) -> int:
    for line in overview(_signed_in(args)):
        print(line)
    return 0


def _cmd_activity(args: argparse.Namespace) -> int:
    lines = activity_lines(_signed_in(args))
    for line in lines:
        print(line)
    if not lines:
        print("Nothing has changed yet.")
    return 0


def _cmd_usage(args: argparse.Namespace) -> int:
    api = _signed_in(args)
    day = (add_usage if args.action == "add" else report_usage)(api, args.minutes, args.date)
    limit = "no limit" if day.limit_minutes is None else f"limit {day.limit_minutes} min"
    print(f"{day.date}: {day.minutes} min used ({limit}).")
    return 0


def _cmd_ask_time(args: argparse.Namespace) -> int:
    request = ask_for_time(_signed_in(args), args.minutes, args.reason)
    print(f"Asked for {format_minutes(request.minutes)} more on {request.date}; status {request.status.value}.")
    return 0


def _cmd_requests(args: argparse.Namespace) -> int:
    print(requests_today(_signed_in(args)) or "No requests for more time today.")
    return 0


def _cmd_guardians(args: argparse.Namespace) -> int:
    links = guardians(_signed_in(args))
    for link in links:
        print(f"{link.display_name} (linked {link.linked_at:%Y-%m-%d})")
    if not links:
        print("No guardians linked.")
    return 0


def _cmd_unlink(args: argparse.Namespace) -> int:
    unlink_all(_signed_in(args))
    print("Every guardian link has ended.")
    return 0


def _date(text: str) -> date:
    """A date argument, with a message that says what was wrong and what is expected."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date. Write it as YYYY-MM-DD, for example 2026-06-20."
        ) from None


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes.") from None
    if not 0 <= value <= MAX_DAY_MINUTES:
        raise argparse.ArgumentTypeError(f"{value} minutes is not possible in a day: give 0 to {MAX_DAY_MINUTES}.")
    return value


class _RefusePassword(argparse.Action):
    """--password is refused with the reason: any local user can read argv (ps, /proc)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        parser.error(
            "--password is not accepted: every user of this computer could read it in the process list. "
            + _HOW_TO_GIVE_IT
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="famguard-teen", description="The teen's phone, simulated.")
    parser.add_argument("--server", required=True, help="the FamGuard service address")
    # Accepted before or after the command; SUPPRESS keeps one from overwriting the other.
    credentials = argparse.ArgumentParser(add_help=False)
    for holder in (credentials, parser):
        holder.add_argument("--email", default=argparse.SUPPRESS)
        holder.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                            help="read the password from the first line of standard input")  # fmt: skip
        holder.add_argument("--password", action=_RefusePassword, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[credentials], help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    signup = commands.add_parser("signup", help="create a teen account")
    signup.add_argument("--email", required=True)
    signup.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    signup.add_argument("--password", action=_RefusePassword, help=argparse.SUPPRESS)
    signup.add_argument("--name", required=True)
    signup.add_argument("--birth-date", required=True, type=_date)
    signup.set_defaults(handler=_cmd_signup)
    command("login", _cmd_login, "sign in and remember it")
    command("logout", _cmd_logout, "sign out and forget the sign-in")
    pair = command("pair", _cmd_pair, "enter a guardian's pairing code")
    pair.add_argument("code")
    pair.add_argument("--yes", action="store_true", help="accept without asking")
    command("controls", _cmd_controls, "show the controls in effect (and report them applied)")
    command("rules", _cmd_rules, "who manages this account, and the rules in plain words")
    command("activity", _cmd_activity, "every change to the rules: who, when, what")
    usage = command("usage", _cmd_usage, "report screen time")
    usage.add_argument("action", choices=["add", "set"], help="add minutes to the day, or set the day's total")
    usage.add_argument("minutes", type=_minutes, help="minutes (0-1440)")
    usage.add_argument("--date", type=_date, default=None, help="the day, YYYY-MM-DD (default today)")
    ask = command("ask-time", _cmd_ask_time, "ask for more time today")
    ask.add_argument("minutes", type=int)
    ask.add_argument("--reason", required=True)
    command("requests", _cmd_requests, "what became of today's requests for more time")
    command("guardians", _cmd_guardians, "list linked guardians")
    command("unlink", _cmd_unlink, "end every guardian link")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.server = check_server_url(args.server)
        code = args.handler(args)
        sys.stdout.flush()  # here, where a reader gone is caught, not at exit
        return code
    except e.ValidationFailed as exc:
        details = "".join(f"\n  {name}: {reason}" for name, reason in exc.fields.items())
        print(f"{exc.title}: {exc.message}{details}", file=sys.stderr)
    except e.ApiError as exc:
        print(f"{exc.title}: {exc.message}", file=sys.stderr)
    except BrokenPipeError:
        # The reader went (`famguard-teen activity | head`): what was wanted was read. Python's
        # own flush at exit would fail on the same pipe and print a traceback (an outside tester).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
