"""Text room: cleaning with an offset map, sentence splitting, model windows.

- clean_text(original) -> CleanText: delete markup, boilerplate and layout line
  breaks; ``CleanText.index`` maps cleaned characters back to the original.
- split_sentences(cleaned) / paragraph_spans(cleaned): spans on the cleaned text.
- plan_windows(sentences, len, max_len, overlap) -> [Window]; owns(window, s, e)
  says which window reports a predicted span.
"""
from .cleaning import CleanText, clean_text, clean_text_with_decisions
from .column_breaks import JoinDecision, Paragraph
from .sentences import paragraph_spans, split_sentences
from .windows import Window, anchor, owns, plan_windows

__all__ = [
    "CleanText", "clean_text", "clean_text_with_decisions", "JoinDecision", "Paragraph",
    "paragraph_spans", "split_sentences", "Window", "anchor", "owns", "plan_windows",
]
