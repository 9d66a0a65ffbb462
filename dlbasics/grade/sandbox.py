"""Where learner code runs: a bubblewrap (`bwrap`) sandbox, the one Flatpak uses.

The runner sees a read-only filesystem made of an allow-list: the system's programs and
libraries, this Python and its packages, the `dlbasics` package (with the per-lesson check
modules, the answer key, left out) and the course's `data/`. Everything else does not exist
inside: the folder being graded (classmates), the output folder, the teacher's home,
`solutions/`, `tests/`, `lessons/`. The only writable places are a private scratch folder
(working directory, HOME and TMPDIR), a private /tmp (both in memory, gone with the sandbox)
and the folder the runner writes its results to. It has its own PID (fresh /proc), network
(no interfaces but loopback), IPC, UTS and cgroup namespaces, no capabilities, a terminal
session of its own, and dies with its parent. Run by a teacher's own account, it also has its
own user namespace (and cannot create more); run by root (CI, containers), it runs as `nobody`
instead, because the kernel exempts root from the process limit.

Resource limits are set by the grader (memory, CPU time, file size) and by the runner itself
before any learner code runs (processes and threads: RLIMIT_NPROC counts per user namespace,
so it must be set inside, where it counts only the sandbox's own processes).
"""
import os
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

INSTALL_HINT = ("Install bubblewrap, the sandbox that keeps students' code away from your files:\n"
                "    sudo apt install bubblewrap      # Debian, Ubuntu\n"
                "    sudo dnf install bubblewrap      # Fedora, RHEL\n"
                "Or, only for notebooks you trust, pass --no-sandbox (their code then runs with your "
                "permissions and can read and change your files).")
SCRATCH, RESULTS, MPLCONFIG = "/scratch", "/results", "/mplconfig"
NOBODY = 65534                       # the runner's user when the grader itself runs as root
SCRATCH_MB = 512                     # in memory: the scratch folder and /tmp, each at most this


class Unavailable(RuntimeError):
    """No sandbox can be made here; the message says why and what to install."""


def bwrap_executable() -> str | None:
    """The bwrap to use: $DLBASICS_BWRAP if set (tests point it at a missing file), else PATH's."""
    return os.environ.get("DLBASICS_BWRAP") or shutil.which("bwrap")


def _system_paths() -> list[tuple[str, str]]:
    """(kind, path) for the OS part of the allow-list: directories, symlinks (merged /usr)."""
    found = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            found.append(("symlink", top))
        elif os.path.isdir(top):
            found.append(("dir", top))
    # Just what the dynamic loader, time zones and user lookups read; not /etc as a whole.
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
                 "nsswitch.conf", "alternatives", "fonts"):
        if os.path.exists(f"/etc/{name}"):
            found.append(("dir", f"/etc/{name}"))
    return found


def _python_paths() -> list[str]:
    """This interpreter, its standard library and every package directory it imports from."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable),
             os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= set(site.getsitepackages())
    return sorted({p for p in paths if p and os.path.isdir(p)} |
                  {os.path.realpath(p) for p in paths if p and os.path.isdir(p)})


def _course_paths() -> tuple[Path, Path, Path]:
    """(the dlbasics package, its checks folder, the course's data folder)."""
    import dlbasics
    from dlbasics import data

    package = Path(dlbasics.__file__).resolve().parent
    return package, package / "checks", Path(data.DATA_DIR).resolve()


def command(results: str, limits, mplconfig: str | None = None) -> list[str]:
    """The bwrap command line (without the program to run) for one runner process."""
    bwrap = bwrap_executable()
    if not bwrap or not os.access(bwrap, os.X_OK):
        raise Unavailable(f"bubblewrap (bwrap) was not found{f' at {bwrap}' if bwrap else ' on PATH'}.\n{INSTALL_HINT}")
    if os.geteuid() != 0:
        # A teacher's own account: a user namespace maps them to root inside, with nothing
        # outside; RLIMIT_NPROC (set by the runner) then counts this sandbox's processes only.
        cmd = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
        run_as = []
    else:
        # Grading as root (CI, containers): the kernel exempts root from RLIMIT_NPROC, so the
        # runner must not be root at all. bwrap mounts as root without a user namespace, then
        # setpriv makes the runner `nobody` with no capabilities and no way to regain any.
        cmd = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        run_as = [shutil.which("setpriv") or "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                  "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    cmd += ["--die-with-parent", "--new-session", "--hostname", "sandbox", "--proc", "/proc", "--dev", "/dev"]
    package, checks, data = _course_paths()
    binds = [path for kind, path in _system_paths() if kind == "dir"] + _python_paths() + [str(package)]
    binds += [str(data)] if data.is_dir() else []
    # Folders on the way to a bound path: bwrap would make them 0700 when it runs as root,
    # which `nobody` could not pass through.
    parents = sorted({str(a) for b in binds for a in Path(b).parents if str(a) != "/"}, key=len)
    for path in parents:
        cmd += ["--perms", "0755", "--dir", path]
    for kind, path in _system_paths():
        if kind == "symlink":
            cmd += ["--symlink", os.readlink(path), path]
    for path in binds:
        cmd += ["--ro-bind", path, path]
    # The answer key: an empty folder over checks/, then only the shared machinery back on top.
    # The runner receives the one lesson module it needs as text and drops its references.
    cmd += ["--tmpfs", str(checks)]
    for name in ("__init__.py", "core.py"):
        cmd += ["--ro-bind", str(checks / name), str(checks / name)]
    size = str(SCRATCH_MB << 20)
    cmd += ["--perms", "1777", "--size", size, "--tmpfs", "/dev/shm", "--perms", "1777", "--size", size, "--tmpfs", "/tmp", "--perms", "1777", "--size", size, "--tmpfs", SCRATCH,
            "--bind", results, RESULTS, "--chdir", SCRATCH]
    if mplconfig:
        cmd += ["--bind", mplconfig, MPLCONFIG]
    cmd += ["--remount-ro", "/"]
    cmd += ["--clearenv"]
    for key, value in environment(SCRATCH, MPLCONFIG if mplconfig else None).items():
        cmd += ["--setenv", key, value]
    return cmd + ["--"] + run_as


def environment(home: str, mplconfig: str | None = None) -> dict:
    """The runner's whole environment: nothing of the teacher's (tokens, paths) leaks in."""
    return {**({"MPLCONFIGDIR": mplconfig} if mplconfig else {}),
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home, "MPLBACKEND": "Agg",
            "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8"}


@lru_cache(maxsize=None)
def probe(bwrap: str | None) -> str:
    """bwrap's version if a sandbox can be made here; else Unavailable saying why."""
    from .grader import Limits

    with tempfile.TemporaryDirectory(prefix="dlbasics-probe-") as results:
        try:
            cmd = command(results, Limits())
            done = subprocess.run(cmd + [sys.executable, "-c", "import dlbasics.checks.core"],
                                  capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unavailable(f"bubblewrap could not start: {e}\n{INSTALL_HINT}") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Unavailable(f"bubblewrap is installed but could not make a sandbox here ({why}). "
                          "On Ubuntu 24.04 and later, AppArmor allows it for the packaged /usr/bin/bwrap only; "
                          f"in a container, user namespaces may be disabled.\n{INSTALL_HINT}")
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.split()
    return f"bubblewrap {version[-1] if version else '?'}"


def describe() -> str:
    """'bubblewrap X.Y' when the sandbox works here; raises Unavailable otherwise."""
    return probe(bwrap_executable())


@lru_cache(maxsize=None)
def font_cache_files() -> tuple:
    """matplotlib's font list, built once here: each runner gets a copy instead of scanning every
    font on the system again in its empty HOME (about a second per submission)."""
    import glob

    import matplotlib
    from matplotlib import font_manager  # noqa: F401  (builds and saves the list if missing)

    return tuple(glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-*.json")))
