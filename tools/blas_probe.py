"""Names the BLAS library that the current Python process has loaded."""
import os


def blas_library():
    """Return the resolved path of the first BLAS library in /proc/self/maps."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in os.path.basename(path):
                return os.path.realpath(path)
    return "none found"
