import pandera.errors
import pytest

from lcity_data.loading import load_shipped
from lcity_data.validation import validate_table


def _table():
    return load_shipped().head(20).copy()


def test_shipped_table_is_valid():
    validate_table(load_shipped())


@pytest.mark.parametrize(
    ("column", "bad"),
    [("adcode", "999999"), ("indicator", "nope"), ("status", "guess"), ("value", -1.0), ("year", 1900),
     ("unit", "wan_yuan"), ("source", "")],
)
def test_invalid_rows_are_reported(column, bad):
    df = _table()
    df.loc[df.index[0], column] = bad
    with pytest.raises(pandera.errors.SchemaErrors):
        validate_table(df)


def test_duplicate_keys_are_rejected():
    df = _table()
    df.loc[df.index[1], ["adcode", "year", "indicator"]] = df.loc[df.index[0], ["adcode", "year", "indicator"]]
    with pytest.raises(pandera.errors.SchemaErrors):
        validate_table(df)
