"""Alembic environment: migrations always run on a connection the store hands over (no alembic.ini).

The store opens the transaction (and, on PostgreSQL, takes its lock) before calling Alembic, so a
migration and the first-use seed are one unit and two servers starting at once cannot both migrate.
"""

from alembic import context

from lcity_data.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
