"""Qt's error convention for qtipc's classes, implemented once: an operation
returns a bool, or its value and None when it fails, and errorString() says
why, as QSharedMemory and QLocalServer do. Nothing here prints: the
programs say things.

OptionalBackend is the one shape of a library that may be missing here
(System V or POSIX IPC on Windows, say): get() is it or None, and
unavailableReason() says why it is None."""


class ErrorString:
    """Mixed into a class (before a Qt base, whose own errorString() is then
    the fallback): _fail() records why an operation failed."""

    _errorString = ""

    def errorString(self):
        """Why the last operation failed: this class's reason, else the Qt
        base class's, else ""."""
        fallback = getattr(super(), "errorString", None)
        return self._errorString or (fallback() if fallback is not None else "")

    def _fail(self, message, result=False):
        """Records `message` as errorString(); returns `result` (False, or
        None for an operation that returns a value)."""
        self._errorString = message
        return result

    def _clearError(self):
        self._errorString = ""


class ErrorKind(ErrorString):
    """ErrorString with the kind of error beside it, as Qt's error() gives
    it (QSharedMemory.SharedMemoryError for the POSIX shared memory of Qt
    6's native keys); 0 is NoError in Qt's enums."""

    _error = 0

    def error(self):
        return self._error

    def _failWith(self, kind, message, result=False):
        self._error = kind
        return self._fail(message, result)

    def _clearError(self):
        self._error = 0
        super()._clearError()


class Unavailable(Exception):
    """Raised by a backend's loader: why it cannot be used here."""


class OptionalBackend:
    """A library loaded on first use by `load()`, which returns it or raises
    ImportError, OSError or Unavailable."""

    def __init__(self, load):
        self._load = load
        self._loaded = None  # (backend or None, reason) once tried

    def get(self):
        if self._loaded is None:
            try:
                self._loaded = (self._load(), "")
            except (ImportError, OSError, Unavailable) as error:
                self._loaded = (None, str(error))
        return self._loaded[0]

    def unavailableReason(self):
        """Why get() is None, or ""."""
        self.get()
        return self._loaded[1]
