"""Foundations every stage uses: exceptions, the finding catalog and records, safe file writes."""
