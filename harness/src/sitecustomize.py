# The sitecustomize the launcher puts first on PYTHONPATH of every Python case program when stacks
# are wanted (launcher.hpp). Embedded in the harness at build time (cmake/EmbedText.cmake); the
# launcher writes in the number of SIGUSR2 and writes the module into its temp directory.
#
# It registers faulthandler on SIGUSR2 (all threads) into $PARITY_STACKS_DIR/<pid>.txt, again in
# every forked child (a fork inherits the parent's handler and file), then runs the next
# sitecustomize on sys.path, if any, as if this one were not there.
import faulthandler as _parity_faulthandler
import os as _parity_os
import sys as _parity_sys

# Filled in by the launcher: importing signal costs 0.5 ms at startup.
_PARITY_SIGUSR2 = int("@SIGUSR2@")

_parity_fd = -1


def _parity_arm():
    # The file descriptor is moved to >= 1000 so that the case's own descriptors get the numbers
    # they would get without the harness (cases may print them).
    global _parity_fd
    directory = _parity_os.environ.get("PARITY_STACKS_DIR")
    if not directory:
        return
    try:
        fd = _parity_os.open(_parity_os.path.join(directory, "%d.txt" % _parity_os.getpid()),
                             _parity_os.O_WRONLY | _parity_os.O_CREAT | _parity_os.O_TRUNC
                             | _parity_os.O_CLOEXEC, 0o644)
    except OSError:
        return
    for high in range(1000, 1024):
        try:
            _parity_os.fstat(high)
        except OSError:
            try:
                _parity_os.dup2(fd, high, inheritable=False)
            except OSError:
                break
            _parity_os.close(fd)
            fd = high
            break
    _parity_faulthandler.register(_PARITY_SIGUSR2, file=fd, all_threads=True, chain=False)
    if _parity_fd >= 0:
        _parity_os.close(_parity_fd)
    _parity_fd = fd


_parity_arm()
_parity_os.register_at_fork(after_in_child=_parity_arm)


def _parity_chain():
    here = _parity_os.path.dirname(_parity_os.path.abspath(__file__))
    rest = [p for p in _parity_sys.path if _parity_os.path.abspath(p or ".") != here]
    if not any(_parity_os.path.exists(_parity_os.path.join(p or ".", "sitecustomize.py"))
               or _parity_os.path.isdir(_parity_os.path.join(p or ".", "sitecustomize"))
               for p in rest):
        return
    import importlib.machinery
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(_parity_sys.modules[__name__])


_parity_chain()


def _parity_cache_bytecode():
    # Every armed Python process imports this module: compile it once per interpreter version
    # into __pycache__ (read even under PYTHONDONTWRITEBYTECODE), not on every start.
    cached = getattr(__spec__, "cached", None)
    if cached and not _parity_os.path.exists(cached):
        try:
            import py_compile
            py_compile.compile(__file__, cfile=cached, doraise=True)
        except Exception:
            pass


_parity_cache_bytecode()
