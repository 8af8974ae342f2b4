#!/usr/bin/env python3
"""Warm in-process render timings for rendercv 2.8, the counterpart of `bench_render`.

    python rendercv_inprocess.py [N] DIR

DIR holds cv_en_backend_maya_lindqvist.yaml and cv_ar_accountant_sara_almansouri.yaml
(scripts/bench-render copies them there). Run with the Python of the fixtures' virtualenv
(fixtures/src/setup_env.sh, default /tmp/fixvenv). For each document: one cold render, then N
(default 30) warm renders, each YAML -> data model -> Typst source -> PDF through the functions
`rendercv render` itself calls (rendercv.cli.render_command.run_rendercv.run_rendercv):

    build_rendercv_dictionary_and_model  (rendercv.schema.rendercv_model_builder)
    generate_typst                       (rendercv.renderer.typst)
    generate_pdf                         (rendercv.renderer.pdf_png; typst-py, cached Compiler)

PNG, Markdown and HTML are switched off, as with the CLI flags in bench-render. As in
`bench_render`, the headline changes on every render (" 0", " 1", ... appended)
so that Typst compiles a new document each time rather than reusing the last PDF (its memo
cache stays warm, as with bench_render's "warm cache" figure). The headline is edited in the
YAML text, which is read and parsed again on every render.

Offline: rendercv's bundled Typst package imports @preview/fontawesome:0.6.0, which Typst
would download from packages.typst.org. As in fixtures/src/build.py, a stub of that package
(icons are off in both CVs, so it is never drawn) goes in a private Typst package cache under
DIR, and XDG_CACHE_HOME points there. Fonts come from rendercv_fonts and the system
(Noto Naskh Arabic), nothing is fetched.
"""
import importlib
import json
import os
import pathlib
import re
import statistics
import sys
import time

DOCS = (
    ("en", "cv_en_backend_maya_lindqvist.yaml"),
    ("ar", "cv_ar_accountant_sara_almansouri.yaml"),
)


def die(msg: str):
    print(f"rendercv_inprocess: {msg}", file=sys.stderr)
    sys.exit(1)


def fontawesome_stub(cache_home: pathlib.Path) -> None:
    pkg = cache_home / "typst" / "packages" / "preview" / "fontawesome" / "0.6.0"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "typst.toml").write_text(
        '[package]\nname = "fontawesome"\nversion = "0.6.0"\nentrypoint = "lib.typ"\n'
        'authors = ["offline stub"]\nlicense = "MIT"\ndescription = "offline stub"\n',
        encoding="utf-8",
    )
    (pkg / "lib.typ").write_text(
        "#let fa-icon(name, ..args) = box(width: 0pt)\n", encoding="utf-8"
    )


def load_rendercv_api():
    """The pipeline functions of `rendercv render` and its two user-error types, or exit
    with a clear message."""
    wanted = (
        ("rendercv.schema.rendercv_model_builder", "build_rendercv_dictionary_and_model"),
        ("rendercv.renderer.typst", "generate_typst"),
        ("rendercv.renderer.pdf_png", "generate_pdf"),
        ("rendercv.exception", "RenderCVUserError"),
        ("rendercv.exception", "RenderCVUserValidationError"),
    )
    try:
        import rendercv
    except ImportError as e:
        die(
            f"cannot import rendercv ({e}) with {sys.executable}; run this with the Python of"
            " the fixtures' virtualenv (fixtures/src/setup_env.sh, default /tmp/fixvenv)"
        )
    version = getattr(rendercv, "__version__", "unknown")
    funcs = []
    for module, name in wanted:
        try:
            func = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, SyntaxError) as e:
            die(
                f"rendercv {version} ({pathlib.Path(rendercv.__file__).parent}) has no"
                f" {module}.{name} ({type(e).__name__}: {e}); this script follows the"
                " pipeline of rendercv 2.8's `rendercv render`"
                " (rendercv/cli/render_command/run_rendercv.py). A SyntaxError means the"
                " Python 3.11 patch (fixtures/src/patch_rendercv_py311.py) was not applied."
            )
        if not callable(func):
            die(f"rendercv {version}: {module}.{name} is not callable")
        funcs.append(func)
    return funcs


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 1:
        n_arg, work = None, args[0]
    elif len(args) == 2:
        n_arg, work = args
    else:
        die("usage: rendercv_inprocess.py [N] DIR   (N renders per document, default 30)")
    try:
        n = max(1, int(n_arg)) if n_arg is not None else 30
    except ValueError:
        die(f"N must be an integer, got {n_arg!r}")
    work = pathlib.Path(work).resolve()
    if not work.is_dir():
        die(f"{work} is not a directory")
    for _, yaml_name in DOCS:
        if not (work / yaml_name).is_file():
            die(f"{work / yaml_name} is missing (copy it from fixtures/src/)")

    # Before the first Typst compiler is created: private package cache with the stub.
    cache_home = work / "rendercv_inprocess" / "cache"
    fontawesome_stub(cache_home)
    os.environ["XDG_CACHE_HOME"] = str(cache_home)

    (build_model, generate_typst, generate_pdf, RenderCVUserError,
     RenderCVUserValidationError) = load_rendercv_api()

    for lang, yaml_name in DOCS:
        input_path = work / yaml_name
        out = work / "rendercv_inprocess" / lang
        out.mkdir(parents=True, exist_ok=True)
        typst_path, pdf_path = out / "cv.typ", out / "cv.pdf"

        yaml_text = input_path.read_text(encoding="utf-8")
        # cv.headline, a direct child of `cv:` (design.typography.font_family has one too)
        headline_line = re.search(r"^(  headline:).*$", yaml_text, re.M)

        def render(headline=None):
            # What run_rendercv does, minus the progress panel and PNG/Markdown/HTML.
            # The YAML is read and parsed on every render, as the CLI does.
            main_yaml = input_path.read_text(encoding="utf-8")
            kwargs = dict(
                input_file_path=input_path,
                output_folder=out,
                typst_path=typst_path,
                pdf_path=pdf_path,
                dont_generate_png=True,
                dont_generate_markdown=True,
                dont_generate_html=True,
            )
            if headline is not None:
                if headline_line:  # edit the YAML text: a JSON string is a YAML scalar
                    a, b = headline_line.span()
                    main_yaml = (main_yaml[:a] + headline_line.group(1) + " "
                                 + json.dumps(headline, ensure_ascii=False) + main_yaml[b:])
                else:  # rendercv's `--cv.headline` override (a deep copy, ~3 ms more)
                    kwargs["overrides"] = {"cv.headline": headline}
            _, model = build_model(main_yaml, **kwargs)
            typ = generate_typst(model)
            pdf = generate_pdf(model, typ)
            if pdf is None or pathlib.Path(pdf) != pdf_path:
                raise RuntimeError(f"generate_pdf returned {pdf!r}, expected {pdf_path}")
            return model

        try:
            t = time.perf_counter()
            model = render()
            cold = (time.perf_counter() - t) * 1e3
            headline = model.cv.headline or ""
            warm = []
            for i in range(n):
                t = time.perf_counter()
                model = render(f"{headline} {i}")
                warm.append((time.perf_counter() - t) * 1e3)
            if model.cv.headline != f"{headline} {n - 1}":
                raise RuntimeError(f"headline edit did not take: {model.cv.headline!r}")
        except RenderCVUserValidationError as e:
            msgs = "; ".join(
                f"{'.'.join(v.schema_location or ())}: {v.message}" for v in e.validation_errors
            )
            die(f"{yaml_name}: rendercv validation failed: {msgs}")
        except RenderCVUserError as e:
            die(f"{yaml_name}: rendercv error: {e.message}")
        except Exception as e:  # typst.TypstError and friends
            die(f"{yaml_name}: render failed: {type(e).__name__}: {e}")
        if not pdf_path.read_bytes()[:5] == b"%PDF-":
            die(f"{pdf_path} is not a PDF")

        print(
            f"rendercv in-process {lang}: median {statistics.median(warm):.1f} ms"
            f" (min {min(warm):.1f}, max {max(warm):.1f}) over {n} renders, cold {cold:.0f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
