"""CV Katas grader: grades computer-vision katas on correctness (visible and hidden tests) and speed."""
