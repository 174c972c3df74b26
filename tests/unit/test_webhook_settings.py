"""The webhook settings: parsed from DOCPIPE_WEBHOOK_*, refused with the variable's name when wrong."""
from __future__ import annotations

import pytest

from settings import Settings, SettingsError
from webhooks.destination import parse_allowed_networks
from webhooks.signing import generate_secret


def test_defaults():
    s = Settings.from_env({})
    assert (s.webhook_allowed_networks, s.webhook_secret, s.webhook_timeout, s.webhook_schedule_scale) == ("", "", 15.0, 1.0)


def test_values_are_read():
    secret = generate_secret(24)
    s = Settings.from_env({
        "DOCPIPE_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8, 10.20.0.0/16,fd00::/8",
        "DOCPIPE_WEBHOOK_SECRET": secret,
        "DOCPIPE_WEBHOOK_TIMEOUT": "2.5",
        "DOCPIPE_WEBHOOK_SCHEDULE_SCALE": "0.001",
        "DOCPIPE_PUBLIC_URL": "https://ocr.example.com/",
    })
    assert len(parse_allowed_networks(s.webhook_allowed_networks)) == 3
    assert s.webhook_secret == secret and s.webhook_timeout == 2.5 and s.webhook_schedule_scale == 0.001
    assert s.public_url == "https://ocr.example.com"


@pytest.mark.parametrize(
    "name, value",
    [
        ("DOCPIPE_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,intranet"),
        ("DOCPIPE_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("DOCPIPE_WEBHOOK_SECRET", "hunter2"),
        ("DOCPIPE_WEBHOOK_SECRET", "whsec_c2hvcnQ="),  # 5 bytes
        ("DOCPIPE_WEBHOOK_SECRET", "whsec_not base64!"),
        ("DOCPIPE_WEBHOOK_TIMEOUT", "soon"),
        ("DOCPIPE_WEBHOOK_TIMEOUT", "0"),
        ("DOCPIPE_WEBHOOK_SCHEDULE_SCALE", "-1"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
