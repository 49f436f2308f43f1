"""Charts and tables the pages draw: figures,
the presenting row under them, export footers, the trend, progress and index views."""
