"""Evaluation: instruments (SSM-Cat), assessments and headline figures."""
