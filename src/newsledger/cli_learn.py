"""The learning commands of `newsledger`: labels (check, convert, gold, agreement) and train (registered on `main`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli import handle_errors, main, out
from .exceptions import NewsledgerError

_TEXTS = click.option("--texts", type=click.Path(file_okay=False), envvar="NEWSLEDGER_SHARED", default="../shared",
                      show_default=True, help="Folder the label 'file' paths are relative to ($NEWSLEDGER_SHARED).")


@main.group()
def labels():
    """Training labels: check and convert the annotators' working files, write them as gold, measure their agreement."""


@labels.command("check")
@click.argument("raw", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_TEXTS
@handle_errors
def labels_check(raw, texts):
    """List every problem of working label files RAW (anchors not in the text, bad codes, …)."""
    from .labels import check_raw_file

    bad = 0
    for path in raw:
        problems, n_texts, n_events = check_raw_file(Path(path), Path(texts))
        for p in problems:
            out.print(f"{path}:{p}", highlight=False, markup=False)
        out.print(f"{path}: {n_texts} texts, {n_events} events, {len(problems)} problems", highlight=False)
        bad += len(problems)
    sys.exit(1 if bad else 0)


@labels.command("convert")
@click.argument("raw", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_TEXTS
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The project-form label file to write (offsets only, no text).")
@handle_errors
def labels_convert(raw, texts, out_path):
    """Turn working label files RAW (anchors quoted from the texts) into one project-form file of
    offsets (docs/LABELS-FORMAT.md). Lines with problems are left out and counted."""
    from .labels import convert_raw_file

    lines, kept = 0, []
    for path in raw:
        with open(path, encoding="utf-8") as fh:
            lines += sum(1 for line in fh if line.strip())
        kept += convert_raw_file(Path(path), Path(texts))
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as fh:
        for line in kept:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    events = sum(len(k["events"]) for k in kept)
    out.print(f"{out_path}: {len(kept)} texts, {events} events ({lines - len(kept)} lines with problems left out)",
              highlight=False)


@labels.command("gold")
@click.argument("label_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_TEXTS
@click.option("--validation-of", "model_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Only the texts this trained model kept out of training (its meta.json validation_files).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Gold file to write (it quotes the texts' words: keep it outside the project).")
@handle_errors
def labels_gold(label_files, texts, model_dir, out_path):
    """Write LABEL_FILES as gold for `newsledger eval` (anchors as words): with --validation-of, the
    texts a trained model never learned from, a larger check than the gold sets."""
    from .labels import gold_lines, load_labels

    files = None
    if model_dir:
        meta_path = Path(model_dir) / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        if "validation_files" not in meta:
            raise NewsledgerError(f"{meta_path} does not list its validation_files",
                                  hint="models trained before they were recorded: retrain with `newsledger train`")
        files = set(meta["validation_files"])
    lines = gold_lines([t for p in label_files for t in load_labels(p)], Path(texts), files)
    with open(out_path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    out.print(f"{out_path}: {len(lines)} texts, {sum(len(k['events']) for k in lines)} events", highlight=False)


@labels.command("agreement")
@click.argument("first", type=click.Path(exists=True, dir_okay=False))
@click.argument("second", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def labels_agreement(first, second, as_json):
    """Agreement of two label files on the texts both label, with `newsledger eval`'s measure
    (per-article events matched by type, actors and places; FIRST taken as gold)."""
    from .agreement import agreement

    report = agreement(Path(first), Path(second))
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    d = report.as_dict()
    out.print(f"{report.texts} texts labelled in both: deployments F1 {d['deployments']['f1']:.3f}, "
              f"all events F1 {d['all']['f1']:.3f}; slots over matched pairs: "
              + ", ".join(f"{k} {v:.3f}" for k, v in d["slots"].items()), highlight=False)


@main.command()
@click.argument("label_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_TEXTS
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the trained model (encoder.onnx int8, heads.npz, tokenizer.json, meta.json).")
@click.option("--plover", type=click.Path(dir_okay=False), default=None,
              help="PLOVER sentences TSV to add (train split only); default: TEXTS/corpus/plover-sentences/sentences.tsv.")
@click.option("--epochs", default=3, show_default=True)
@click.option("--batch-size", default=32, show_default=True)
@click.option("--seed", default=13, show_default=True)
@click.option("--freeze-encoder", is_flag=True, help="Train the heads only (the frozen-encoder baseline).")
@click.option("--max-examples", type=int, default=None, help="Train on at most this many sentences (quick runs).")
@click.option("--heldout", "heldout", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Gold files to score the trained model on at the end (default: gold/heldout.jsonl if present).")
@click.option("--workers", default=2, show_default=True, help="Processes for the final evaluation.")
@handle_errors
def train(label_files, texts, out_dir, plover, epochs, batch_size, seed, freeze_encoder, max_examples, heldout,
          workers):
    """Train the learned extractor on LABEL_FILES (project-form labels) and the PLOVER train sentences:
    fine-tune all-MiniLM-L6-v2 with the decision heads (seeded), export the encoder to int8 ONNX, then
    print held-out scores. Needs: pip install -e '.[train]'."""
    from .cli import progress_bar
    from .learn.train import TrainConfig
    from .learn.train import train as run_train

    plover_path = Path(plover) if plover else Path(texts) / "corpus" / "plover-sentences" / "sentences.tsv"
    cfg = TrainConfig(epochs=epochs, batch_size=batch_size, seed=seed, freeze_encoder=freeze_encoder,
                      max_examples=max_examples)
    state = {"done": 0}
    with progress_bar("training") as advance:
        def progress(step: int, total: int, loss: float) -> None:
            advance(step - state["done"])
            state["done"] = step
            if not sys.stderr.isatty() and (step % 50 == 0 or step == total):
                print(f"step {step}/{total} loss {loss:.3f}", file=sys.stderr, flush=True)

        result = run_train([Path(p) for p in label_files], Path(texts), Path(out_dir), plover=plover_path,
                           config=cfg, progress=progress)
    out.print(f"trained on {result.train_examples} sentences ({result.validation_examples} for validation); "
              f"model in {result.out}", highlight=False)
    golds = list(heldout) or [p for p in ["gold/heldout.jsonl"] if Path(p).is_file()]
    if not golds:
        return
    from .evaluate import evaluate
    from .extract.learned import set_model_dir

    with set_model_dir(result.out):
        for g in golds:
            r = evaluate(g, texts, workers=workers, extractor="learned")
            if not r.texts:
                raise NewsledgerError(f"none of the texts of {g} were found under {texts}")
            out.print(f"{g}: deployments F1 {r.deployments.f1:.3f}, all events F1 {r.all.f1:.3f}; "
                      + ", ".join(f"{k} {v.accuracy:.3f}" for k, v in r.deployment_slots.items()), highlight=False)
