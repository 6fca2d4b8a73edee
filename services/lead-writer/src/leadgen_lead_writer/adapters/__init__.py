"""SQL repositories of the lead-writer tables (SQLAlchemy Core on an ``AsyncConnection``).

Every function runs inside the caller's transaction: a handler's effects commit together.
"""
