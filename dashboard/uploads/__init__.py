"""Import and publish: the upload's worker process, the Import page's views, publishing as an editor, a lost upload."""
