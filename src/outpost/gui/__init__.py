"""The Qt front end. The only package (with `app.py`) allowed to import PySide6."""
