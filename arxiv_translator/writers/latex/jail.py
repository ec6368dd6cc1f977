"""The jail every TeX tool runs in: a staged build folder, a clean environment, an OS sandbox.

A paper's source is hostile input.  Three layers keep a compile from reading
or writing anything but its own build folder:

1. **Staging** (:func:`stage_tree`): the build folder holds only regular files
   copied from inside the source tree.  A symbolic link is copied as the file
   it points to only when that file lies inside the tree; links that leave the
   tree, links to folders, dotfiles and tool configuration (``latexmkrc``,
   ``biber.conf``, ``texmf.cnf``...) are left out and listed.
2. **A clean environment** (:meth:`Sandbox.env`): nothing is inherited;
   ``HOME``, ``TEXMFHOME``, ``TEXMFVAR`` and ``TEXMFCONFIG`` point inside the
   build folder, ``openin_any``/``openout_any`` are ``p`` (no dotfiles, nothing
   above the build folder) and ``shell_escape`` is ``f``.
3. **bubblewrap** (``bwrap``), where the machine allows user namespaces: a new
   mount namespace that sees only ``/usr``, the TeX and font configuration in
   ``/etc``, ``/var/lib/texmf`` and the font cache (all read-only) and the build
   folder (read-write, at ``/build``); no network, no other process, no
   capabilities, an unprivileged user where user namespaces allow; it dies with us.  TeX primitives that
   kpathsea does not check (``\\special{pdf:fstream ...}`` of an absolute
   path, biber's ``output_file``, a ``.bib`` URL) find nothing there.

Without bubblewrap (not installed, or no user namespaces) layers 1 and 2 still
hold and :attr:`Sandbox.warning` says what is missing; ``compile_sandbox =
"bwrap"`` makes that an error instead.  Every tool runs with an argument list,
never through a shell, in its own process group, killed at its time limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from arxiv_translator.errors import CompileError, UnsafeInputError

#: Tool configuration a paper must not bring (left out of every build folder).
CONFIG_NAMES = frozenset({"latexmkrc", ".latexmkrc", "biber.conf", ".biber.conf", "texmf.cnf", "mktex.cnf",
                          "fonts.conf", "pdftexconfig.tex", "dvipdfmx.cfg", "xdvipdfmx.cfg", "config.ps"})
MAX_DEPTH = 64
JAIL_DIR = ".jail"  # HOME and TEXMF* inside the build folder (dotfiles are never staged, so it is ours)
INSIDE = "/build"  # where the build folder appears inside bubblewrap
_RO_ETC = ("/etc/texmf", "/etc/fonts", "/etc/alternatives", "/etc/ld.so.cache", "/etc/papersize",
           "/etc/ghostscript", "/etc/perl")
_RO_OTHER = ("/var/lib/texmf", "/var/cache/fontconfig", "/opt/texlive")
#: Characters a shell (or Ghostscript's ``%pipe%``) would act on: files so named are never staged.
SHELL_CHARS = frozenset("`$\"'\\;|&<>%\n\r\0")


@dataclass
class Staged:
    """What :func:`stage_tree` copied and what it left out (with why)."""

    files: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "path (why)"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def stage_tree(src: Path, dest: Path, only: set[str] | None = None,
               rename: dict[str, str] | None = None) -> Staged:
    """Copy the regular files of ``src`` (or only the relative paths in ``only``) into ``dest``.

    Links are followed only to regular files inside ``src``; files whose names
    hold shell characters are left out unless ``rename`` gives them a safe
    name; everything left out is listed in :attr:`Staged.refused`.  Raises
    :class:`UnsafeInputError` for a tree nested deeper than :data:`MAX_DEPTH`.
    """
    rename = rename or {}
    staged = Staged()
    root_real = os.path.realpath(src)
    dest.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[str, int]] = [("", 0)]
    while todo:
        rel_dir, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise UnsafeInputError(f"{src / rel_dir}: folders nested deeper than {MAX_DEPTH} levels")
        try:
            entries = sorted(os.scandir(os.path.join(src, rel_dir)), key=lambda e: e.name)
        except OSError as exc:
            staged.refused.append(f"{rel_dir or '.'} (cannot list: {exc.strerror})")
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.name.startswith(".") or entry.name in CONFIG_NAMES:
                if entry.name != ".DS_Store":
                    staged.refused.append(f"{rel} (dotfile or tool configuration)")
                continue
            if entry.is_dir(follow_symlinks=False):
                todo.append((rel, depth + 1))
                continue
            if only is not None and rel not in only:
                continue
            why = _why_not(entry, root_real)
            if not why and rel not in rename and SHELL_CHARS & set(rel):
                why = "shell characters in the name"
            if why:
                staged.refused.append(f"{rel} ({why})")
                continue
            target = dest / rename.get(rel, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(os.path.realpath(entry.path), target)
            staged.files.append(rel)
    return staged


def _why_not(entry: os.DirEntry, root_real: str) -> str:
    """Why a directory entry may not be staged ("" when it may)."""
    if entry.is_symlink():
        real = os.path.realpath(entry.path)
        if not _inside(real, root_real):
            return "link to a file outside the source tree"
        if os.path.isdir(real):
            return "link to a folder"
        if not os.path.isfile(real):
            return "dangling link or special file"
        return ""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return "" if stat.S_ISREG(mode) else "not a regular file"


@dataclass
class ToolRun:
    """One tool run: exit status, output, time, and whether it was killed at its limit."""

    argv: list[str]
    returncode: int
    output: str
    seconds: float
    timed_out: bool


#: User-namespace flags tried in turn: an unprivileged user first, then (setuid bwrap) the caller's own.
_USER_MODES = (["--unshare-user", "--uid", "65534", "--gid", "65534"], [])


@lru_cache(maxsize=1)
def _bwrap_mode() -> tuple[tuple[str, ...], str]:
    """(user flags that work, '') when bubblewrap works here, else ((), why not); checked once per process."""
    if shutil.which("bwrap") is None:
        return (), "bubblewrap (bwrap) is not installed"
    probe = Path("/tmp") if os.path.isdir("/tmp") else Path.cwd()
    why = ""
    for user in _USER_MODES:
        try:
            proc = subprocess.run(_bwrap_prefix(probe, user) + ["/usr/bin/true"], stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return (), f"bubblewrap does not start ({exc})"
        if proc.returncode == 0:
            return tuple(user), ""
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        why = why or f"bubblewrap cannot create its namespaces ({err[-1] if err else proc.returncode})"
    return (), why


def _bwrap_prefix(build: Path, user: list[str] | tuple[str, ...]) -> list[str]:
    argv = ["bwrap", "--unshare-all", *user, "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            argv += ["--ro-bind", str(path), str(path)]
    for path in _RO_ETC + _RO_OTHER:
        argv += ["--ro-bind-try", path, path]
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", str(build.resolve()), INSIDE,
             "--chdir", INSIDE, "--clearenv"]
    return argv


class Sandbox:
    """Runs TeX tools in a build folder: bubblewrap when possible, else a clean environment only."""

    def __init__(self, mode: str = "auto") -> None:
        """Check ``mode``; whether bubblewrap works is probed when a tool first runs (a run that
        compiles nothing starts no probe)."""
        if mode not in ("auto", "bwrap", "none"):
            raise CompileError(f"compile_sandbox {mode!r}: expected auto, bwrap or none")
        self.mode = mode

    @cached_property
    def _probe(self) -> tuple[tuple[str, ...], str]:
        user, problem = _bwrap_mode() if self.mode != "none" else ((), "disabled by compile_sandbox = none")
        if self.mode == "bwrap" and problem:
            raise CompileError(f"compile_sandbox = bwrap, but {problem}")
        return user, problem

    @property
    def user(self) -> tuple[str, ...]:
        """bubblewrap's user-namespace flags that work here."""
        return self._probe[0]

    @property
    def isolated(self) -> bool:
        """True when tools run inside bubblewrap."""
        return not self._probe[1]

    @property
    def warning(self) -> str:
        """What is missing for an OS sandbox ('' when tools run isolated)."""
        problem = self._probe[1]
        return "" if not problem else (
            f"TeX ran without an OS sandbox ({problem}): only the staged build folder and kpathsea's "
            "paranoid file limits kept it in")

    def env(self, build: Path) -> dict[str, str]:
        """The whole environment of a tool (nothing inherited)."""
        base = INSIDE if self.isolated else str(build)
        jail = f"{base}/{JAIL_DIR}"
        return {"PATH": "/usr/bin:/bin", "HOME": f"{jail}/home", "TEXMFHOME": f"{jail}/texmf",
                "TEXMFVAR": f"{jail}/texmf-var", "TEXMFCONFIG": f"{jail}/texmf-config",
                "XDG_CONFIG_HOME": f"{jail}/home/.config", "XDG_CACHE_HOME": f"{jail}/home/.cache",
                "TMPDIR": "/tmp" if self.isolated else jail, "LANG": "C.UTF-8",
                "openin_any": "p", "openout_any": "p", "shell_escape": "f", "max_print_line": "10000",
                "error_line": "254", "half_error_line": "238"}

    def prepare(self, build: Path) -> None:
        """Create the jail's HOME and TEXMF folders inside ``build`` (fresh)."""
        jail = build / JAIL_DIR
        if jail.is_symlink() or jail.is_file():
            jail.unlink()
        shutil.rmtree(jail, ignore_errors=True)
        for sub in ("home", "texmf", "texmf-var", "texmf-config"):
            (jail / sub).mkdir(parents=True, exist_ok=True)

    def run(self, argv: list[str], build: Path, timeout: float) -> ToolRun:
        """Run ``argv`` (no shell) in ``build``; kill its process group after ``timeout`` seconds."""
        env = self.env(build)
        if self.isolated:
            cmd = _bwrap_prefix(build, self.user)
            for key, value in env.items():
                cmd += ["--setenv", key, value]
            cmd += ["--", *argv]
        else:
            cmd = argv
        started = time.monotonic()
        if timeout <= 0:
            return ToolRun(argv, -1, "", 0.0, True)
        try:
            proc = subprocess.Popen(cmd, cwd=build, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            raise CompileError(f"{argv[0]}: cannot run ({exc.strerror or exc})") from exc
        try:
            out, _ = proc.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            timed_out = True
        return ToolRun(argv, proc.returncode, out.decode("utf-8", "replace"), time.monotonic() - started, timed_out)
