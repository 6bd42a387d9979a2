"""Builds the Cython baselines; everything else is declared in pyproject.toml."""
import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        "grader.baselines._iou_kernels",
        ["grader/baselines/_iou_kernels.pyx"],
        include_dirs=[np.get_include()],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "grader.baselines._conv2d_kernels",
        ["grader/baselines/_conv2d_kernels.pyx"],
        include_dirs=[np.get_include()],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "grader.baselines._anchor_kernels",
        ["grader/baselines/_anchor_kernels.pyx"],
        depends=["grader/baselines/_vecmath.h"],
        include_dirs=[np.get_include(), "grader/baselines"],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    Extension(
        "grader.baselines._focal_kernels",
        ["grader/baselines/_focal_kernels.pyx"],
        depends=["grader/baselines/_vecmath.h"],
        include_dirs=[np.get_include(), "grader/baselines"],
        extra_compile_args=["-O3", "-fno-trapping-math", "-march=native"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
]

setup(ext_modules=cythonize(extensions, language_level=3))
