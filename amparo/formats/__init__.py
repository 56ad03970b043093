"""Date and number formats Django lacks (FORMAT_MODULE_PATH = "amparo.formats").

Django ships formats for es, en, fr and pt but none for Haitian Creole; without them `ht` pages
would use the global defaults (English order, "N j, Y"). `ht/formats.py` follows French usage, the
written convention in Haiti (day before month, 24-hour clock, comma decimals). The month and day
names come from the catalogs (core/calendar_words.py), never Spanish."""
