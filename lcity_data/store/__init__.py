"""The release store: published data releases in a database (SQLite by default, PostgreSQL to share).

Below `lcity_data.loading`: pages and the CLI read through loading.py, never through SQL.
"""

from lcity_data.store.errors import PublishInputError, ReleaseNotFoundError, StoreError, mask_url, scrub
from lcity_data.store.merge import PublishPlan
from lcity_data.store.seed import file_record
from lcity_data.store.store import (
    READ_COLUMNS,
    PublishResult,
    ReleaseInfo,
    Store,
    check_text,
    forget_stores,
    open_store,
    upgrade_store,
)
from lcity_data.store.url import default_url, resolve_url

__all__ = [
    "READ_COLUMNS",
    "PublishInputError",
    "PublishPlan",
    "PublishResult",
    "ReleaseInfo",
    "ReleaseNotFoundError",
    "Store",
    "StoreError",
    "check_text",
    "default_url",
    "file_record",
    "forget_stores",
    "mask_url",
    "open_store",
    "resolve_url",
    "scrub",
    "upgrade_store",
]
