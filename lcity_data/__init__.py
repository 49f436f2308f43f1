"""Ningbo Learning City Monitor: the data package (catalogs, loading, validation, checks).

Nothing here imports Streamlit, so every rule can be tested and used from the command line.
"""

__version__ = "0.1.0"
