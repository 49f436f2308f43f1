"""Reading a district return, step by step, for lcity_data.importer (which keeps `import_file` and
assembles the report). In the order a file goes through them:

- `bounds`: what an upload may hold (size, columns, rows, cells), and the refusal of a whole file;
- `table_reader`: bytes -> rows of cells, per format (.xlsx, .xls, CSV), within those bounds;
- `grid`: which kind of file and which sheets, merged cells, a cell as a person reads it;
- `layout`: the header vocabulary, where the header is, and the table's year and units around it;
- `rows`: one input row -> its outcome (cells parsed to numbers in base units, or rejected);
- `report`: the report types every caller reads.
"""
