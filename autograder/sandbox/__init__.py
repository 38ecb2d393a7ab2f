"""The trust boundary: student code runs only in processes started from here."""
