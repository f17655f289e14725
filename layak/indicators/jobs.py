"""Background job handlers of this app (registered with ``@runner.handler``)."""
