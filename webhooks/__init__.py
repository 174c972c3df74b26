"""Webhooks to ERP systems, one module per concern.

- ``events``: the thin JSON body of each event type;
- ``signing``: secrets, ``sign``, ``verify`` (Standard Webhooks);
- ``destination``: the callback-URL rule and which addresses may be called;
- ``transport``: one signed POST, pinned to checked addresses;
- ``retry``: what an attempt's outcome means and when to try again;
- ``models``, ``endpoints``, ``fan_out``, ``deliveries``: the tables and their guarded changes;
- ``tasks``: the Celery tasks on the ``webhooks`` queue;
- ``errors``: one class per stable code.

Events reach the outbox through ``db.outbox`` in the transaction that causes
them; the fan-out turns each into one delivery per destination.
"""
