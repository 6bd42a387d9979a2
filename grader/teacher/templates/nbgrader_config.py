# nbgrader configuration of the CV Katas course, ${marker}. Rebuilding the
# notebooks keeps this file: edit it freely. Each kata is one assignment named after its folder (01_iou, ...)
# holding one notebook (iou.ipynb). The secret of the course is gradebook.db: generate_assignment stores the
# hidden tests there, and autograde needs it.
c = get_config()  # noqa: F821

# Needed only to release through nbgrader's exchange on a JupyterHub:
# c.CourseDirectory.course_id = "cv-katas"

# How long one cell may run when nbgrader validates or autogrades (nbgrader's default: 30 s). The hidden tests
# of one kata take up to 16 s on a busy 2-core machine (conv2d), and 15 s (nms) the first time, while numba
# compiles the baselines: 120 s leaves room for a crowded grading server.
c.ExecutePreprocessor.timeout = 120
