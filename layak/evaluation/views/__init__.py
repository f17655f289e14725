"""Evaluation pages: cycles (``cycles``), a district's assessment (``assessments``) and the
answers with their workflow (``answers``)."""
