"""The client file: read it (keeping lines), its model and rules, its schema, careful edits."""
