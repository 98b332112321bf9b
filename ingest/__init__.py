"""Getting board responses into the raw archive: live fetches and recorded captures."""
