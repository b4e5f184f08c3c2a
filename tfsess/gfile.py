"""tf.gfile: TF1's file helpers (Exists, MakeDirs, GFile, Glob ...) on the local file system."""
from __future__ import annotations

import glob as _glob
import os as _os
import shutil as _shutil

from .framework import errors as _errors

__all__ = ["Exists", "IsDirectory", "MakeDirs", "MkDir", "ListDirectory", "Glob", "Remove", "DeleteRecursively",
           "Rename", "Copy", "GFile", "Open", "FastGFile", "Walk", "Stat"]


def Exists(filename) -> bool:
    return _os.path.exists(filename)


def IsDirectory(dirname) -> bool:
    return _os.path.isdir(dirname)


def MakeDirs(dirname) -> None:
    _os.makedirs(dirname, exist_ok=True)


def MkDir(dirname) -> None:
    try:
        _os.mkdir(dirname)
    except FileExistsError:
        raise _errors.AlreadyExistsError(None, None, "File already exists") from None


def ListDirectory(dirname) -> list:
    if not _os.path.isdir(dirname):
        raise _errors.NotFoundError(None, None, "Could not find directory %s" % dirname)
    return _os.listdir(dirname)


def Glob(filename) -> list:
    return _glob.glob(filename)


def Remove(filename) -> None:
    try:
        _os.remove(filename)
    except FileNotFoundError:
        raise _errors.NotFoundError(None, None, "%s; No such file or directory" % filename) from None


def DeleteRecursively(dirname) -> None:
    if not _os.path.exists(dirname):
        raise _errors.NotFoundError(None, None, "%s; No such file or directory" % dirname)
    if _os.path.isdir(dirname):
        _shutil.rmtree(dirname)
    else:
        _os.remove(dirname)


def Rename(oldname, newname, overwrite: bool = False) -> None:
    if not overwrite and _os.path.exists(newname):
        raise _errors.AlreadyExistsError(None, None, "file already exists")
    _os.replace(oldname, newname)


def Copy(oldpath, newpath, overwrite: bool = False) -> None:
    if not overwrite and _os.path.exists(newpath):
        raise _errors.AlreadyExistsError(None, None, "file already exists")
    _shutil.copyfile(oldpath, newpath)


def Walk(top, in_order: bool = True):
    return _os.walk(top, topdown=in_order)


def Stat(filename):
    return _os.stat(filename)


class GFile:
    """A file object (text or binary per `mode`); a missing file is tf.errors.NotFoundError as in TF."""

    def __init__(self, name, mode: str = "r"):
        try:
            self._f = open(name, mode)
        except FileNotFoundError:
            raise _errors.NotFoundError(None, None, "%s; No such file or directory" % name) from None

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __iter__(self):
        return iter(self._f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()
        return False

    def size(self) -> int:
        return _os.fstat(self._f.fileno()).st_size


Open = GFile
FastGFile = GFile
