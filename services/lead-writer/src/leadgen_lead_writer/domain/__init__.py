"""Pure rules of the lead-writer: prospect status ordering, the funnel counters, campaign
completion, and the lead.created payload. No I/O here."""
