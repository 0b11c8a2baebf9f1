"""The kernel's share of a build's input and output, with the fewest system calls a program can
make for them (floor.sh runs it):

    floor_io.py read DIR           every file under DIR opened, read to its end and closed
    floor_io.py write SITE DEST [FRACTION]
                                   every file of the built site SITE written again under the new
                                   folder DEST: its folders made, each file created, written
                                   whole and closed; with FRACTION (e.g. 0.17), only that share
                                   of each file's bytes, which tells the cost of a file from
                                   the cost of its bytes

`write` reads SITE into memory first, untimed. Prints the system time (the kernel's work) and
the user time of the timed part, from getrusage(); the user time is Python's, not a floor.
"""

import os
import resource
import sys


def files(root):
    for folder, _, names in os.walk(root):
        for name in names:
            yield os.path.join(folder, name)


def read_all(root):
    before = resource.getrusage(resource.RUSAGE_SELF)
    size = 0
    for path in files(root):
        fd = os.open(path, os.O_RDONLY)
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
        os.close(fd)
    return before, size


def write_all(site, dest, fraction=1.0):
    pages = []
    for path in files(site):
        with open(path, "rb") as f:
            data = f.read()
        pages.append((os.path.relpath(path, site), data[: round(len(data) * fraction)]))
    pages.sort()
    before = resource.getrusage(resource.RUSAGE_SELF)
    made = {""}
    size = 0
    for rel, data in pages:
        folder = os.path.dirname(rel)
        missing = []
        while folder not in made:
            missing.append(folder)
            folder = os.path.dirname(folder)
        for folder in reversed(missing):
            os.mkdir(os.path.join(dest, folder))
            made.add(folder)
        fd = os.open(os.path.join(dest, rel), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.close(fd)
        size += len(data)
    return before, size


def main():
    if sys.argv[1] == "read":
        before, size = read_all(sys.argv[2])
    else:
        fraction = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
        before, size = write_all(sys.argv[2], sys.argv[3], fraction)
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{after.ru_stime - before.ru_stime:.3f} {after.ru_utime - before.ru_utime:.3f} {size}")


main()
