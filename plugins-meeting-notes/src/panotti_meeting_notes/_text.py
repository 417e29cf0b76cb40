"""Sentences, words and TF-IDF: the shared plumbing of the local engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from .reader import TranscriptText

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "lets",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "okay",
        "ok",
        "yeah",
        "yes",
        "right",
        "well",
        "really",
        "think",
        "going",
        "like",
        "know",
        "thing",
        "things",
        "good",
        "great",
        "sure",
        "one",
        "two",
        "also",
        "maybe",
        "actually",
        "im",
        "ill",
        "youre",
        "thats",
        "dont",
        "its",
        "weve",
        "well",
        "lets",
    ]
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the transcript with who said it, when, and its position."""

    index: int
    text: str
    speaker: str | None
    start: float | None
    turn: int
    """Index of the utterance it belongs to."""


def sentences(transcript: TranscriptText) -> list[Sentence]:
    """Every sentence, in order."""
    found: list[Sentence] = []
    for turn, utterance in enumerate(transcript.utterances):
        for part in _SENTENCE_END.split(utterance.text.strip()):
            part = part.strip()
            if part:
                found.append(Sentence(len(found), part, utterance.speaker, utterance.start, turn))
    return found


def words(text: str) -> list[str]:
    """Content words, lower case."""
    return [
        word.replace("'", "")
        for word in _WORD.findall(text.lower())
        if word.replace("'", "") not in STOPWORDS
    ]


def tfidf(texts: list[str]) -> tuple[sparse.csr_matrix, list[str]]:
    """L2-normalised TF-IDF rows (sparse) and the vocabulary."""
    vocabulary: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, text in enumerate(texts):
        counts: dict[int, int] = {}
        for word in words(text):
            column = vocabulary.setdefault(word, len(vocabulary))
            counts[column] = counts.get(column, 0) + 1
        for column, count in counts.items():
            rows.append(row)
            columns.append(column)
            values.append(1.0 + np.log(count))
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), max(len(vocabulary), 1)))
    document_frequency = np.bincount(columns, minlength=matrix.shape[1]) if columns else np.ones(1)
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    weighted = sparse.csr_matrix(matrix.multiply(idf[None, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    normalised = sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)
    terms = [""] * len(vocabulary)
    for word, column in vocabulary.items():
        terms[column] = word
    return normalised, terms


def textrank(matrix: sparse.csr_matrix, damping: float = 0.85, iterations: int = 40) -> NDArray[np.float64]:
    """PageRank over the cosine-similarity graph of the rows."""
    count = matrix.shape[0]
    if count == 0:
        return np.zeros(0)
    similarity = sparse.csr_matrix(matrix @ matrix.T)
    similarity.setdiag(0.0)
    similarity.eliminate_zeros()
    out_weight = np.asarray(similarity.sum(axis=1)).ravel()
    out_weight[out_weight == 0] = 1.0
    transition = sparse.csr_matrix(sparse.diags(1.0 / out_weight) @ similarity).T.tocsr()
    scores = np.full(count, 1.0 / count)
    for _ in range(iterations):
        scores = (1 - damping) / count + damping * (transition @ scores)
    return np.asarray(scores, dtype=np.float64)
