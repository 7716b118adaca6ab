"""The domain: plain functions over a database session, no Reflex and no HTTP."""
