"""Builds the Cython baselines; everything else is declared in pyproject.toml.

Every ``grader/baselines/*.pyx`` is one extension module: adding a kernel needs no edit here.
"""

import os
import re
from pathlib import Path

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

BASELINES = Path("grader/baselines")
# What a .pyx or .pxd pulls in from its own folder: a cimported .pxd, a C header it declares or includes.
LOCAL_NAMES = re.compile(
    r"cimport\s+(?:grader\.baselines\.)?(\w+)|from\s+(?:grader\.baselines\.)?(\w+)\s+cimport"
    r'|extern\s+from\s+"([^"]+)"|include\s+"([^"]+)"'
)


def headers(source: Path) -> list[str]:
    """The headers in BASELINES that ``source`` depends on, directly or through another header: a change to
    any of them must rebuild the extension, which setuptools only knows through ``depends``."""
    found: list[Path] = []
    pending = [source]
    while pending:
        text = pending.pop().read_text()
        for match in LOCAL_NAMES.finditer(text):
            name = next(g for g in match.groups() if g)
            path = BASELINES / (name if "." in name else f"{name}.pxd")
            if path.is_file() and path not in found:
                found.append(path)
                pending.append(path)
    return sorted(str(p) for p in found)


def kernel(source: Path) -> Extension:
    """One baseline module, optimised for the machine that builds it."""
    return Extension(
        f"grader.baselines.{source.stem}",
        [str(source)],
        depends=headers(source),
        include_dirs=[np.get_include(), str(BASELINES)],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )


setup(
    ext_modules=cythonize([kernel(p) for p in sorted(BASELINES.glob("*.pyx"))], language_level=3),
    # One compiler per core: the C that Cython writes takes most of a fresh install's time (-O3, a minute of CPU).
    options={"build": {"parallel": os.cpu_count() or 1}},
)
