"""Stand-ins for PySpark objects in the unit tests."""


class Builder:
    """Takes conf as SparkSession.Builder.config(key, value) does, and keeps it where PySpark's builders do."""

    def __init__(self):
        self.conf = {}
        self._options = self.conf

    def config(self, key, value):
        self.conf[key] = value
        return self
