"""Layak's date and time formats per language (``FORMAT_MODULE_PATH``), over Django's own.

Date and time inputs are the browser's (``<input type="date">``, ``type="time"``): whatever the
person's language, the browser understands only ISO values (``2024-02-12``, ``09:00``) and shows
an input it cannot read as empty, so saving the form erased the date. Django writes a field's
value with the first of the language's input formats, so ISO comes first here, for every
language; the other formats stay accepted on input. What people read (``DATE_FORMAT`` and
friends) stays Django's, in the person's language.
"""
