"""The offline Windows bundle (`make dist`): see bundle/build.py."""
