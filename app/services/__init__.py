"""Use cases. Each public function checks the caller's permission and writes the access record."""
