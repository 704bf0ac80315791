"""Imports from the accounting system: see docs/import-formats.md.

``parsing`` reads files, ``specs`` describes each kind, ``services`` runs an import
(``pg`` and ``batched`` are its two write paths), ``exporting`` writes the formats
back, ``admin_views`` and ``hooks`` are the accountant's screen in the admin.
"""
