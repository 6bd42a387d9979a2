"""Builds the Cython baselines; everything else is declared in pyproject.toml."""
import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup


def kernel(name: str, *, vecmath: bool = False, headers: tuple[str, ...] = ()) -> Extension:
    """One baseline module ``grader/baselines/<name>.pyx``, optimised for the machine that builds it."""
    return Extension(
        f"grader.baselines.{name}",
        [f"grader/baselines/{name}.pyx"],
        depends=(["grader/baselines/_vecmath.h", "grader/baselines/_vecmath.pxd"] if vecmath else [])
        + [f"grader/baselines/{h}" for h in headers],
        include_dirs=[np.get_include(), "grader/baselines"],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )


extensions = [
    kernel("_iou_kernels"),
    kernel("_conv2d_kernels", headers=("_winograd.h",)),
    kernel("_anchor_kernels", vecmath=True),
    kernel("_focal_kernels", vecmath=True),
]

setup(ext_modules=cythonize(extensions, language_level=3))
