"""Sending a digest over SMTP (smtplib): STARTTLS when the setting asks for it, implicit TLS on port 465, and a
login when a user is set. A failure is one sentence (the password never in it)."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from ..errors import KBError
from ..settings import Settings, mask_secrets


class MailError(KBError):
    """An e-mail could not be sent; the message says what the server or the network answered."""


def mail_configured(settings: Settings) -> bool:
    """Whether alerts go out by e-mail (an SMTP host and a sender are set)."""
    return bool(settings.smtp_host.strip())


def check_mail_settings(settings: Settings) -> None:
    """Refuse a half-configured SMTP set-up with the setting to fix."""
    if mail_configured(settings) and "@" not in settings.smtp_from:
        raise KBError("setting smtp_from (KB_SMTP_FROM) must be the sender's e-mail address when smtp_host is set, "
                      "e.g. alerts@example.org")


def send_message(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server."""
    host, port = settings.smtp_host.strip(), int(settings.smtp_port)
    timeout = float(settings.fetch_timeout)
    try:
        if port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_starttls and port != 465:
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        text = mask_secrets(str(exc)).replace(settings.smtp_password or "\0", "***")
        raise MailError(f"could not send the alert to {message['To']} through {host}:{port}: {text}") from None
