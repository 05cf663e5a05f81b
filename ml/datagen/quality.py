"""A smoke test of how well models trained on generated data generalise.

``python -m ml.datagen.quality --utterances 20000 --conversations 4000 --seed 1
--eval-dir ../shared/eval`` trains a quick TF-IDF (word 1-2 + char_wb 2-5) one-vs-rest
logistic regression on generated utterances and a logistic conversion model on generated
conversations, then *measures* them on the held-out files (``utterances_dev.jsonl``,
``conversations_dev.jsonl``) and prints JSON. The held-out files are only read for
measuring; nothing here tunes on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from ml.datagen.conversations import generate_conversations
from ml.datagen.utterances import generate_utterances
from voice_agent.core.labels import NEEDS, OBJECTIONS

__all__ = ["QuickModels", "conversion_features", "ece", "main"]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _matrix(rows: Sequence[dict[str, Any]], key: str, labels: Sequence[str]) -> np.ndarray:
    return np.array([[int(label in r[key]) for label in labels] for r in rows])


class QuickModels:
    """TF-IDF + logistic regression for objections, needs and buying signal."""

    def __init__(self, class_weight: str | None = "balanced") -> None:
        self.vec = FeatureUnion(
            [
                ("w", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                (
                    "c",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True
                    ),
                ),
            ]
        )

        def lr() -> LogisticRegression:
            return LogisticRegression(C=4.0, max_iter=2000, class_weight=class_weight)

        self.obj = OneVsRestClassifier(lr())
        self.need = OneVsRestClassifier(lr())
        self.buy = lr()

    def fit(self, rows: Sequence[dict[str, Any]]) -> QuickModels:
        x = self.vec.fit_transform([r["text"].lower() for r in rows])
        self.obj.fit(x, _matrix(rows, "objections", OBJECTIONS))
        self.need.fit(x, _matrix(rows, "needs", NEEDS))
        self.buy.fit(x, np.array([int(r["buying_signal"]) for r in rows]))
        return self

    def predict_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = self.vec.transform([t.lower() for t in texts])
        return (
            self.obj.predict_proba(x),
            self.need.predict_proba(x),
            self.buy.predict_proba(x)[:, 1],
        )

    def evaluate(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for lang in sorted({r["lang"] for r in rows}):
            sub = [r for r in rows if r["lang"] == lang]
            po, pn, pb = self.predict_proba([r["text"] for r in sub])
            yo = _matrix(sub, "objections", OBJECTIONS)
            yn = _matrix(sub, "needs", NEEDS)
            yb = np.array([int(r["buying_signal"]) for r in sub])
            out[lang] = {
                "n": len(sub),
                "objections_macro_f1": round(
                    float(f1_score(yo, po >= 0.5, average="macro", zero_division=0)), 4
                ),
                "objections_per_label_p_r": _pr(yo, po, OBJECTIONS),
                "needs_per_label_p_r": _pr(yn, pn, NEEDS),
                "buying_p_r": _pr(yb[:, None], pb[:, None], ("buying",))["buying"],
                "needs_micro_f1": round(
                    float(f1_score(yn, pn >= 0.5, average="micro", zero_division=0)), 4
                ),
                "buying_f1": round(float(f1_score(yb, pb >= 0.5, zero_division=0)), 4),
            }
        return out


def _pr(y: np.ndarray, p: np.ndarray, labels: Sequence[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for i, label in enumerate(labels):
        pred = p[:, i] >= 0.5
        out[label] = [
            round(float(precision_score(y[:, i], pred, zero_division=0)), 2),
            round(float(recall_score(y[:, i], pred, zero_division=0)), 2),
        ]
    return out


_BUDGET = ("low", "medium", "high", "premium")


def conversion_features(models: QuickModels, conv: dict[str, Any]) -> list[float]:
    """Simple features of a whole conversation, after its last customer turn."""
    texts = [t["text"] for t in conv["turns"] if t["role"] == "customer"] or [""]
    po, _pn, pb = models.predict_proba(texts)
    last_o, last_b = po[-1], pb[-1]
    budget = conv.get("customer_profile", {}).get("budget", "medium")
    n = len(texts)
    return [
        *last_o.tolist(),
        float(last_b),
        float(pb.max()),
        float((pb >= 0.5).sum()) / n,
        float(po.max(axis=0).sum()),
        float((po >= 0.5).sum()) / n,
        float(pb[-2]) if n > 1 else 0.0,
        float(po[-2].sum()) if n > 1 else 0.0,
        *[float(budget == b) for b in _BUDGET],
        n / 10.0,
    ]


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += float(m.mean()) * abs(float(y[m].mean()) - float(p[m].mean()))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ml.datagen.quality")
    ap.add_argument("--utterances", type=int, default=20000)
    ap.add_argument("--conversations", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    ap.add_argument(
        "--class-weight",
        choices=("balanced", "none"),
        default="balanced",
        help="class weights of the logistic regressions (default: balanced)",
    )
    args = ap.parse_args(argv)
    utt_path = args.eval_dir / "utterances_dev.jsonl"
    conv_path = args.eval_dir / "conversations_dev.jsonl"
    if not utt_path.is_file() or not conv_path.is_file():
        print(f"error [missing_eval]: no dev files under {args.eval_dir}", file=sys.stderr)
        return 2
    utts = generate_utterances(args.utterances, args.seed)
    convs = generate_conversations(args.conversations, args.seed + 1)
    # customer turns of the generated conversations are labelled utterances too
    for c in convs:
        cust = [t for t in c["turns"] if t["role"] == "customer"]
        for t, lab in zip(cust, c["turn_labels"], strict=True):
            utts.append({"lang": c["lang"], "text": t["text"], **lab})
    models = QuickModels(None if args.class_weight == "none" else "balanced").fit(utts)
    report: dict[str, Any] = {
        "class_weight": args.class_weight,
        "utterances_dev": models.evaluate(_read_jsonl(utt_path)),
    }

    x = np.array([conversion_features(models, c) for c in convs])
    y = np.array([int(c["converted"]) for c in convs])
    conv_model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    dev = _read_jsonl(conv_path)
    xd = np.array([conversion_features(models, c) for c in dev])
    yd = np.array([int(c["converted"]) for c in dev])
    pd = conv_model.predict_proba(xd)[:, 1]
    oracle = roc_auc_score(y, [c["latent_p"] for c in convs])
    report["conversations"] = {
        "generated_rate": round(float(y.mean()), 4),
        "generated_oracle_auc_latent_p": round(float(oracle), 4),
        "dev_n": len(dev),
        "dev_auc": round(float(roc_auc_score(yd, pd)), 4),
        "dev_ece": round(ece(yd, pd), 4),
        "dev_auc_per_lang": {
            lang: round(
                float(
                    roc_auc_score(
                        [v for v, c in zip(yd, dev, strict=True) if c["lang"] == lang],
                        [v for v, c in zip(pd, dev, strict=True) if c["lang"] == lang],
                    )
                ),
                4,
            )
            for lang in sorted({c["lang"] for c in dev})
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
