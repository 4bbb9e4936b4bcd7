"""Is this Python one the bundle has wheels for? ``python check_python.py 3.10 3.11 ...``

Exit 0 if its version is listed and it is 64-bit, else 1; prints what it is either way. Written for
any Python (even 2.7), so 安装.bat and install.sh can ask every Python they find.
"""
import struct
import sys

version = "%d.%d" % sys.version_info[:2]  # noqa: UP031  (any Python, 2.7 too)
bits = struct.calcsize("P") * 8
sys.stdout.write("Python %s (%d-bit) %s\n" % (version, bits, sys.executable))  # noqa: UP031
sys.exit(0 if version in sys.argv[1:] and bits == 64 else 1)
