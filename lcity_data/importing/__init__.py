"""Reading a district return, step by step, for lcity_data.importer (which keeps `import_file`).

The steps, each a module: `bounds` (what an upload may hold, and the refusal of a whole file),
`table_reader` (bytes -> rows of cells, per format, within those bounds).
"""
