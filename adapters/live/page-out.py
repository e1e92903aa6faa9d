# Pushes a (stopped) process's private anonymous memory out to swap with process_madvise(MADV_PAGEOUT):
# `python3 page-out.py PID` prints the bytes advised. Node cannot make these syscalls itself; this is
# the 40-line ctypes route FACTS-2026-12 §3 measured (350 MiB in 224 ms). Exit 1 with one line on error.
import ctypes
import sys

SYS_PIDFD_OPEN = 434
SYS_PROCESS_MADVISE = 440
MADV_PAGEOUT = 21
MAX_IOVECS = 512


class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def main() -> int:
    pid = int(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pidfd = libc.syscall(ctypes.c_long(SYS_PIDFD_OPEN), ctypes.c_int(pid), ctypes.c_uint(0))
    if pidfd < 0:
        print(f"pidfd_open({pid}) failed: errno {ctypes.get_errno()}", file=sys.stderr)
        return 1
    ranges = []
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            parts = line.split()
            perms = parts[1]
            path = parts[5] if len(parts) > 5 else ""
            # Writable private anonymous memory and the heap: what a function allocated.
            if "w" in perms and perms[3] == "p" and (path == "" or path == "[heap]"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                ranges.append((lo, hi - lo))
    advised = 0
    for i in range(0, len(ranges), MAX_IOVECS):
        chunk = ranges[i : i + MAX_IOVECS]
        iovecs = (Iovec * len(chunk))(*[Iovec(lo, n) for lo, n in chunk])
        done = libc.syscall(ctypes.c_long(SYS_PROCESS_MADVISE), ctypes.c_int(pidfd), iovecs, ctypes.c_size_t(len(chunk)), ctypes.c_int(MADV_PAGEOUT), ctypes.c_uint(0))
        if done > 0:
            advised += done
    print(advised)
    return 0


sys.exit(main())
