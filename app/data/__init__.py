"""Persistence: SQLAlchemy models, engine, migrations, the image store and the audit chain."""
