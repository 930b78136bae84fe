"""Who may use a shared-memory object: this user alone, as Qt makes each
one (mode 0600). One check for System V segments and lock semaphores
(qtipc.sysv) and Qt 6's POSIX objects (qtipc.qt6_shared_memory)."""

import os
from contextlib import suppress

from PyQt5.QtCore import QCoreApplication

from qtipc import arg

# Group and others: read or write.
OTHERS_READ_WRITE = 0o066


class Owners:
    """The check and the words for its refusals (a class, for their
    translation context)."""

    @staticmethod
    def problem(what, uid, mode):
        """Why `what` (a path, or words naming the object), owned by `uid`
        with permission bits `mode`, is refused: another user's, or one
        other users may read or write; "" when it is this user's alone."""
        translate = QCoreApplication.translate
        if uid != os.geteuid():
            return arg(translate("Owners", "Refused %1: it belongs to %2, not to this user; "
                                           "nothing was read or written."), what, Owners.name(uid))
        if mode & OTHERS_READ_WRITE:
            return arg(translate("Owners", "Refused %1 of %2: its mode %3 lets other users read "
                                           "or write it (Qt makes 0600); nothing was read or "
                                           "written."),
                       what, Owners.name(uid), "{:04o}".format(mode & 0o7777))
        return ""

    @staticmethod
    def name(uid):
        """"user NAME (uid N)", or "uid N" for a uid with no name."""
        with suppress(ImportError, KeyError):
            import pwd
            return arg(QCoreApplication.translate("Owners", "user %1 (uid %2)"),
                       pwd.getpwuid(uid).pw_name, uid)
        return arg(QCoreApplication.translate("Owners", "uid %1"), uid)
