"""Build script; every setting lives in setup.cfg."""
from setuptools import setup

setup()
