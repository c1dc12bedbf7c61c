"""Normalisers for AMOUNT and DATE spans (the values returned beside each span, see SCHEMA.md)."""
from .amount import AmountNorm, normalize_amount
from .date import normalize_date, written_as_plan

__all__ = ["AmountNorm", "normalize_amount", "normalize_date", "written_as_plan"]
