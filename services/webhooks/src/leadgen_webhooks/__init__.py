"""leadgen webhooks: delivers each team's lead.created events to its registered endpoints."""
