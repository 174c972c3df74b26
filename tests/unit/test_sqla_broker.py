"""The embedded default's broker is polled every 0.1 s (Kombu's default of 1 s cost every job hop up to a second)."""
from __future__ import annotations

from settings import Settings
from workers import sqla_broker
from workers.celery_app import create_celery


def test_sqla_broker_urls_get_the_fast_polling_transport(tmp_path):
    settings = Settings.from_env({"DOCPIPE_VAR_DIR": str(tmp_path)})
    assert settings.broker_url.startswith("sqla+sqlite:///")
    app = create_celery(settings)
    with app.connection_for_read() as conn:
        transport = conn.transport
        assert isinstance(transport, sqla_broker.Transport)
        assert transport.polling_interval == sqla_broker.POLLING_INTERVAL_S == 0.1
        # The engine still gets only SQLAlchemy's own options (a poll interval there is refused).
        assert app.conf.broker_transport_options == {"connect_args": {"timeout": 30}}
