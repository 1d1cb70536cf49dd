"""Token counting: exact with tiktoken where possible, calibrated estimates elsewhere."""
