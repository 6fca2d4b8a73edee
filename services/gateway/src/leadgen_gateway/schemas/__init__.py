"""HTTP request and response bodies: camelCase JSON (DESIGN.md "HTTP API")."""
