"""Importing people from field files: `rows` (one row → a validated record, reusable),
`files` (reading CSV/XLSX), `vocabulary` (countries, demonyms, languages), `engine` (bulk writes)."""
