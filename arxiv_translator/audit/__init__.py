"""The coverage audit: English prose left in the written outputs, scanned independently of the readers."""
