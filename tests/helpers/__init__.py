"""What tests share, by what it holds; test modules and conftest files import from here,
never from one another (``tests/test_test_imports.py``)."""
