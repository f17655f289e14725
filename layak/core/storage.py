from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; not strict, so tests and development serve the unhashed
    files without ``collectstatic``."""

    manifest_strict = False
