"""The cooperative's date and number formats (``FORMAT_MODULE_PATH``)."""
