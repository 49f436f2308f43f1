"""The command line's user-facing error, apart from cli.py so that command modules (cli_report, the
dashboard's briefing command) raise it without importing the CLI that registers them."""


class CliError(Exception):
    """A user-facing error: printed as one bilingual line, exit code 2."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
